"""Marks of the fifth round: relatives of an ASN and numbers in contests (classifier/marks.py).

Both are off unless a model's preparation settings turn them on, so older models prepare text
as they were trained.
"""

from __future__ import annotations

import pytest

from classifier.features import PrepSettings, TextPreparer

ON = TextPreparer(PrepSettings(marks=True, negation=True, kin=True, contest=True))
OFF = TextPreparer(PrepSettings(marks=True, negation=True))


def _marks(prep: TextPreparer, text: str) -> list[str]:
    return [t for t in prep.prepare(text).tokens if t in ("_selfasn_", "_notasn_", "_pairnum_",
                                                          "_contest_")]


@pytest.mark.parametrize("text", [
    "Bapak sy PNS jd dia diam, sy bebas: nomor 2!",
    "Mertua sy guru PNS, sy petani: ZONA nomor 1",
    "bokap kadis jd netral, gue mah bebas",
])
def test_a_relative_holds_the_status_not_the_author(text: str) -> None:
    assert "_notasn_" in _marks(ON, text) and "_selfasn_" not in _marks(ON, text)
    assert "_notasn_" not in _marks(OFF, text)


def test_the_author_speaking_of_their_own_status_is_still_self_reference() -> None:
    assert _marks(ON, "sy PNS, nomor 2!") == ["_selfasn_", "_pairnum_"]


@pytest.mark.parametrize("text", [
    "Tim dayung Muna menang di Porprov, nomor 1 di 3 kelas!",
    "finish 10K nomor 2 kategori umum 🥈",
    "Simulasi UTBK: jawab soal nomor 1 sampai 40",
])
def test_a_number_in_a_contest_is_not_a_pair_number(text: str) -> None:
    assert "_contest_" in _marks(ON, text) and "_pairnum_" not in _marks(ON, text)
    assert "_pairnum_" in _marks(OFF, text)


def test_a_pair_number_far_from_contest_words_stays_one() -> None:
    text = "Lomba 17an seru kemarin, anak2 dpt hadiah. Besok 27 Nov jgn lupa coblos nomor 2 ya"
    assert "_pairnum_" in _marks(ON, text) and "_contest_" not in _marks(ON, text)


def test_settings_round_trip_and_old_states_keep_their_preparation() -> None:
    settings = PrepSettings(marks=True, negation=True, kin=True, contest=True)
    assert PrepSettings.from_state({"prep": settings.as_dict()}) == settings
    old = {"prep": {"stem": False, "marks": True, "negation": True}}
    assert PrepSettings.from_state(old) == PrepSettings(marks=True, negation=True)
    assert "kin" not in PrepSettings(marks=True).as_dict()


DAILY = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, contest_post=True,
                                  daily_numbers=True))
CONTEST = TextPreparer(PrepSettings(marks=True, negation=True, contest=True, contest_post=True))


@pytest.mark.parametrize("text", [
    "Kuis hari ini: pilih jawaban yg paling tepat. Nomor 2 paling susah katanya 😂",
    "@rina.k nomor 2 itu nomor kamar rawat inap yg sy jaga tadi malam kak",
    "Arisan kantor bulan ini: yg keluar nomor 3, rezeki bu Wati 😂",
])
def test_a_number_of_daily_work_is_not_a_pair_number(text: str) -> None:
    """Tenth round: a quiz, a room, an arisan draw number a post as a contest's do."""
    assert "_pairnum_" not in _marks(DAILY, text) and "_contest_" in _marks(DAILY, text)
    assert "_pairnum_" in _marks(CONTEST, text)


def test_no_ballot_has_forty_seven_pairs() -> None:
    assert "_pairnum_" not in _marks(DAILY, "Pegawai KPPN: nomor 47, sabar 😮‍💨")
    assert "_pairnum_" in _marks(CONTEST, "Pegawai KPPN: nomor 47, sabar 😮‍💨")
    assert "_pairnum_" in _marks(DAILY, "tgl 14 jgn lupa coblos nomor 24 ya")


def test_a_pair_number_in_a_campaign_post_stays_one_with_daily_numbers() -> None:
    text = "antre di TPS tadi pagi, sdh coblos nomor 2 ✌️ pilkada aman"
    assert "_pairnum_" in _marks(DAILY, text)


def test_daily_numbers_round_trips_and_is_absent_from_older_states() -> None:
    settings = PrepSettings(marks=True, contest=True, daily_numbers=True)
    assert PrepSettings.from_state({"prep": settings.as_dict()}) == settings
    assert "daily_numbers" not in PrepSettings(marks=True, contest=True).as_dict()
