"""Keep a long-running `pantau run` from holding on to memory it has freed (issue 14's soak).

Under sustained load the service's Python heap stays flat (tracemalloc: ~130 MB from the first
minute on) while its resident size kept rising by 3-7 MB a minute: glibc's allocator gives each
thread that contends for it an arena of its own (up to 8 per core) and returns little of what is
freed inside them. Two settings, both glibc-only and skipped elsewhere: at most two arenas for
the process, set before the service starts its threads, and `malloc_trim` every half minute,
which hands the free pages of every arena back to the system.
"""

from __future__ import annotations

import ctypes
import logging
import sys
from functools import cache
from typing import Any

__all__ = ["SERVICE_ARENAS", "TRIM_SECONDS", "limit_arenas", "trim"]

log = logging.getLogger(__name__)
SERVICE_ARENAS = 2
TRIM_SECONDS = 30.0
_M_ARENA_MAX = -8  # glibc's mallopt parameter number (malloc.h)


@cache
def _glibc() -> Any:
    """glibc's allocator functions, or None (another C library, another system)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    if not (hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim")):
        return None  # e.g. musl: neither exists there
    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    libc.malloc_trim.argtypes = [ctypes.c_size_t]
    return libc


def limit_arenas(arenas: int = SERVICE_ARENAS) -> bool:
    """Cap the allocator's arenas (threads started later share them); False where unsupported."""
    libc = _glibc()
    if libc is None:
        return False
    done = bool(libc.mallopt(_M_ARENA_MAX, arenas))
    log.debug("malloc arenas limited to %d: %s", arenas, done)
    return done


def trim() -> bool:
    """Return free memory of every arena to the system; False where unsupported."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
