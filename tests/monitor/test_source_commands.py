"""`pantau sources add/list/remove`, `scrape`, `posts list` and pantau.toml sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import pantau

from storage.db import Database
from storage.migrate import upgrade

FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Warta</title>
<item><guid isPermaLink="false">w1</guid><title>Jadwal debat kedua diumumkan KPU</title>
<pubDate>Wed, 20 Nov 2024 10:00:00 +0800</pubDate></item>
<item><guid isPermaLink="false">w2</guid><title>Pasar murah di Kecamatan Poasia</title>
<pubDate>Wed, 20 Nov 2024 11:00:00 +0800</pubDate></item></channel></rss>"""


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PANTAU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PANTAU_DATABASE_URL", db_url)
    monkeypatch.setenv("PANTAU_SCHEDULER__MIN_INTERVAL", "1s")
    monkeypatch.chdir(tmp_path)
    database = Database(db_url)
    upgrade(database)
    database.dispose()
    (tmp_path / "feed.xml").write_text(FEED, encoding="utf-8")
    return tmp_path


def test_add_list_scrape_and_remove_a_source(env: Path) -> None:
    code, _, err = pantau("sources", "add", "warta", "--type", "rss", "--url", "feed.xml",
                          "--interval", "15m", "--region", "Kota Kendari", "--option", "max_pages=2")
    assert code == 0, err
    code, out, _ = pantau("scrape", "warta", "--no-classify", "--json")
    assert code == 0 and json.loads(out)[0]["new"] == 2
    _, out, _ = pantau("sources", "list", "--json")
    [source] = json.loads(out)
    assert source["name"] == "warta" and source["posts_collected"] == 2
    assert source["interval"] == 900 and source["options"] == {"max_pages": 2}
    assert source["url"].startswith("file://") and source["last_success"]
    _, out, _ = pantau("posts", "list", "--source", "warta", "--json")
    posts = json.loads(out)
    assert {p["external_id"] for p in posts} == {"w1", "w2"}
    assert all(p["source"] == "warta" and p["region"] == "Kota Kendari" for p in posts)
    assert pantau("sources", "remove", "warta")[0] == 0
    _, out, _ = pantau("sources", "list", "--json")
    assert json.loads(out) == []
    _, out, _ = pantau("stats", "--json")
    assert json.loads(out)["posts"] == 2  # posts outlive their source: they are evidence
    _, out, _ = pantau("posts", "list", "--source", "warta", "--json")
    assert {p["source"] for p in json.loads(out)} == {"warta"}  # still listed under its name
    _, out, _ = pantau("sources", "list", "--all", "--json")
    assert json.loads(out)[0]["removed_at"]


@pytest.mark.parametrize(("args", "message"), [
    (["--type", "myspace", "--url", "x"], "unknown source type"),
    (["--type", "rss", "--url", "feed.xml", "--interval", "10s"], "below scheduler.min_interval"),
    (["--type", "rss", "--url", "ftp://host/feed"], "unsupported URL scheme"),
    (["--type", "rss", "--url", "feed.xml", "--option", "novalue"], "KEY=VALUE"),
])
def test_invalid_sources_are_refused_with_a_reason(env: Path, monkeypatch: pytest.MonkeyPatch,
                                                   args: list[str], message: str) -> None:
    monkeypatch.setenv("PANTAU_SCHEDULER__MIN_INTERVAL", "60s")
    code, _, err = pantau("sources", "add", "bad", *args)
    assert code != 0 and message in err


def test_sources_declared_in_pantau_toml_are_synced(env: Path) -> None:
    (env / "pantau.toml").write_text(
        '[scheduler]\nmin_interval = "1s"\n\n[[sources]]\nname = "warta"\ntype = "rss"\n'
        'url = "file:feed.xml"\ninterval = "2m"\n', encoding="utf-8")
    code, out, err = pantau("scrape", "--all", "--no-classify", "--json")
    assert code == 0, err
    assert json.loads(out)[0]["name"] == "warta"
    _, out, _ = pantau("sources", "list", "--json")
    assert json.loads(out)[0]["origin"] == "config"
    code, _, err = pantau("sources", "remove", "warta")
    assert code == 2 and "remove it from pantau.toml" in err
    _, out, _ = pantau("sources", "list", "--json")
    assert json.loads(out)[0]["enabled"]  # neither removed nor re-created as a new source


def test_a_source_is_disabled_and_enabled_again(env: Path) -> None:
    assert pantau("sources", "add", "warta", "--type", "rss", "--url", "feed.xml")[0] == 0
    assert pantau("sources", "disable", "warta")[0] == 0
    code, out, _ = pantau("scrape", "--all", "--no-classify", "--json")
    assert code == 0 and json.loads(out) == []  # a disabled source does not run
    assert pantau("sources", "enable", "warta")[0] == 0
    _, out, _ = pantau("sources", "list", "--json")
    assert json.loads(out)[0]["enabled"] is True


def test_scrape_without_a_name_or_all_is_an_error(env: Path) -> None:
    code, _, err = pantau("scrape")
    assert code == 2 and "--all" in err


def test_the_source_listing_says_a_scrapers_error_in_indonesian_by_default(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed source's last error is shown in the reader's language (PANTAU_LANG, Indonesian
    by default), its kind said as a label; `--json` keeps the English text with the error's
    class name (interfaces.md §3)."""
    assert pantau("sources", "add", "halaman", "--type", "html", "--url", "feed.xml")[0] == 0
    code, out, _ = pantau("scrape", "halaman", "--no-classify", "--json")
    english = "InvalidSource: source halaman: html sources need an `item` selector option"
    assert code == 1 and json.loads(out)[0]["errors"] == [english]  # a source failed
    monkeypatch.setenv("COLUMNS", "200")  # the table's last column is cut to the terminal
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, out, _ = pantau("sources", "list")
    assert code == 0
    assert "Sumber tidak valid: sumber halaman: sumber html memerlukan opsi selektor `item`" in out
    assert "InvalidSource" not in out
    _, out, _ = pantau("sources", "list", "--json")
    assert json.loads(out)[0]["last_error"] == english
    monkeypatch.setenv("PANTAU_LANG", "en")
    _, out, _ = pantau("sources", "list")
    assert "Invalid source: source halaman: html sources need an `item` selector option" in out
    assert "InvalidSource" not in out


def test_scrape_says_a_failing_sources_error_in_indonesian_by_default(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pantau scrape` and `pantau sources list` print each source's error in the reader's
    language (PANTAU_LANG, Indonesian by default): a scraper's error from its template, its
    kind as a label, the URL as it is and the system's reason as a short one; `--json` keeps
    the English text, the system's own words in it."""
    assert pantau("sources", "add", "hilang", "--type", "rss", "--url", "hilang.xml")[0] == 0
    monkeypatch.setenv("COLUMNS", "400")  # the table's last column is cut to the terminal
    code, out, _ = pantau("scrape", "hilang", "--no-classify", "--json")
    [english] = json.loads(out)[0]["errors"]
    url = (env / "hilang.xml").as_uri()
    assert code == 1 and english == f"FetchError: {url}: cannot read: No such file or directory"
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, out, _ = pantau("scrape", "hilang", "--no-classify")
    assert code == 1
    assert f"Gagal mengambil: {url}: tidak dapat dibaca: berkas tidak ditemukan" in out
    _, out, _ = pantau("sources", "list")
    assert f"Gagal mengambil: {url}: tidak dapat dibaca: berkas tidak ditemukan" in out
    monkeypatch.setenv("PANTAU_LANG", "en")
    code, out, _ = pantau("scrape", "hilang", "--no-classify")
    assert code == 1 and f"Fetch failed: {url}: cannot read: file not found" in out
    assert "FetchError" not in out and "No such file" not in out
    _, out, _ = pantau("sources", "list")
    assert f"Fetch failed: {url}: cannot read: file not found" in out


def test_scrape_says_why_a_sources_item_was_rejected_in_indonesian_by_default(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file source's line the codec refuses is named by its line number and reason, both in
    the reader's language, as `pantau import` says it."""
    lines = [{"platform": "x", "external_id": "a", "text": "baik"},
             {"platform": "x", "text": "tanpa id"}]
    (env / "posts.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines),
                                     encoding="utf-8")
    assert pantau("sources", "add", "berkas", "--type", "jsonl", "--url", "posts.jsonl")[0] == 0
    url = (env / "posts.jsonl").as_uri()
    monkeypatch.setenv("COLUMNS", "400")  # the table's last column is cut to the terminal
    code, out, _ = pantau("scrape", "berkas", "--no-classify", "--json")
    [report] = json.loads(out)
    assert code == 0 and (report["new"], report["rejected"]) == (1, 1)
    [english] = report["errors"]
    assert english.startswith(f"{url}: line 2: ") and "external_id" in english
    (env / "posts.jsonl").write_text(json.dumps(lines[1]) + "\n", encoding="utf-8")
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, out, _ = pantau("scrape", "berkas", "--no-classify")
    assert code == 0 and f"{url}: baris 1: external_id wajib diisi" in out


def test_scrape_and_the_listing_say_a_page_error_in_indonesian_by_default(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run that succeeds with a page error: `pantau scrape` and `pantau sources list` say it
    in the reader's language (the listing from the stored template and values)."""
    (env / "halaman.html").write_text("<html><body><p>Belum ada berita.</p></body></html>",
                                      encoding="utf-8")
    assert pantau("sources", "add", "halaman", "--type", "html", "--url", "halaman.html",
                  "--option", "item=article")[0] == 0
    url = (env / "halaman.html").as_uri()
    monkeypatch.setenv("COLUMNS", "400")  # the table's last column is cut to the terminal
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    indonesian = f"{url}: tidak ada elemen yang cocok dengan selektor item 'article'"
    code, out, _ = pantau("scrape", "halaman", "--no-classify")
    assert code == 0 and indonesian in out
    _, out, _ = pantau("sources", "list")
    assert indonesian in out
    monkeypatch.setenv("PANTAU_LANG", "en")
    _, out, _ = pantau("sources", "list")
    assert f"{url}: no element matches the item selector 'article'" in out


def test_at_80_columns_a_sources_error_is_printed_whole_under_the_table(
        env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table's last column cuts an error to a few characters at 80 columns (piped output);
    `pantau sources list` and `pantau scrape` print each error in full under the table,
    wrapped at the width, in the reader's language."""
    assert pantau("sources", "add", "halaman", "--type", "html", "--url", "feed.xml")[0] == 0
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("PANTAU_LANG")  # tests/monitor/conftest.py sets en
    code, out, _ = pantau("scrape", "halaman", "--no-classify")
    assert code == 1 and "Catatan:" in out
    for command, title in ((("scrape", "halaman", "--no-classify"), "Catatan:"),
                           (("sources", "list"), "Kesalahan terakhir selengkapnya:")):
        _, out, _ = pantau(*command)
        assert all(len(line) <= 80 for line in out.splitlines()), out
        whole = " ".join(out.split(title, 1)[1].split())
        assert ("halaman: Sumber tidak valid: sumber halaman: sumber html memerlukan opsi "
                "selektor `item`") in whole, out


def test_a_listing_without_errors_prints_no_notes(env: Path) -> None:
    assert pantau("sources", "add", "baru", "--type", "rss", "--url", "feed.xml")[0] == 0
    _, out, _ = pantau("sources", "list")
    assert "in full" not in out and "selengkapnya" not in out
    _, out, _ = pantau("scrape", "baru", "--no-classify")
    assert "Notes:" not in out or "baru:" in out  # a note only for a source that has one
