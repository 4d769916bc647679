"""Eleventh round (docs/classifier.md): offices beyond the guide's list, handles read whole.

An ASN whose status shows only in a handle or a bio was missed when the handle glued an office
to a name ("rizal_kppnpalu", "pnsmuna.vlog"), when it wrote PPPK as "p3k" (split into p, 3, k),
or when the office is one the guide's list lacks (KPPN, Kacabdis, Kejari). `office_words` tags
them `_asn_`; preparers without it prepare as before, so older models score as they were
trained.
"""

from __future__ import annotations

import pytest

from classifier.features import PrepSettings, TextPreparer
from classifier.model import Model
from classifier.train import PARAMS
from storage.records import Author, PostRecord

ON = TextPreparer(PrepSettings(marks=True, negation=True, office_words=True))
OFF = TextPreparer(PrepSettings(marks=True, negation=True))


def _author(prep: TextPreparer, handle: str, bio: str = "") -> tuple[str, ...]:
    return prep.prepare_author(handle, "", bio).tokens


def test_p3k_in_a_handle_is_pppk() -> None:
    assert _author(ON, "p3k.nakes.sinjai")[:2] == ("_asn_", "pppk")
    assert _author(OFF, "p3k.nakes.sinjai")[:3] == ("p", "3", "k")  # as older models were trained


@pytest.mark.parametrize("handle", ["rizal_kppnpalu", "pnsmuna.vlog", "ria_penyuluhkb",
                                    "kacabdis.bau", "dinkeskolaka_info"])
def test_a_handle_that_glues_an_office_to_a_name_is_asn_evidence(handle: str) -> None:
    assert "_asn_" in _author(ON, handle)
    assert "_asn_" not in _author(OFF, handle)


@pytest.mark.parametrize("handle", ["asnawi_89", "pnsr", "kopipalu", "rsudirman.id", "dinara.putri"])
def test_names_and_short_parts_are_not(handle: str) -> None:
    tokens = _author(ON, handle)
    assert "_asn_" not in tokens, tokens


@pytest.mark.parametrize("bio", ["Pegawai KPPN Palu", "Kacabdis Pendidikan Wilayah IV",
                                 "Staf Kejari Baubau", "Analis BMKG Kendari"])
def test_offices_beyond_the_guide_list_are_tagged_in_bios_and_texts(bio: str) -> None:
    assert _author(ON, "x", bio).count("_asn_") > _author(OFF, "x", bio).count("_asn_")
    assert "_asn_" in ON.prepare(f"sy {bio}").tokens


def test_settings_round_trip_only_when_on() -> None:
    assert "office_words" not in OFF.settings.as_dict()
    state = {"prep": ON.settings.as_dict()}
    assert PrepSettings.from_state(state).office_words is True


def test_the_shipped_parameters_read_office_words(model: Model) -> None:
    if not PARAMS.get("office_words"):
        pytest.skip("the shipped parameters do not tag office words")
    assert model.state["prep"].get("office_words") is True


def test_a_glued_office_handle_weighs_towards_asn(model: Model) -> None:
    text = "27/11 jgn lupa ☝️ 01 #SinjaiMaju"
    office = PostRecord("x", "r11-0", text, author=Author(handle="rizal_kppnpalu", name="Rizal"))
    plain = PostRecord("x", "r11-1", text, author=Author(handle="rizal_kopipalu", name="Rizal"))
    s_office, s_plain = (p.score for p in model.predict([office, plain]))
    assert s_office > s_plain
