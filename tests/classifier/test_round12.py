"""Twelfth round (docs/classifier.md): teachers and health workers need an explicit status.

The labeling guide (§2) does not count "Guru SDN 2 X", "Perawat RSUD" or "Bidan" as ASN
without a PNS/PPPK/ASN/NIP cue or a structural post: many of them are honorer. The guide's cue
list tags the school and the hospital `_asn_` all the same, so a teacher's campaign post read
as an ASN's. `explicit_status` makes that tag `_unsure_` for such an author; preparers without
it prepare as before, so older models score as they were trained.
"""

from __future__ import annotations

import pytest

from classifier.features import PrepSettings, TextPreparer
from classifier.model import Model
from classifier.train import PARAMS
from storage.records import Author, PostRecord

ON = TextPreparer(PrepSettings(marks=True, negation=True, office_words=True, explicit_status=True))
OFF = TextPreparer(PrepSettings(marks=True, negation=True, office_words=True))


def _author(prep: TextPreparer, handle: str, bio: str) -> tuple[str, ...]:
    return prep.prepare_author(handle, "", bio).tokens


@pytest.mark.parametrize("bio", ["Guru SDN 5 Andoolo", "Perawat RSUD Bahteramas",
                                 "Bidan di Puskesmas Lasalepa", "guru honor? bukan, guru SMPN 2 Raha"])
def test_a_teacher_or_health_worker_without_a_status_is_unsure(bio: str) -> None:
    tokens = _author(ON, "sari_89", bio)
    assert "_unsure_" in tokens and "_asn_" not in tokens, tokens
    assert "_asn_" in _author(OFF, "sari_89", bio)  # as older models were trained


@pytest.mark.parametrize(("handle", "bio"), [
    ("sari_89", "Guru PNS SDN 5 Andoolo"),
    ("guru.pppk.konsel", "Guru SDN 5 Andoolo"),
    ("ners_rina.p3k", "Perawat RSUD Bahteramas"),
    ("sari_89", "Kepala SDN 2 Raha"),
    ("sari_89", "Kapus Puskesmas Lasalepa | bidan"),
    ("sari_89", "Guru SMAN 1 Kendari | NIP 1987…"),
])
def test_a_status_word_or_a_structural_post_keeps_the_evidence(handle: str, bio: str) -> None:
    tokens = _author(ON, handle, bio)
    assert "_asn_" in tokens and "_unsure_" not in tokens, tokens


def test_other_offices_are_left_alone() -> None:
    assert _author(ON, "x", "Staf Dinas Kesehatan Kab. Muna") == _author(OFF, "x", "Staf Dinas Kesehatan Kab. Muna")
    assert "_unsure_" not in ON.prepare("guru SDN 5 ikut apel").tokens  # texts are not authors


def test_settings_round_trip_only_when_on() -> None:
    assert "explicit_status" not in OFF.settings.as_dict()
    assert PrepSettings.from_state({"prep": ON.settings.as_dict()}).explicit_status is True
    assert PrepSettings.from_state({"prep": OFF.settings.as_dict()}).explicit_status is False


def test_the_shipped_parameters_read_explicit_status(model: Model) -> None:
    if not PARAMS.get("explicit_status"):
        pytest.skip("the shipped parameters do not ask for an explicit status")
    assert model.state["prep"].get("explicit_status") is True


def test_a_stated_status_weighs_towards_asn(model: Model) -> None:
    text = "Sdh follow IG paslon 3 SURYA, yuk follow jg bpk ibu 🙏 #KonselSURYA"
    unsure = PostRecord("x", "r12-0", text, author=Author(handle="wa.sari", name="Sari",
                                                          bio="Guru SDN 5 Andoolo"))
    stated = PostRecord("x", "r12-1", text, author=Author(handle="wa.sari", name="Sari",
                                                          bio="Guru PNS SDN 5 Andoolo"))
    s_unsure, s_stated = (p.score for p in model.predict([unsure, stated]))
    assert s_stated > s_unsure
