"""Fourteenth round (docs/classifier.md): a campaign line with a hard signal in a long post.

A pair number, a hand sign or the election day at the end of four sentences about a school was
diluted by them in the post's bag of words. Such a line is now also read alone by the campaign
model, unless the post speaks of the neutrality rules (a reminder lists the very same acts); a
P(campaign) of at least `line_min` raises the post's, never lowers it. Older models, without
`line_asn` in their state, score as they were trained.
"""

from __future__ import annotations

import numpy as np
import pytest

from classifier.features import PrepSettings, TextPreparer
from classifier.model import Model
from classifier.segments import HARD_SIGNALS, signal_lines
from classifier.train import PARAMS
from storage.records import Author, PostRecord

PREP = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, office_words=True,
                                 explicit_status=True))

SCHOOL = ("Alhamdulillah hari ini kegiatan literasi pagi di SDN 3 Wawotobi berjalan lancar. "
          "Anak-anak membaca buku cerita rakyat Tolaki lalu menceritakan kembali di depan kelas. "
          "Terima kasih bapak ibu guru yang sdh mendampingi sejak jam 7 pagi. "
          "Semoga minat baca anak2 kita terus tumbuh.")
LINE = "Jgn lupa 27 Nov coblos no 2 ya bpk ibu ☝"
LONGER = (SCHOOL + " Besok kami lanjut kegiatan menulis cerpen bersama komite sekolah. Mohon "
          "orang tua siswa membawa buku tulis baru dan pensil warna.")


def _lines(*texts: str) -> list[tuple[int, tuple[str, ...]]]:
    prepared = [PREP.prepare(t) for t in texts]
    lines, owner = signal_lines(prepared)
    return [(int(o), line.tokens) for o, line in zip(owner, lines, strict=True)]


def test_the_line_with_a_hard_signal_is_read_alone() -> None:
    [(row, tokens)] = _lines(SCHOOL + "\n" + LINE)
    assert row == 0
    assert {"_pairnum_", "_elecday_", "_handsign_", "coblos"} <= set(tokens)
    assert "literasi" not in tokens  # the school lines stay out of it


@pytest.mark.parametrize("text", [
    LINE,  # one line: the post is read whole already
    SCHOOL,  # no hard signal anywhere
    SCHOOL + "\nAyo dukung program gemar membaca!",  # campaign words, no hard signal
    SCHOOL + "\nIngat, ASN dilarang foto dgn simbol jari nomor paslon 2. " + LINE,  # the rules
    SCHOOL + "\nKita wajib netral. " + LINE,
])
def test_no_line_is_read_alone(text: str) -> None:
    assert _lines(text) == []


def test_lines_of_several_posts_keep_their_owner() -> None:
    got = _lines(SCHOOL, SCHOOL + " " + LINE, "Rapat pagi. Paslon 1 menang! ✌ salam 2 jari")
    assert [row for row, _ in got] == [1, 2, 2]  # both lines of the third post have one


def _post(text: str, n: int) -> PostRecord:
    return PostRecord("x", f"r14-{n}", text, author=Author(
        handle="wa.rina", name="Rina", bio="Guru PNS SDN 3 Wawotobi, Konawe"))


def test_the_shipped_parameters_read_lines(model: Model) -> None:
    if not PARAMS.get("line_signals"):
        pytest.skip("the shipped parameters do not read lines")
    assert model.state["line_asn"] == PARAMS["line_asn"]
    assert model.state["line_min"] == PARAMS["line_min"]


def test_a_campaign_line_raises_a_long_post_and_nothing_else(model: Model) -> None:
    campaign, school, reminder = (_post(t, k) for k, t in enumerate([
        LONGER + "\nSalam 2 jari bpk ibu 🙏", LONGER,
        LONGER + "\nIngat ASN dilarang kampanye, dilarang ajak pilih no 2 ☝"]))
    older = Model(dict(model.state), model.metadata)
    for key in ("line_asn", "line_min"):
        older.state.pop(key, None)
    new = model.predict([campaign, school, reminder])
    old = older.predict([campaign, school, reminder])
    assert [p.score for p in new[1:]] == [p.score for p in old[1:]]  # no line read alone
    assert new[0].flagged and not old[0].flagged, (new[0].score, old[0].score)
    assert not any(p.flagged for p in new[1:])
    texts = [model.preparer.prepare(r.text) for r in (campaign, school, reminder)]
    p_camp = np.array([0.1, 0.1, 0.1])
    raised = model.line_campaign(texts, np.ones(3), p_camp)
    assert raised[0] >= PARAMS["line_min"] and list(raised[1:]) == [0.1, 0.1]
    assert list(model.line_campaign(texts, np.zeros(3), p_camp)) == list(p_camp)  # not ASN


def test_a_line_below_line_min_changes_nothing(model: Model) -> None:
    texts = [model.preparer.prepare(SCHOOL + "\n" + LINE)]
    strict = Model({**model.state, "line_min": 1.01}, model.metadata)
    assert list(strict.line_campaign(texts, np.ones(1), np.array([0.2]))) == [0.2]


def test_other_signals_can_be_asked_for() -> None:
    """`line_marks` (measured, not kept): candidates' capitals jargon as a signal too."""
    text = SCHOOL + "\nKonawe butuh SEJATI bpk ibu 🙏"
    post = TextPreparer(PrepSettings(marks=True, caps=True, caps_words=True)).prepare(text)
    assert signal_lines([post])[0] == []  # no pair number, hand sign or date
    lines, owner = signal_lines([post], HARD_SIGNALS | {"_caps_"})
    assert list(owner) == [0] and "_caps_" in lines[0].tokens and "sejati" in lines[0].tokens
