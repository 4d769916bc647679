"""A bundle holds one folder per case (interfaces.md §7): a terlapor's confirmed findings
together in `cases/<id>/` with the case's follow-up in `case.json` and in the report, even when
the case's items are far apart in the export; a post in no case keeps its own folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from monitor.evidence.keys import ensure_key
from monitor.export import ExportFilter, verify_bundle
from monitor.policy import Actor, operator_actor, user_actor
from monitor.services import cases, exports, review
from monitor.services.users import add_user
from storage.cases import Deadlines
from storage.db import Database
from storage.posts import store_posts
from storage.records import record_from_dict
from storage.reviews import ScoreRow, add_scores, enqueue

ORDER = ("Yth. seluruh staf Dinas PU: WAJIB hadir di posko pemenangan paslon nomor 2 Sabtu "
         "pukul 08.00, yang tidak hadir harap konfirmasi ke saya. Arahan pimpinan.")


def _person(db: Database, name: str, role: str) -> Actor:
    row = add_user(db, operator_actor(users_exist=True), name, "rahasia-panjang-1", role)
    return user_actor(row.username, row.role, row.id)


def _flag(db: Database) -> list[int]:
    """Three flagged posts: asn.pu (twice, the second an order to staff), warga.biasa between."""
    posts = [("asn.pu", "Ayo coblos nomor 2 ✌️ <b>salam BERSINAR</b>", "social_media_campaign"),
             ("warga.biasa", "pilih nomor 2 ya", "social_media_campaign"),
             ("asn.pu", ORDER, "mobilisation")]
    records = [record_from_dict({
        "platform": "facebook", "external_id": f"fb{i}", "text": text, "region": "Kab. Muna",
        "url": f"https://facebook.example/p/{i}", "posted_at": "2024-11-20T09:00:00+08:00",
        "author": {"handle": handle, "name": f"Nama {handle}", "bio": "Kepala Bidang PU Kab. Muna"},
        "jabatan": "Kepala Bidang", "instansi": "Dinas PU Kab. Muna"})
        for i, (handle, text, _) in enumerate(posts)]
    with db.session() as session:
        stored = store_posts(session, records)
        rows = [ScoreRow(s.id, 1, "m-test", 0.9, 0.5, True, category, [["coblos", 0.3]])
                for s, (_, _, category) in zip(stored, posts, strict=True)]
        add_scores(session, rows)
        enqueue(session, rows)
    return [1, 2, 3]


def test_a_cases_items_share_one_folder_with_its_follow_up(db: Database, tmp_path: Path) -> None:
    monitor, lead, other = (_person(db, "sari", "monitor"), _person(db, "budi", "lead"),
                            _person(db, "rina", "lead"))
    first, citizen, order = _flag(db)
    for item, category in ((first, "social_media_campaign"), (order, "mobilisation")):
        review.decide(db, monitor, item, decision="confirmed", category=category)
        decided = review.decide(db, lead, item, decision="confirmed")
    review.decide(db, monitor, citizen, decision="rejected")
    case_id = decided.case_id
    assert case_id is not None
    cases.record_step(db, other, case_id, step="reported", reference="007/TM/PL/XI/2024",
                      deadlines=Deadlines())

    out = tmp_path / "bukti.zip"
    key = ensure_key(tmp_path / "home")[0]
    summary = exports.export(db, lead, "bundle", out, ExportFilter(), signing_key=key, pdf=False)
    assert summary["items"] == 3

    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        folder = f"cases/{case_id}"
        assert {f"{folder}/case.json", f"{folder}/report.html"} <= names
        assert "posts/2/case.json" in names  # the rejected citizen's post: in no case
        assert not any(n.startswith(("posts/1/", "posts/3/")) for n in names)
        document = json.loads(archive.read(f"{folder}/case.json"))
        report = archive.read(f"{folder}/report.html").decode()
    case = document["case"]
    assert case["id"] == case_id and case["terlapor"]["handle"] == "asn.pu"
    assert case["terlapor"]["agency"] == "Dinas PU Kab. Muna"
    assert [p["review_id"] for p in document["posts"]] == [first, order]
    assert [s["step"] for s in case["steps"]] == ["reported"]
    assert case["clock"]["next_step"] == "recommendation"
    assert f"Kasus {case_id}" in report and "007/TM/PL/XI/2024" in report
    assert "Mobilisasi" in report and "/lapor" in report  # the official named as responsible
    assert "Pengerahan pegawai untuk calon" in report  # the category in words, never the code
    assert "<b>salam" not in report and "&lt;b&gt;salam" in report
    assert verify_bundle(out).intact
