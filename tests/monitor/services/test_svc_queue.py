"""The queue, item and dashboard use cases: rights, holds shown, counts capped for a text
search, aggregates warmed."""

from __future__ import annotations

import time

import pytest
from services_helpers import flagged_items, person

from monitor.caching import Background
from monitor.errors import PermissionDenied
from monitor.services.dashboard import Dashboards, dashboard_view
from monitor.services.holds import open_item
from monitor.services.items import item_view
from monitor.services.queue import QueueCaches, neighbours, queue_view
from storage.db import Database
from storage.queue_search import QueueFilter


def test_the_dashboard_is_for_leads_and_its_first_figures_can_be_warmed(db: Database) -> None:
    flagged_items(db, 2)
    monitor, lead = person(db, "ani", "monitor"), person(db, "lia", "lead")
    dashboards = Dashboards.for_database(db, "Asia/Makassar")
    with pytest.raises(PermissionDenied):
        dashboard_view(db, monitor, dashboards)
    dashboards.warm()
    view = dashboard_view(db, lead, dashboards)
    assert view.data.pending == 2


def test_a_page_shows_who_holds_which_item_and_counts_every_status(db: Database) -> None:
    ids = flagged_items(db, 3)
    ani, budi = person(db, "ani", "monitor"), person(db, "budi", "monitor")
    open_item(db, ani, ids[0], "pending", None)
    view = queue_view(db, budi, QueueFilter(), QueueCaches.for_database(db))
    assert [row.id for row in view.rows] == ids
    assert view.holds[ids[0]].holder == "ani" and ids[1] not in view.holds
    assert view.counts.counts == {"pending": 3} and not view.counts.counting
    assert view.counts.total == 3


def test_a_text_search_is_counted_off_the_request_and_says_so_meanwhile(db: Database) -> None:
    flagged_items(db, 5)  # every text reads "ayo coblos nomor N"
    ani = person(db, "ani", "monitor")
    caches = QueueCaches.for_database(db, search_counts=Background(60, wait=0))
    first = queue_view(db, ani, QueueFilter(q="coblos"), caches)
    assert len(first.rows) == 5  # the rows never wait for the counts
    for _ in range(200):
        later = queue_view(db, ani, QueueFilter(q="coblos"), caches)
        if not later.counts.counting:
            break
        time.sleep(0.02)
    assert later.counts.counts == {"pending": 5} and later.counts.total == 5
    waited = queue_view(db, ani, QueueFilter(q="nomor 3"), QueueCaches.for_database(db))  # a quick count
    assert waited.counts.counts == {"pending": 1} and not waited.counts.counting


def test_opening_an_item_holds_it_and_knows_its_neighbours(db: Database) -> None:
    ids = flagged_items(db, 3)
    ani, budi = person(db, "ani", "monitor"), person(db, "budi", "monitor")
    view = item_view(db, ani, ids[1])
    assert view.hold is not None and view.hold.holder == "ani"
    assert (view.previous, view.following) == (ids[0], ids[2])
    assert neighbours(db, budi, ids[1], "pending") == (ids[0], ids[2])
    seen = item_view(db, budi, ids[1])  # another monitor sees ani's hold, takes none
    assert seen.hold is not None and seen.hold.holder == "ani"
    quiet = item_view(db, budi, ids[2], hold=False)
    assert quiet.hold is None
