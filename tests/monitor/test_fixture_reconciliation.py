"""Every captured fixture in ../shared/fixtures through the real run path (`run_source`: adapter,
snapshots, checks, isolation, storage, source_runs) against the replay server: no run raises,
and every run reconciles, fetched = new + updated + unchanged + duplicates + rejected.

Run with -s to see the counts per fixture (the figures of the closing note).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_scrape_pipeline import scrape, settings  # noqa: F401 (fixture)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scrapers"))
from scrape_server import FixtureServer, Reply, Seen

from monitor.config import SourceSpec
from monitor.sources import add_source
from storage.db import Database
from storage.source_runs import list_runs

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures"
pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


@pytest.fixture
def replay() -> Iterator[FixtureServer]:
    if not FIXTURES.is_dir():
        pytest.skip(f"{FIXTURES} is absent (../shared not beside the repository)")
    server = FixtureServer(FIXTURES).start()
    yield server
    server.stop()


def first_page_only(body: bytes, family: str) -> Any:
    """The captured page; any request for an older page gets an empty one."""
    empty = b'{"feed": []}' if family == "bluesky" else b"[]"

    def reply(seen: Seen) -> Reply:
        older = "cursor" in seen.query or "max_id" in seen.query
        return Reply(200, empty if older else body, {"Content-Type": "application/json"})
    return reply


def cases(server: FixtureServer, family: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(source name, type, url, options) for each file of a fixture family."""
    folder = FIXTURES / family
    out = []
    if family in ("feeds", "youtube", "telegram", "html"):
        kind = {"feeds": "rss", "youtube": "rss", "telegram": "telegram", "html": "url"}[family]
        for path in sorted(folder.glob("*.*ml")):
            out.append((f"{family}-{path.stem}"[:200], kind, server.url(f"/fixtures/{family}/{path.name}"),
                        {"max_pages": 1} if kind == "telegram" else {}))
    elif family in ("mastodon", "bluesky"):
        for path in sorted(folder.glob("*.json")):
            if path.name in ("expected.json",) or path.name.endswith(".headers.json"):
                continue
            route = f"/{family}/{path.stem}"
            server.routes[route] = first_page_only(path.read_bytes(), family)
            out.append((f"{family}-{path.stem}", family, server.url(route), {"max_pages": 2}))
    else:  # feeds-robustness: ~270 ill-formed and oddly encoded feeds
        files = json.loads((folder / "expected.json").read_text())["files"]
        for n, (name, spec) in enumerate(sorted(files.items())):
            headers = dict(h.split(":", 1) for h in spec.get("http_headers", []))
            server.routes[f"/robust/{n}"] = Reply(200, (folder / name).read_bytes(),
                                                  {k.strip(): v.strip() for k, v in headers.items()})
            out.append((f"robust-{n:03d}", "rss", server.url(f"/robust/{n}"), {}))
    return out


@pytest.mark.parametrize("family", ["feeds", "youtube", "telegram", "mastodon", "bluesky", "html",
                                    "feeds-robustness"])
def test_every_fixture_run_reconciles(db: Database, replay: FixtureServer, settings, family: str,  # type: ignore[no-untyped-def]  # noqa: F811
                                      capsys: pytest.CaptureFixture[str]) -> None:
    totals = dict.fromkeys(("fetched", "new", "updated", "unchanged", "duplicates", "rejected"), 0)
    failed = 0
    lines = []
    for name, kind, url, options in cases(replay, family):
        add_source(db, SourceSpec(name, kind, url, interval=60, options=options), settings)
        report = scrape(db, settings, name)
        assert report.reconciles(), report
        failed += not report.ok
        for key, value in report.counts().items():
            totals[key] += value
        if family != "feeds-robustness":
            lines.append(f"  {name:<58} " + " ".join(f"{k}={v}" for k, v in report.counts().items())
                         + ("" if report.ok else f" FAILED {report.errors[-1][:60]}"))
    with db.reader() as session:
        runs = list_runs(session, limit=10_000)
    assert runs and all(r.status in ("ok", "failed") and r.reconciles() for r in runs)
    assert totals["fetched"] == sum(v for k, v in totals.items() if k != "fetched")
    with capsys.disabled():
        print(f"\n{family} ({db.dialect}): {len(runs)} runs, {failed} failed: "
              + " ".join(f"{k}={v}" for k, v in totals.items()))
        print("\n".join(lines))
