"""`pantau import`: streaming, idempotent, bad lines reported by number while good lines are kept."""

import json
from pathlib import Path

import pytest
from cli_runner import pantau

BROKEN = {
    17: "{not json",
    101: json.dumps({"platform": "x", "text": "missing id"}),
    202: json.dumps({"platform": "x", "external_id": "e", "text": 12}),
    303: json.dumps({"platform": "x", "external_id": "d", "text": "t", "posted_at": "besok pagi"}),
    404: json.dumps(["a", "list"]),
    505: json.dumps({"platform": "x", "external_id": "l", "text": "t", "label": "ya"}),
    606: json.dumps({"platform": "BAD PLATFORM", "external_id": "p", "text": "t"}),
    707: json.dumps({"platform": "x", "external_id": "m", "text": "t", "media": "foto"}),
    808: '{"platform": "x", "external_id": "t", "text": "trailing",}',
    909: json.dumps({"platform": "x", "external_id": "a", "text": "t", "author": ["budi"]}),
}


def write_file(path: Path, lines: int = 1000) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for number in range(1, lines + 1):
            if number in BROKEN:
                handle.write(BROKEN[number] + "\n")
                continue
            handle.write(json.dumps({
                "platform": "facebook", "external_id": f"p{number}", "text": f"Postingan ke-{number} 🗳️",
                "author": {"handle": f"user{number % 37}", "bio": "warga Kendari"},
                "posted_at": "2024-11-20T10:00:00+08:00", "region": "Kota Kendari",
                "reactions": number,
            }, ensure_ascii=False) + "\n")
    return path


def run(db_url: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    return pantau("--db", db_url, *args, input=input)


@pytest.fixture
def ready_db(db_url: str) -> str:
    from storage.db import Database
    from storage.migrate import upgrade

    database = Database(db_url)
    upgrade(database)
    database.dispose()
    return db_url


def test_broken_lines_are_reported_by_number_and_good_lines_kept(ready_db: str, tmp_path: Path) -> None:
    source = write_file(tmp_path / "posts.jsonl")
    code, out, err = run(ready_db, "import", str(source), "--no-classify", "--json")
    assert code == 1
    summary = json.loads(out)
    assert summary["new"] == 990 and summary["rejected"] == 10
    for number in BROKEN:
        assert f"posts.jsonl:{number}: rejected:" in err
    assert "invalid JSON" in err and "external_id is required" in err and "ISO 8601" in err


def test_importing_the_same_file_twice_stores_nothing_new(ready_db: str, tmp_path: Path) -> None:
    source = write_file(tmp_path / "posts.jsonl", lines=300)
    run(ready_db, "import", str(source), "--no-classify")
    code, out, _ = run(ready_db, "import", str(source), "--no-classify", "--json")
    summary = json.loads(out)
    assert (summary["new"], summary["unchanged"]) == (0, 297)
    _, stats, _ = run(ready_db, "stats", "--json")
    assert json.loads(stats)["posts"] == 297


def test_a_clean_file_from_stdin_exits_zero(ready_db: str) -> None:
    line = json.dumps({"platform": "x", "external_id": 7, "text": "halo"})
    code, out, _ = run(ready_db, "import", "-", "--no-classify", "--json", input=line + "\n")
    assert code == 0 and json.loads(out)["new"] == 1


def test_csv_with_the_same_column_names(ready_db: str, tmp_path: Path) -> None:
    source = tmp_path / "posts.csv"
    source.write_text(
        "platform,external_id,text,author.handle,author_bio,posted_at,label\n"
        "instagram,1,\"Ayo, coblos!\",rina,PNS Dinkes,2024-11-20T10:00:00+08:00,1\n"
        "instagram,2,,rina,,,\n"
        "instagram,3,Halo semua,,,,0\n", encoding="utf-8")
    code, out, err = run(ready_db, "import", str(source), "--no-classify", "--json")
    assert code == 1 and json.loads(out)["new"] == 2
    assert "posts.csv:3: rejected: text may be empty only when media is present" in err


def test_a_csv_row_with_invalid_utf8_is_rejected_not_mangled(ready_db: str, tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes(b"platform,external_id,text\nx,1,caf\xe9 rusak\nx,2,kopi enak\n")
    code, out, err = run(ready_db, "import", str(source), "--no-classify", "--json")
    assert code == 1 and json.loads(out)["new"] == 1
    assert "latin1.csv:2: rejected: text is not valid UTF-8" in err


def test_a_database_without_schema_gets_a_clear_message(tmp_path: Path) -> None:
    code, _, err = run(f"sqlite:///{tmp_path / 'empty.db'}", "stats", "--json")
    assert code == 2 and "run `pantau init` first" in err


def test_posts_stored_without_classifying_are_scored_later(ready_db: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps({
        "platform": "facebook", "external_id": f"s{i}", "author": {"bio": "PNS Dinas PU Kolaka"},
        "text": "Sbg PNS sy ajak semua coblos nomor 2 ✌️ menangkan paslon kita!" if i < 3 else f"Cuaca cerah hari ke-{i}",
    }) + "\n" for i in range(6)), encoding="utf-8")
    run(ready_db, "import", str(source), "--no-classify")
    code, out, _ = run(ready_db, "score", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["scored"] == 6 and summary["queued"] >= 1
    code, out, _ = run(ready_db, "score", "--json")
    assert json.loads(out)["scored"] == 0  # nothing left to score


def test_an_edited_post_makes_a_decision_on_the_old_text_stale(ready_db: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    post = {"platform": "facebook", "external_id": "e1", "author": {"bio": "ASN Dinkes Muna"},
            "text": "Sbg ASN sy ajak coblos nomor 2 ✌️ menangkan paslon BERSINAR!"}
    (tmp_path / "a.jsonl").write_text(json.dumps(post) + "\n", encoding="utf-8")
    run(ready_db, "import", str(tmp_path / "a.jsonl"))
    _, out, _ = run(ready_db, "review", "list", "--json")
    [item] = json.loads(out)
    post["text"] = "Selamat pagi, jangan lupa sarapan"
    (tmp_path / "b.jsonl").write_text(json.dumps(post) + "\n", encoding="utf-8")
    run(ready_db, "import", str(tmp_path / "b.jsonl"))
    code, _, err = run(ready_db, "review", "decide", str(item["id"]), "--decision", "confirmed",
                       "--version", str(item["version"]))
    assert code == 1 and "changed since it was read" in err
    _, out, _ = run(ready_db, "review", "list", "--json")
    [fresh] = json.loads(out)
    assert fresh["version"] == item["version"] + 1 and fresh["score"] < item["score"]


@pytest.mark.parametrize(("line", "reason"), [
    ('{"platform": "x", "external_id": "n", "text": "t", "n": 1' + "1" * 5000 + "}", "invalid JSON"),
    ('{"platform": "x", "external_id": "d", "text": "t", "posted_at": "0001-01-01T00:00:00+05:00"}', "out of range"),
    ('{"platform": "x", "external_id": "s", "text": "\\ud800 lone"}', "unpaired surrogate"),
    (json.dumps({"platform": "x", "external_id": "i" * 501, "text": "t"}), "longer than 500"),
    (json.dumps({"platform": "x", "external_id": "a\u0000b", "text": "t"}), "NUL"),
    (json.dumps({"platform": "x", "external_id": "c", "text": "t", "category": "c" * 41}), "longer than 40"),
])
def test_hostile_lines_are_rejected_and_the_good_ones_kept(ready_db: str, tmp_path: Path,
                                                         line: str, reason: str) -> None:
    source = tmp_path / "hostile.jsonl"
    good = json.dumps({"platform": "x", "external_id": "ok", "text": "baik"})
    source.write_text(good + "\n" + line + "\n", encoding="utf-8")
    code, out, err = run(ready_db, "import", str(source), "--no-classify", "--json")
    assert code == 1 and json.loads(out)["new"] == 1
    assert "hostile.jsonl:2: rejected:" in err and reason in err


def _post(external_id: str, text: str) -> str:
    return json.dumps({"platform": "facebook", "external_id": external_id, "text": text,
                       "author": {"handle": "rina"}}) + "\n"


def test_rejected_lines_at_batch_boundaries_keep_their_numbers(ready_db: str, tmp_path: Path) -> None:
    """The importer works in batches of 2,000 lines: a bad line on either side of a boundary,
    and in the middle of the second batch, is named by its own line number."""
    bad = {1999, 2000, 2001, 3017, 4500}
    source = tmp_path / "big.jsonl"
    source.write_text("".join("{broken\n" if n in bad else _post(f"b{n}", f"pos {n}")
                              for n in range(1, 4501)), encoding="utf-8")
    code, out, err = run(ready_db, "import", str(source), "--no-classify", "--json")
    summary = json.loads(out)
    assert code == 1 and (summary["new"], summary["rejected"]) == (4495, 5)
    assert sorted(int(line.split(":")[1]) for line in err.splitlines() if ": rejected:" in line) \
        == sorted(bad)


def test_a_post_repeated_in_one_batch_is_stored_once_and_counted_as_a_duplicate(
        ready_db: str, tmp_path: Path) -> None:
    source = tmp_path / "dupes.jsonl"
    source.write_text(_post("d1", "sama") + _post("d2", "lain") + _post("d1", "sama")
                      + _post("d2", "lain, diubah"), encoding="utf-8")
    code, out, _ = run(ready_db, "import", str(source), "--no-classify", "--json")
    summary = json.loads(out)
    assert code == 0 and (summary["new"], summary["duplicates"], summary["fetched"]) == (2, 2, 4)
    _, listed, _ = run(ready_db, "posts", "list", "--json")
    assert sorted((p["external_id"], p["text"]) for p in json.loads(listed)) == [
        ("d1", "sama"), ("d2", "lain, diubah")]  # within one batch the last copy wins


def test_an_edit_later_in_the_same_file_keeps_the_earlier_version(ready_db: str, tmp_path: Path) -> None:
    """An edit in a later batch of the same file versions the post; an edit within one batch
    keeps the last copy (counted as a duplicate), as docs/interchange.md says."""
    lines = [_post("e1", "teks pertama")] + [_post(f"f{n}", f"isi {n}") for n in range(2500)]
    lines += [_post("e1", "teks kedua, diubah"), _post("f7", "isi 7 diubah dalam batch")]
    source = tmp_path / "edits.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    code, out, _ = run(ready_db, "import", str(source), "--no-classify", "--json")
    summary = json.loads(out)
    assert code == 0 and (summary["new"], summary["updated"]) == (2501, 2)
    from sqlalchemy import select

    from storage.db import Database
    from storage.models import Post, PostVersion

    db = Database(ready_db)
    with db.reader() as session:
        post = session.scalars(select(Post).where(Post.external_id == "e1")).one()
        [old] = session.scalars(select(PostVersion).where(PostVersion.post_id == post.id)).all()
    db.dispose()
    assert (post.version, post.text, old.version, old.text) == (2, "teks kedua, diubah", 1, "teks pertama")


def test_a_line_the_database_refuses_is_reported_in_indonesian_by_default(
        ready_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the pipeline rejected a line (here: the database refused its row) is said in the
    reader's language, as the codec's reasons are; the database's own words stay as they are."""
    from test_isolation import poison_the_database, write_jsonl

    from storage.db import Database

    database = Database(ready_db)
    poison_the_database(database, "racun")
    database.dispose()
    source = tmp_path / "posts.jsonl"
    write_jsonl(source, ["a", "b", "racun", "c"])
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, _, err = run(ready_db, "import", str(source), "--no-classify")
    assert code == 1
    [line] = [line for line in err.splitlines() if "posts.jsonl:3:" in line]
    assert line.startswith(f"{source}:3: ditolak: tidak disimpan: ")
    assert "poisoned row refused" in line
    write_jsonl(source, ["racun"])
    monkeypatch.setenv("PANTAU_LANG", "en")
    code, _, err = run(ready_db, "import", str(source), "--no-classify")
    assert code == 1 and f"{source}:1: rejected: not stored: " in err


def test_a_file_that_cannot_be_read_is_said_by_a_short_reason_in_the_readers_language(
        ready_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's words ("No such file or directory") become a short reason in the
    reader's language when the errno is a known one: Indonesian by default, English with
    PANTAU_LANG=en."""
    missing = tmp_path / "tidak-ada.jsonl"
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, _, err = run(ready_db, "import", str(missing), "--no-classify")
    assert code == 2 and f"tidak dapat membaca {missing}: berkas tidak ditemukan" in err
    assert "No such file" not in err
    monkeypatch.setenv("PANTAU_LANG", "en")
    code, _, err = run(ready_db, "import", str(missing), "--no-classify")
    assert code == 2 and f"cannot read {missing}: file not found" in err
    code, _, err = run(ready_db, "import", str(tmp_path), "--no-classify")  # a directory
    assert code == 2 and f"cannot read {tmp_path}: it is a directory, not a file" in err
