"""`pantau cases list|show|update` through the command line: a second review opens a case, a
lead walks it through its steps, bad order and monitors are refused, tables fit 80 columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import pantau, prepared_home

POSTS = [
    {"platform": "facebook", "external_id": f"e{i}", "region": "Kabupaten Muna",
     "author": {"handle": "asn.dinkes", "name": "Wa Ode Sitti Nurhaliza Binti Laode Abdullah"},
     "text": f"Sbg ASN sy ajak coblos nomor {i} menangkan paslon BERSINAR! " * 3}
    for i in range(1, 3)
]


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("PANTAU_LANG", raising=False)
    return prepared_home(tmp_path, db_url, monkeypatch, posts=POSTS,
                         users=[("sari", "monitor"), ("budi", "lead")])


def confirm_all() -> None:
    _, out, _ = pantau("review", "list", "--json")
    cases = set()
    for item in json.loads(out):
        assert pantau("--as", "sari", "review", "decide", str(item["id"]),
                      "--decision", "confirmed")[0] == 0
        code, _, err = pantau("--as", "budi", "review", "decide", str(item["id"]),
                              "--decision", "confirmed")
        assert code == 0 and "masuk kasus" in err
        cases.add(err.split("masuk kasus ")[1].split()[0])
    assert len(cases) == 1  # one author, one case


def test_a_lead_follows_a_case_up_from_the_command_line(env: Path) -> None:
    confirm_all()
    code, out, _ = pantau("--as", "budi", "cases", "list", "--json")
    [case] = json.loads(out)
    assert code == 0 and case["posts"] == 2 and case["status"] == "open"
    assert case["next_step"] == "reported" and not case["overdue"]
    code, out, _ = pantau("--as", "budi", "cases", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:3] == ["id", "status", "wilayah"]
    assert all(len(line) <= 80 for line in lines) and "terbuka" in lines[1]
    case_id = str(case["id"])
    code, _, err = pantau("--as", "budi", "cases", "update", case_id, "--step", "reported",
                          "--reference", "001/PL/XI")
    assert code == 0 and "dilaporkan" in err
    assert pantau("--as", "budi", "cases", "update", case_id, "--step", "recommendation",
                  "--note", "Rekomendasi KASN: hukuman disiplin sedang")[0] == 0
    assert pantau("--as", "budi", "cases", "update", case_id, "--step", "sanction",
                  "--note", "penundaan kenaikan pangkat")[0] == 0
    assert pantau("--as", "budi", "cases", "update", case_id, "--step", "closed")[0] == 0
    code, out, _ = pantau("--as", "budi", "cases", "show", case_id, "--json")
    document = json.loads(out)
    assert [(s["step"], s["actor"]) for s in document["steps"]] == [
        ("reported", "budi"), ("recommendation", "budi"), ("sanction", "budi"),
        ("closed", "budi")]
    assert document["steps"][0]["reference"] == "001/PL/XI" and len(document["review_ids"]) == 2
    assert document["terlapor"]["handle"] == "asn.dinkes"
    code, out, _ = pantau("--as", "budi", "cases", "show", case_id)
    assert code == 0 and "asn.dinkes" in out and "001/PL/XI" in out
    code, out, _ = pantau("--as", "budi", "cases", "list", "--status", "closed", "--json")
    assert [c["id"] for c in json.loads(out)] == [case["id"]]
    code, out, _ = pantau("--as", "budi", "cases", "list", "--overdue", "--json")
    assert json.loads(out) == []


def test_bad_order_monitors_and_the_local_operator_are_refused(env: Path) -> None:
    confirm_all()
    _, out, _ = pantau("--as", "budi", "cases", "list", "--json")
    case_id = str(json.loads(out)[0]["id"])
    code, _, err = pantau("--as", "budi", "cases", "update", case_id, "--step", "sanction",
                          "--note", "x")
    assert code == 2 and err.startswith("pantau: ") and "reported" in err
    code, _, err = pantau("--as", "budi", "cases", "update", case_id, "--step", "closed")
    assert code == 2 and "catatan" in err
    for args in (("cases", "list"), ("cases", "show", case_id),
                 ("cases", "update", case_id, "--step", "reported", "--reference", "R")):
        code, _, err = pantau("--as", "sari", *args)
        assert code == 3, args
    code, _, err = pantau("cases", "update", case_id, "--step", "reported", "--reference", "R")
    assert code == 3 and "--as" in err
    code, _, err = pantau("--as", "budi", "cases", "show", "999")
    assert code == 1
    _, out, _ = pantau("--as", "budi", "cases", "show", case_id, "--json")
    assert json.loads(out)["steps"] == []


def test_update_help_says_where_content_and_kind_go(env: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = pantau("cases", "update", "--help")  # Indonesian, as the fixture leaves it
    assert code == 0 and "isinya" in out and "jenis sanksi" in out
    monkeypatch.setenv("PANTAU_LANG", "en")
    code, out, _ = pantau("cases", "update", "--help")
    assert code == 0 and "content" in out and "kind of sanction" in out
