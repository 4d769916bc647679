"""The service's allocator settings: on glibc the arena cap and the trim take effect (mallinfo2
shows the heap shrinking after a trim); on any other C library both report False and do
nothing, so `pantau run` starts the same everywhere."""

from __future__ import annotations

import subprocess
import sys

import pytest

from monitor.jobs import memory


def _on_glibc() -> bool:
    return memory._glibc() is not None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_trim_hands_freed_heap_back_to_the_system() -> None:
    if not _on_glibc():
        pytest.skip("not glibc")
    # in a child process, so the test's own heap is not disturbed: many small blocks freed
    # inside the heap (below the mmap threshold) stay resident until trimmed
    script = (
        "import ctypes, os\n"
        "from monitor.jobs import memory\n"
        "def rss():\n"
        "    return int(open('/proc/self/statm').read().split()[1]) * os.sysconf('SC_PAGE_SIZE')\n"
        "libc = ctypes.CDLL('libc.so.6'); libc.malloc.restype = ctypes.c_void_p\n"
        "libc.free.argtypes = [ctypes.c_void_p]\n"
        "libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD: keep 64 KiB blocks in the heap\n"
        "blocks = [libc.malloc(65536) for _ in range(3000)]\n"
        "for b in blocks: ctypes.memset(b, 1, 65536)\n"
        "keep = blocks[-1]\n"
        "for b in blocks[:-1]: libc.free(b)\n"
        "before = rss(); ok = memory.trim(); after = rss()\n"
        "print(ok, before, after)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "True"
    before, after = int(out[1]), int(out[2])
    assert before - after > 100 * 2**20  # most of the ~190 MB freed went back


def test_the_arena_cap_is_accepted_on_glibc() -> None:
    if not _on_glibc():
        pytest.skip("not glibc")
    out = subprocess.run([sys.executable, "-c",
                          "from monitor.jobs import memory; print(memory.limit_arenas(2))"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "True"


def test_without_glibc_both_do_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.limit_arenas() is False and memory.trim() is False

