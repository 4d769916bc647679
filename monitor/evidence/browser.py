"""Headless Chromium for evidence: PDF case reports and page captures.

The browser is the system's (Debian's `chromium`), driven by Playwright; nothing is downloaded at
run time. `PANTAU_CHROMIUM` names another executable.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


class BrowserUnavailable(RuntimeError):
    """No Chromium executable: PDF reports and page captures cannot be made on this machine."""


def chromium_path() -> Path:
    """The Chromium executable to use, or BrowserUnavailable naming where it was looked for."""
    named = os.environ.get("PANTAU_CHROMIUM")
    candidates = [named] if named else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise BrowserUnavailable(f"Chromium not found ({named or 'chromium on PATH, /usr/bin/chromium'})")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium browser (a Playwright `Browser`), closed when the block ends."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(path), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
