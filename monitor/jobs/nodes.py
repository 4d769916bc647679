"""Who a node is: `host:pid:token` owner ids, and which lease owners on this host are dead.

A restarted `pantau run` gets a new token, so it never mistakes a dead predecessor's lease for
its own; the host and pid let it see that the predecessor's process is gone and free its leases
at once instead of waiting out `scheduler.lease_ttl`.
"""

from __future__ import annotations

import os
import secrets
import socket

__all__ = ["dead_siblings", "node_id", "this_host"]


def node_id() -> str:
    """`host:pid:token`, unique per process: a restarted node never mistakes a dead
    predecessor's lease for its own, yet can tell it ran on this host."""
    return f"{_host()}:{os.getpid()}:{secrets.token_hex(3)}"


def _host() -> str:
    """The hostname, plus the PID namespace where Linux has one: containers sharing a hostname
    but not their process table must never judge each other's pids."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return socket.gethostname()
    return f"{socket.gethostname()}~{namespace}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def this_host() -> str:
    return _host()


def dead_siblings(owners: set[str], me: str) -> set[str]:
    """Lease owners that ran on this host and whose process is gone (or whose pid is now mine)."""
    mine = _host_pid(me)
    if mine is None:  # an owner that names no host and pid cannot know its siblings
        return set()
    dead = set()
    for owner in owners - {me}:
        theirs = _host_pid(owner)
        if theirs is None or theirs[0] != mine[0]:
            continue
        if theirs[1] == mine[1] or not _pid_alive(theirs[1]):
            dead.add(owner)
    return dead


def _host_pid(owner: str) -> tuple[str, int] | None:
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdecimal() or not parts[1].isascii():
        return None
    return parts[0], int(parts[1])
