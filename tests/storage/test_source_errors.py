"""A source's last error (storage.scrape_state, storage.stored_errors, migration 0012): the
English text stays in `last_error`; an error raised with a template leaves the template and its
values beside it, so it can be shown in a reader's language; every writer of a text without a
template clears them. On SQLite and PostgreSQL."""

from __future__ import annotations

import errno
import socket
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from test_leases import _row, _source

from storage import leases, schedule
from storage.db import Database
from storage.errors import (
    ERROR_KINDS,
    N_,
    Message,
    SourceNotFound,
    Worded,
    error_kind,
    exception_kind,
    exception_text,
    os_reason,
)
from storage.migrate import _config, upgrade
from storage.models import Base
from storage.scrape_state import record_source_failure, record_source_success
from storage.sources import find_source
from storage.stored_errors import (
    error_fields,
    kind_in_language,
    params_from_json,
    params_to_json,
    text_in_language,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
TEMPLATE = N_("{url}: HTTP {status} ({why})")
# A reader's catalog, as monitor.i18n gives it (the real one is tested in tests/monitor).
CATALOG = {TEMPLATE: "{url}: respons HTTP {status} ({why})",
           "after {tries} tries": "setelah {tries} kali percobaan",
           "Fetch failed": "Gagal mengambil", "file not found": "berkas tidak ditemukan",
           "{url}: cannot read: {reason}": "{url}: tidak dapat dibaca: {reason}",
           "node {owner} stopped mid-run (lease until {until})":
               "node {owner} berhenti di tengah proses (klaim berlaku sampai {until})",
           "no source named {name!r}": "tidak ada sumber bernama {name!r}",
           "Unexpected error": "Kesalahan tak terduga", "Invalid value": "Nilai tidak valid",
           "Missing field": "Bidang data tidak ada",
           "Database operation failed": "Operasi basis data gagal",
           "no space left on the disk": "ruang disk penuh",
           "host name not known": "nama host tidak dikenal",
           "the name server did not answer, for now": "server DNS belum menjawab untuk sementara"}


def indonesian(message_id: str) -> str:
    return CATALOG.get(message_id, message_id)


def _fail(db: Database, source_id: int, *, at: datetime = T0) -> None:
    why = Message(N_("after {tries} tries"), tries=2)
    english = f"https://x.test/feed: HTTP 503 ({why})"
    with db.session() as session:
        record_source_failure(session, source_id, f"FetchError: {english}", at, template=TEMPLATE,
                              params={"url": "https://x.test/feed", "status": 503, "why": why})


def test_a_failure_with_a_template_keeps_it_and_its_values_beside_the_english_text(
        db: Database) -> None:
    sid = _source(db, "a")
    _fail(db, sid)
    row = _row(db, sid)
    assert row.last_error == "FetchError: https://x.test/feed: HTTP 503 (after 2 tries)"
    assert row.last_error_template == TEMPLATE
    assert row.last_error_params == {"url": "https://x.test/feed", "status": 503,
                                     "why": {"template": "after {tries} tries",
                                             "params": {"tries": 2}}}
    assert row.consecutive_failures == 1 and row.last_error_at == T0


def test_the_listed_source_says_its_error_in_the_readers_language(db: Database) -> None:
    sid = _source(db, "a")
    _fail(db, sid)
    with db.reader() as session:
        source = find_source(session, "a")
    assert source is not None
    assert source.last_error_in(indonesian) == ("Gagal mengambil: https://x.test/feed: respons "
                                                "HTTP 503 (setelah 2 kali percobaan)")
    assert source.last_error_in(None) == source.last_error  # no catalog: the English text
    # an English reader reads the kind as its label too; the stored text keeps the class name
    assert source.last_error_in(lambda m: m) == ("Fetch failed: https://x.test/feed: HTTP 503 "
                                                 "(after 2 tries)")


def test_a_failure_without_a_template_clears_the_previous_one(db: Database) -> None:
    sid = _source(db, "a")
    _fail(db, sid)
    with db.session() as session:
        record_source_failure(session, sid, "storing failed: OperationalError: locked",
                              T0 + timedelta(seconds=1))
    row = _row(db, sid)
    assert (row.last_error, row.last_error_template, row.last_error_params) == (
        "storing failed: OperationalError: locked", None, None)
    assert row.consecutive_failures == 2


def test_every_other_writer_of_the_last_error_clears_the_template(db: Database) -> None:
    """A writer of a text without a template clears the previous one."""
    a, b, c, d = (_source(db, name) for name in "abcd")
    for sid in (a, b, c, d):
        _fail(db, sid)
    schedule.record_run_failure(db, a, "KeyError: 'id'", T0 + timedelta(seconds=1))
    with db.session() as session:
        record_source_success(session, b, cursor={}, new=0, errors=["page 2: HTTP 500"],
                              now=T0 + timedelta(seconds=1))
    assert leases.claim_source(db, c, "h:1:dead", ttl=60, now=T0)
    assert leases.claim_source(db, c, "h:2:new", ttl=60, now=T0 + timedelta(minutes=5))
    assert leases.claim_source(db, d, "h:1:dead", ttl=60, now=T0)
    assert schedule.release_dead_leases(db, ["h:1:dead"], T0 + timedelta(seconds=3)) == ["d"]
    texts = {sid: _row(db, sid) for sid in (a, b, c, d)}
    assert texts[a].last_error == "KeyError: 'id'"
    assert texts[b].last_error == "page 2: HTTP 500"
    assert texts[c].last_error.startswith("node h:1:dead stopped mid-run")
    assert texts[d].last_error.startswith("node h:1:dead stopped mid-run")
    assert all((r.last_error_template, r.last_error_params) == (None, None)
               for r in (texts[a], texts[b]))
    # a lease taken over, or released as dead, writes its own template instead
    assert {texts[c].last_error_template, texts[d].last_error_template} == {
        "node {owner} stopped mid-run (lease until {until})"}


def test_a_run_cut_short_by_its_nodes_death_is_said_in_the_readers_language(
        db: Database) -> None:
    sid = _source(db, "a")
    assert leases.claim_source(db, sid, "h:1:dead", ttl=60, now=T0)
    assert leases.claim_source(db, sid, "h:2:new", ttl=60, now=T0 + timedelta(minutes=5))
    with db.reader() as session:
        source = find_source(session, "a")
    english = "node h:1:dead stopped mid-run (lease until 2026-01-01T12:01:00+00:00)"
    assert source is not None and source.last_error == english
    assert source.last_error_in(indonesian) == (
        "node h:1:dead berhenti di tengah proses (klaim berlaku sampai 2026-01-01T12:01:00+00:00)")
    assert source.last_error_in(lambda m: m) == english


def test_a_success_without_page_errors_keeps_the_last_error_and_its_template(
        db: Database) -> None:
    sid = _source(db, "a")
    _fail(db, sid)
    with db.session() as session:
        record_source_success(session, sid, cursor={}, new=1, errors=[],
                              now=T0 + timedelta(seconds=1))
    row = _row(db, sid)
    assert row.consecutive_failures == 0 and row.last_error_template == TEMPLATE


def test_a_success_with_page_errors_keeps_their_templates_and_values(db: Database) -> None:
    """A run that stored what it could while a page or an item failed: the joined English
    text as before, and beside it a template joining the errors, each a value (a Message's
    template and values nested, a plain text as it is), so it is said in the reader's
    language."""
    sid = _source(db, "a")
    page = Message("{url}: {error}", url="https://x.test/2",
                   error=Message(N_("after {tries} tries"), tries=3))
    with db.session() as session:
        record_source_success(session, sid, cursor={}, new=1, now=T0,
                              errors=[page, "item 4: odd {braces}"])
    row = _row(db, sid)
    assert row.last_error == "https://x.test/2: after 3 tries; item 4: odd {braces}"
    assert row.last_error_template == "{e0}; {e1}"
    assert row.last_error_params == {
        "e0": {"template": "{url}: {error}",
               "params": {"url": "https://x.test/2",
                          "error": {"template": "after {tries} tries", "params": {"tries": 3}}}},
        "e1": "item 4: odd {braces}"}
    with db.reader() as session:
        source = find_source(session, "a")
    assert source is not None and source.last_error_in(indonesian) == (
        "https://x.test/2: setelah 3 kali percobaan; item 4: odd {braces}")


def test_a_success_with_one_page_error_keeps_its_own_template(db: Database) -> None:
    sid = _source(db, "a")
    with db.session() as session:
        record_source_success(session, sid, cursor={}, new=0, now=T0,
                              errors=[Message(N_("after {tries} tries"), tries=2)])
    row = _row(db, sid)
    assert (row.last_error, row.last_error_template, row.last_error_params) == (
        "after 2 tries", "after {tries} tries", {"tries": 2})


def test_page_errors_too_long_for_the_column_are_kept_cut_in_english_only(db: Database) -> None:
    sid = _source(db, "a")
    errors = [Message(N_("after {tries} tries"), tries=n) for n in range(300)]
    with db.session() as session:
        record_source_success(session, sid, cursor={}, new=0, now=T0, errors=errors)
    row = _row(db, sid)
    assert row.last_error == "; ".join(errors)[:2000]
    assert (row.last_error_template, row.last_error_params) == (None, None)


def test_a_text_its_template_does_not_render_is_shown_as_it_is() -> None:
    params = {"url": "https://x.test/feed", "status": 503, "why": "x"}
    assert text_in_language("something else entirely", TEMPLATE, params,
                            indonesian) == "something else entirely"
    cut = ("RuntimeError: https://x.test/feed: HTTP 503 (x)")[:30]  # cut at the column's limit
    assert text_in_language(cut, TEMPLATE, params, indonesian) == cut
    assert text_in_language("old text", None, None, indonesian) == "old text"
    assert text_in_language(None, TEMPLATE, params, indonesian) is None
    assert text_in_language("{url}", "{url}", {}, indonesian) == "{url}"
    broken = {"status": 503}  # values that do not fit the template
    assert text_in_language("a: HTTP 503", TEMPLATE, broken, indonesian) == "a: HTTP 503"


def test_values_are_stored_as_json_and_a_message_value_comes_back_as_one() -> None:
    why = Message(N_("after {tries} tries"), tries=3)
    stored = params_to_json({"why": why, "status": 429, "seconds": 1.5, "ok": True,
                             "none": None, "odd": float("nan"), "path": ("a", "b")})
    assert stored == {"why": {"template": "after {tries} tries", "params": {"tries": 3}},
                      "status": 429, "seconds": 1.5, "ok": True, "none": None, "odd": "nan",
                      "path": "('a', 'b')"}
    back = params_from_json(stored)
    assert isinstance(back["why"], Message) and back["why"] == "after 3 tries"
    assert back["why"].translated(indonesian) == "setelah 3 kali percobaan"
    assert params_from_json(None) == {}


def test_an_errors_kind_is_said_as_its_label_and_kept_as_its_class_name() -> None:
    """`FetchError: …` stays the stored English text (scripts read it); a reader, an English one
    too, reads the kind as its label, with or without a template, the rest as it would be."""
    text = "FetchError: https://x.test/feed: HTTP 503 (x)"
    params = {"url": "https://x.test/feed", "status": 503, "why": "x"}
    assert text_in_language(text, TEMPLATE, params, indonesian) == (
        "Gagal mengambil: https://x.test/feed: respons HTTP 503 (x)")
    assert text_in_language(text, None, None, indonesian) == (
        "Gagal mengambil: https://x.test/feed: HTTP 503 (x)")
    assert text_in_language(text, None, None, lambda m: m) == (
        "Fetch failed: https://x.test/feed: HTTP 503 (x)")
    assert text_in_language(text, TEMPLATE, params, None) == text
    assert kind_in_language("RuntimeError: adapter bug", indonesian) == "RuntimeError: adapter bug"
    assert kind_in_language("FetchError", indonesian) == "FetchError"  # no kind without ": "
    kind = error_kind("FetchError")
    assert kind == "FetchError" and kind.translated(indonesian) == "Gagal mengambil"
    assert kind.translated(lambda m: m) == "Fetch failed" and kind.translated(None) == kind
    assert error_kind("RuntimeError") == "RuntimeError"
    assert not isinstance(error_kind("RuntimeError"), Message)


def test_every_kind_of_the_scrapers_error_tree_has_a_label() -> None:
    import scrapers.errors

    kinds = {name for name, value in vars(scrapers.errors).items()
             if isinstance(value, type) and issubclass(value, scrapers.errors.ScraperError)}
    assert kinds == set(ERROR_KINDS)


def test_a_worded_value_keeps_its_outside_text_in_english_and_round_trips_as_json() -> None:
    """The system's own words stay in the English text; the reader reads the short reason."""
    missing = FileNotFoundError(2, "No such file or directory")
    reason = os_reason(missing)
    assert isinstance(reason, Worded) and reason == "No such file or directory"
    error = Message(N_("{url}: cannot read: {reason}"), url="file:///x", reason=reason)
    assert error == "file:///x: cannot read: No such file or directory"
    assert error.translated(indonesian) == "file:///x: tidak dapat dibaca: berkas tidak ditemukan"
    assert error.translated(lambda m: m) == "file:///x: cannot read: file not found"
    stored = params_to_json(error.params)
    assert stored["reason"] == {"template": "file not found", "params": {},
                                "text": "No such file or directory"}
    assert text_in_language(f"FetchError: {error}", error.template, stored, indonesian) == (
        "Gagal mengambil: file:///x: tidak dapat dibaca: berkas tidak ditemukan")
    back = params_from_json(stored)["reason"]
    assert isinstance(back, Worded) and back == reason and back.template == "file not found"


def test_an_os_error_without_a_known_errno_keeps_the_systems_words() -> None:
    busy = OSError(errno.EBUSY, "Device or resource busy")
    assert os_reason(busy) == "Device or resource busy"
    assert not isinstance(os_reason(busy), Message)
    assert os_reason(ValueError("embedded null byte")) == "embedded null byte"
    assert isinstance(os_reason(PermissionError(13, "Permission denied")), Worded)


def test_a_full_disk_is_said_by_a_short_reason_the_systems_words_kept() -> None:
    full = os_reason(OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(full, Worded) and full == "No space left on device"
    assert full.translated(indonesian) == "ruang disk penuh"
    assert full.translated(lambda m: m) == "no space left on the disk"


@pytest.mark.parametrize(("code", "words", "indonesian_reason", "english_reason"), [
    (socket.EAI_NONAME, "Name or service not known", "nama host tidak dikenal",
     "host name not known"),
    (socket.EAI_AGAIN, "Temporary failure in name resolution",
     "server DNS belum menjawab untuk sementara", "the name server did not answer, for now"),
], ids=["unknown name", "no answer"])
def test_a_host_name_that_does_not_resolve_is_said_by_a_short_reason(
        code: int, words: str, indonesian_reason: str, english_reason: str) -> None:
    """A name lookup's failure (socket.gaierror, getaddrinfo's own codes) keeps the resolver's
    words as the English text; a reader reads a short reason, in Indonesian by default."""
    reason = os_reason(socket.gaierror(code, words))
    assert isinstance(reason, Worded) and reason == words
    assert reason.translated(indonesian) == indonesian_reason
    assert reason.translated(lambda m: m) == english_reason
    unknown = os_reason(socket.gaierror(socket.EAI_SERVICE, "Servname not supported"))
    assert unknown == "Servname not supported" and not isinstance(unknown, Message)


def test_an_error_raised_with_a_template_is_said_as_its_message_alone() -> None:
    """`Type: message` stays the stored English text (scripts read it); readers read the
    translated message without the class name, which has no label."""
    error = exception_text(SourceNotFound(N_("no source named {name!r}"), name="a"))
    assert error == "SourceNotFound: no source named 'a'"
    assert error.translated(indonesian) == "tidak ada sumber bernama 'a'"
    assert error.translated(lambda m: m) == "no source named 'a'"
    stored = error_fields(error)
    assert stored["last_error"] == "SourceNotFound: no source named 'a'"
    said = (stored["last_error"], stored["last_error_template"], stored["last_error_params"])
    assert text_in_language(*said, indonesian) == "tidak ada sumber bernama 'a'"
    assert text_in_language(*said, lambda m: m) == "no source named 'a'"
    assert text_in_language(*said, None) == "SourceNotFound: no source named 'a'"


def test_any_other_error_is_said_by_its_kinds_label_and_its_english_text() -> None:
    """A bug's or a driver's error keeps `Type: text` as the English; readers read a label
    for the kind (the nearest known one in its class's ancestry, else "Unexpected error") and
    the text as it is, cut at `limit`."""
    import json

    from sqlalchemy.exc import OperationalError

    bug = exception_text(RuntimeError("adapter bug"))
    assert bug == "RuntimeError: adapter bug"
    assert bug.translated(indonesian) == "Kesalahan tak terduga: adapter bug"
    assert bug.translated(lambda m: m) == "Unexpected error: adapter bug"
    try:
        json.loads("{")
    except ValueError as exc:  # JSONDecodeError: a ValueError
        bad = exception_text(exc)
    assert bad.startswith("JSONDecodeError: Expecting property name")
    assert bad.translated(indonesian).startswith("Nilai tidak valid: Expecting property name")
    assert exception_text(KeyError("id")).translated(indonesian) == "Bidang data tidak ada: 'id'"
    locked = exception_text(OperationalError("INSERT", {}, Exception("database is locked")),
                            limit=40)
    assert locked.startswith("OperationalError: (builtins.Exception) database is")
    assert len(locked) == len("OperationalError: ") + 40
    assert locked.translated(indonesian).startswith(
        "Operasi basis data gagal: (builtins.Exception) database is")
    kind = exception_kind(RuntimeError())
    assert kind == "RuntimeError" and kind.translated(indonesian) == "Kesalahan tak terduga"
    stored = error_fields(bug)
    assert text_in_language(stored["last_error"], stored["last_error_template"],
                            stored["last_error_params"], indonesian) == (
        "Kesalahan tak terduga: adapter bug")


def _columns(db: Database) -> set[str]:
    with db.engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns("sources")}


def test_the_migration_adds_and_drops_the_columns_and_old_rows_keep_their_text(
        db_url: str) -> None:
    database = Database(db_url)
    config = _config()
    try:
        upgrade(database)
        sid = _source(database, "a")
        _fail(database, sid)
        assert {"last_error_template", "last_error_params"} <= _columns(database)
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0010")
        assert not {"last_error_template", "last_error_params"} & _columns(database)
        with database.engine.connect() as connection:
            kept = connection.scalar(text("SELECT last_error FROM sources"))
        assert kept == "FetchError: https://x.test/feed: HTTP 503 (after 2 tries)"
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        row = _row(database, sid)
        assert (row.last_error_template, row.last_error_params) == (None, None)
        with database.reader() as session:
            source = find_source(session, "a")
        # English, as before, but for its kind, said as its label
        assert source is not None and source.last_error_in(indonesian) == (
            "Gagal mengambil: https://x.test/feed: HTTP 503 (after 2 tries)")
    finally:
        database.dispose()


def test_the_model_and_the_migrations_agree_on_the_sources_table(db: Database) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert not [d for d in differences if "sources" in repr(d)]
