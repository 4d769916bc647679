"""Background work of `pantau run`: the source scheduler, its clock and timers, the processes.

`scheduler` (which source runs when, on which node), `cadence` (intervals, backoff, jitter,
Retry-After), `clock` (real and virtual time), `timers` (APScheduler and its virtual-time twin),
`processes` (`pantau run` and `pantau serve`: event loop, web thread, signals).
"""
