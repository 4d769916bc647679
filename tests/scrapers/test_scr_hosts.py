"""The per-host gate on a fake clock: exact spacing per host, hosts independent, no wall-clock
windows."""

from __future__ import annotations

import asyncio

from hostile_helpers import FakeClock
from scrape_helpers import run

from scrapers.hosts import HostGate, host_key


async def _visit(gate: HostGate, clock: FakeClock, key: str, log: list[tuple[str, float]],
                 work: float) -> None:
    async with gate.slot(key):
        log.append((key, clock.monotonic()))
        clock.now += work  # the request itself takes `work` seconds


def test_requests_to_one_host_are_spaced_by_the_delay_from_the_end_of_the_last() -> None:
    clock = FakeClock()
    gate = HostGate(2.0, clock)
    log: list[tuple[str, float]] = []

    async def main() -> None:
        await asyncio.gather(*(_visit(gate, clock, "a.example", log, 0.5) for _ in range(4)))

    run(main())
    assert [t for _k, t in log] == [0.0, 2.5, 5.0, 7.5]
    assert clock.sleeps == [2.0, 2.0, 2.0]


def test_hosts_do_not_wait_for_each_other() -> None:
    clock = FakeClock()
    gate = HostGate(10.0, clock)
    log: list[tuple[str, float]] = []

    async def main() -> None:
        await asyncio.gather(
            _visit(gate, clock, "a.example", log, 0.0),
            _visit(gate, clock, "b.example", log, 0.0),
            _visit(gate, clock, "c.example", log, 0.0),
        )

    run(main())
    assert sorted(log) == [("a.example", 0.0), ("b.example", 0.0), ("c.example", 0.0)]
    assert clock.sleeps == []


def test_no_wait_once_the_delay_has_passed() -> None:
    clock = FakeClock()
    gate = HostGate(1.0, clock)
    log: list[tuple[str, float]] = []

    async def main() -> None:
        await _visit(gate, clock, "a.example", log, 0.0)
        clock.now += 5.0
        await _visit(gate, clock, "a.example", log, 0.0)

    run(main())
    assert clock.sleeps == [] and log == [("a.example", 0.0), ("a.example", 5.0)]


def test_host_key_is_the_lower_case_host_name_and_never_raises() -> None:
    assert host_key("http://Example.ORG:8080/x") == "example.org"
    assert host_key("http://[::1") == ""
