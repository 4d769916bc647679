"""`pantau review list|show|decide` and the acting user (`--as`, PANTAU_USER), through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import pantau, prepared_home

POSTS = [
    {"platform": "facebook", "external_id": f"e{i}", "author": {"handle": f"asn.dinkes{i}",
     "bio": "ASN Dinkes Muna"},
     "text": f"Sbg ASN sy ajak coblos nomor {i} ✌️ menangkan paslon BERSINAR! " * 3}
    for i in range(1, 4)
]


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    return prepared_home(tmp_path, db_url, monkeypatch, posts=POSTS)


def add_user(name: str, role: str) -> None:
    code, _, err = pantau("users", "add", name, "--role", role, "--password-stdin",
                          input="rahasia-panjang-1\n")
    assert code == 0, err


def first_item() -> dict:  # type: ignore[type-arg]
    _, out, _ = pantau("review", "list", "--json")
    return json.loads(out)[0]  # type: ignore[no-any-return]


def test_second_review_through_the_command_line(env: Path) -> None:
    add_user("sari", "monitor")
    add_user("budi", "lead")
    item = first_item()
    code, out, _ = pantau("--as", "sari", "review", "decide", str(item["id"]),
                          "--decision", "confirmed", "--category", "social_media_campaign",
                          "--json")
    assert code == 0 and json.loads(out)["status"] == "awaiting_second_review"
    code, _, err = pantau("--as", "sari", "review", "decide", str(item["id"]),
                          "--decision", "confirmed")
    assert code == 3 and err.startswith("pantau: ") and "your own finding" in err
    code, out, _ = pantau("--as", "budi", "review", "decide", str(item["id"]),
                          "--decision", "confirmed", "--json")
    assert code == 0 and json.loads(out)["status"] == "confirmed"
    code, out, _ = pantau("--as", "budi", "review", "show", str(item["id"]), "--json")
    detail = json.loads(out)
    assert [d["reviewer"] for d in detail["decisions"]] == ["sari", "budi"]
    assert detail["category"] == "social_media_campaign" and detail["scores"][0]["explanation"]


def test_the_local_operator_may_not_decide_once_users_exist(env: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    add_user("sari", "monitor")
    item = first_item()
    code, _, err = pantau("review", "decide", str(item["id"]), "--decision", "rejected")
    assert code == 3 and "--as USER" in err and "Traceback" not in err
    monkeypatch.setenv("PANTAU_USER", "sari")
    code, _, err = pantau("review", "decide", str(item["id"]), "--decision", "rejected")
    assert code == 0, err


def test_unknown_users_and_stale_decisions_are_refused_with_exit_codes(env: Path) -> None:
    add_user("sari", "monitor")
    item = first_item()
    code, _, err = pantau("--as", "mallory", "review", "list")
    assert code == 3 and "mallory is not an active user" in err
    assert pantau("--as", "sari", "review", "decide", str(item["id"]),
                  "--decision", "rejected")[0] == 0
    code, _, err = pantau("--as", "sari", "review", "decide", str(item["id"]),
                          "--decision", "confirmed", "--version", str(item["version"]))
    assert code == 1 and "changed since it was read" in err and "rejected by sari" in err
    code, _, err = pantau("--as", "sari", "review", "show", "999")
    assert code == 1 and "no review item 999" in err


def test_reviewer_is_no_longer_an_option(env: Path) -> None:
    code, _, err = pantau("review", "decide", "1", "--decision", "rejected", "--reviewer", "x")
    assert code == 2 and "--reviewer" in err


def test_review_list_piped_at_80_columns_keeps_id_score_and_status(env: Path) -> None:
    code, out, _ = pantau("review", "list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4 and all(len(line) <= 80 for line in lines)
    header, row = lines[0].split(), lines[1]
    assert header[:3] == ["id", "score", "status"]
    item = first_item()
    cells = row.split()
    assert cells[0] == str(item["id"]) and cells[1] == f"{item['score']:.3f}"
    assert cells[2] == "pending" and row.rstrip().endswith(str(item["version"]))
    assert "…" in row  # the long text is cut, not wrapped


def test_review_show_in_words(env: Path) -> None:
    item = first_item()
    code, out, _ = pantau("review", "show", str(item["id"]))
    assert code == 0
    assert f"item {item['id']}: pending" in out and "asn.dinkes" in out
    assert "score " in out and "by model" in out


def test_messages_and_headers_are_indonesian_by_default(env: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PANTAU_LANG")
    add_user("sari", "monitor")
    code, out, _ = pantau("review", "list")
    assert out.split()[:3] == ["id", "skor", "status"] and "menunggu" in out
    code, _, err = pantau("review", "decide", "1", "--decision", "rejected")
    assert code == 3 and "operator lokal" in err
    _, out, _ = pantau("review", "list", "--json")
    assert json.loads(out)[0]["status"] == "pending"  # JSON keys and values stay English
