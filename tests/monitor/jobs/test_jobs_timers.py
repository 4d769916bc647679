"""The timer contract both timers keep (interval jobs, aim, one instance, coalesced catch-up):
the virtual-time twin exactly, APScheduler briefly in real time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from monitor.jobs.clock import FakeClock, SystemClock
from monitor.jobs.timers import ApsTimer, ClockTimer


def test_clock_timer_fires_on_interval_and_follows_aim() -> None:
    clock = FakeClock()
    fired: list[float] = []

    async def job() -> None:
        fired.append(clock.monotonic())

    async def body() -> None:
        timer = ClockTimer(clock)
        timer.start()
        timer.add("j", job, (), interval=10, first=clock.now() + timedelta(seconds=3))
        await clock.run_for(25)
        timer.aim("j", clock.now() + timedelta(seconds=100))
        await clock.run_for(110)
        timer.remove("j")
        await clock.run_for(100)
        timer.shutdown()

    asyncio.run(body())
    assert fired == [3, 13, 23, 125, 135]


def test_clock_timer_never_runs_two_instances_and_coalesces() -> None:
    clock = FakeClock()
    starts: list[float] = []

    async def slow() -> None:
        starts.append(clock.monotonic())
        await clock.sleep(25)  # longer than the interval

    async def body() -> None:
        timer = ClockTimer(clock)
        timer.start()
        timer.add("s", slow, (), interval=10, first=clock.now())
        await clock.run_for(60)
        timer.shutdown()

    asyncio.run(body())
    assert starts == [0, 30, 60]  # 10 and 20 skipped while running, 40 and 50 too


def test_aps_timer_keeps_the_same_contract_in_real_time() -> None:
    fired: list[datetime] = []
    before: list[int] = []

    async def job(tag: str) -> None:
        assert tag == "t"
        fired.append(datetime.now(UTC))

    async def body() -> None:
        timer = ApsTimer()
        timer.start()
        start = SystemClock().now()
        timer.add("j", job, ("t",), interval=0.3, first=start + timedelta(seconds=0.1))
        while len(fired) < 2:
            await asyncio.sleep(0.05)
        timer.aim("j", SystemClock().now() + timedelta(seconds=60))
        before.append(len(fired))
        assert timer.next_time("j") is not None
        await asyncio.sleep(0.5)
        timer.remove("j")
        assert timer.next_time("j") is None
        timer.shutdown()

    asyncio.run(body())
    assert len(fired) == before[0]  # nothing after the aim (60 s away)
    assert (fired[1] - fired[0]).total_seconds() >= 0.29  # on interval, not a burst
