"""A per-process, in-memory rate limit for the public forms.

Keys are keyed-hashes of the client address under a random per-process key, so not even memory
holds a reporter's address in the clear, and nothing is ever written to disk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque

__all__ = ["RateLimit"]


class RateLimit:
    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._key = secrets.token_bytes(32)
        self._hits: dict[bytes, deque[float]] = {}
        self._lock = threading.Lock()

    def _id(self, address: str) -> bytes:
        return hmac.new(self._key, address.encode(), hashlib.sha256).digest()[:16]

    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one attempt; False when this client is over the limit in the window."""
        now = time.monotonic() if now is None else now
        key = self._id(address)
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # forget idle clients
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
            return True
