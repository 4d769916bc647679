"""A post in which an official orders staff to a candidate's event is tagged `mobilisation` by
the shipped model, and its page names the official as responsible and the staff as possible
victims, with the confidential channel (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import login, make_app, post, review_ids, seed, staff

from classifier.registry import load_artifact
from classifier.shipped import SHIPPED_DIR, shipped_metadata
from monitor.web.mobilisation import mobilisation_roles, roles_wording
from storage.db import Database
from storage.records import record_from_dict

ORDER = post(1, text="Kpd seluruh staf Dinas Koperasi: Sabtu jam 8 wajib hadir di kampanye "
                     "akbar paslon nomor 2 di lapangan Benu-benua. Absen diambil di lokasi, "
                     "yg tdk hadir harap konfirmasi ke sy.",
             author={"handle": "kadis.koperasi.kdi", "name": "Ir. Hasrun Tamalaki",
                     "bio": "Kepala Dinas Koperasi & UKM Kota Kendari"})
CEREMONY = post(2, text="Kpd seluruh staf Dinas Koperasi: Sabtu jam 8 wajib hadir di upacara "
                        "Hari Koperasi di halaman balai kota. Absen diambil di lokasi, yg tdk "
                        "hadir harap konfirmasi ke sy.",
                author=ORDER["author"])


def _section(html: str) -> str:
    match = re.search(r"<section class=\"mobilisation.*?</section>", html, re.S)
    return match.group(0) if match else ""


@pytest.fixture(scope="module")
def predictions() -> dict[str, tuple[float, bool, str | None]]:
    meta = shipped_metadata()
    assert meta is not None, "no shipped model (python -m classifier.shipped)"
    model = load_artifact(SHIPPED_DIR / f"{meta['version']}.skops", meta["artifact_sha256"])
    got = model.predict([record_from_dict(ORDER), record_from_dict(CEREMONY)])
    return {"order": (got[0].score, got[0].flagged, got[0].category),
            "ceremony": (got[1].score, got[1].flagged, got[1].category)}


def test_the_order_is_tagged_mobilisation_and_scores_above_the_ceremony(predictions) -> None:  # type: ignore[no-untyped-def]
    assert predictions["order"][1:] == (True, "mobilisation")
    assert predictions["ceremony"][0] < predictions["order"][0]


def test_the_page_names_the_official_responsible_and_links_the_channel(  # type: ignore[no-untyped-def]
        predictions, db: Database, tmp_path: Path) -> None:
    staff(db, "monitor")
    score, _flagged, category = predictions["order"]
    seed(db, [ORDER], scores=[score], category=str(category))
    (order_item,) = review_ids(db)
    seed(db, [post(3)], scores=[0.9], category="social_media_campaign")
    (other_item,) = set(review_ids(db)) - {order_item}
    with TestClient(make_app(db, tmp_path)) as client:
        login(client, "monitor")
        section = _section(client.get(f"/items/{order_item}").text)
        assert "Ir. Hasrun Tamalaki" in re.search(r"data-responsible>(.*?)</p>", section, re.S)[1]  # type: ignore[index]
        assert "Bertanggung jawab" in section and "Kemungkinan korban" in section
        assert "Kepala Dinas Koperasi &amp; UKM Kota Kendari" in section  # escaped scraped text
        assert 'href="/lapor"' in section
        assert _section(client.get(f"/items/{other_item}").text) == ""
        english = _section(client.get(f"/items/{order_item}?lang=en").text)
        assert "Responsible: Ir. Hasrun Tamalaki" in english and "Possible victims" in english


def test_a_decided_category_wins_over_the_prediction() -> None:
    assert mobilisation_roles("partisan_decision", "A") is None
    roles = mobilisation_roles("mobilisation", "", "camat.wolo", "")
    assert roles is not None and roles.official == "@camat.wolo"
    wording = roles_wording(roles, lambda s: s)
    assert "@camat.wolo" in wording["responsible"] and wording["channel_url"] == "/lapor"
    assert "bio" not in wording
