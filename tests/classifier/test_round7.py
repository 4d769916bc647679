"""Seventh round (docs/classifier.md): a wider `_selfasn_` (`selfref`), read over deals.

An ASN whose status shows only in the text ("PPPK jg punya pilihan", "sy ngantor lg di kantor
camat", "absen finger di dinas") was scored as a citizen: the old rule wanted a first-person
word within three words of the ASN word. `selfref` adds the holder's working life within five
words and "ASN juga manusia"; "kami"/"kita" stay within three ("Kami kepala desa se-Kec. …").
"""

from __future__ import annotations

import pytest

from classifier.features import PrepSettings, TextPreparer
from classifier.honest import mean_report

WIDE = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, caps=True,
                                 selfref=True))
NARROW = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, caps=True))


def _self(prep: TextPreparer, text: str) -> bool:
    return "_selfasn_" in prep.prepare(text).tokens


@pytest.mark.parametrize("text", [
    "PPPK jg punya pilihan: TULUS 2 ✌️",
    "ASN juga manusia punya pilihan 😅 nomor 1 ☝️",
    "Besok pagi sy ngantor lg di kantor camat, jd fotonya baru sy upload",
    "absen finger di dinas jam 7.29 🏃 lolos",
    "as a CPNS 2023 who just got SK, honestly capres 01",
])
def test_the_holder_speaking_of_their_working_life_is_self_reference(text: str) -> None:
    assert _self(WIDE, text)
    assert not _self(NARROW, text)


@pytest.mark.parametrize("text", [
    "ASN juga harus netral ya, jgn ikut kampanye",  # a citizen speaking of ASN
    "Konsolidasi pengurus ranting se-Kec. Tinanggea malam ini. Target kita jelas",
    "Pesan kami utk bapak ibu ASN di Unaaha: jgn ambil risiko di medsos",
    "semoga lulus CPNS thn ini, sy sdh belajar tiap malam",  # a hopeful, not a holder
])
def test_others_speaking_of_asn_are_not(text: str) -> None:
    assert not _self(WIDE, text)


def test_author_fields_are_prepared_as_before() -> None:
    """A bio speaks of its author anyway: the wider rule is for the text only."""
    assert WIDE.prepare_author("untuk.para.asn", "", "Relawan, bukan ASN").tokens == \
        NARROW.prepare_author("untuk.para.asn", "", "Relawan, bukan ASN").tokens


def test_settings_round_trip_and_older_states_prepare_as_trained() -> None:
    settings = PrepSettings(marks=True, caps=True, selfref=True)
    assert PrepSettings.from_state({"prep": settings.as_dict()}) == settings
    assert "selfref" not in PrepSettings(marks=True, caps=True).as_dict()


def test_the_mean_over_deals_is_the_mean_of_each_figure() -> None:
    def run(recall: float, flagged: int) -> dict:
        return {"precision": 0.9, "recall": recall, "f1": 0.9, "pr_auc": 0.98,
                "category_accuracy_on_flagged": 0.91,
                "fpr_by_hard_case": {"asn_neutral": {"fpr": flagged / 100, "flagged": flagged,
                                                     "n": 100}},
                "recall_by_category": {"banner": {"recall": recall, "flagged": 1, "n": 2}}}

    mean = mean_report([run(0.95, 4), run(0.97, 7)])
    assert mean["deals"] == 2 and mean["recall"] == 0.96
    assert mean["fpr_by_hard_case"]["asn_neutral"] == {"fpr": 0.055, "flagged": 5.5, "n": 100}
    assert mean["recall_by_category"]["banner"]["recall"] == 0.96
