"""Printing report HTML to PDF with the system's headless Chromium (one browser per export).

The page is printed offline with JavaScript off: a report is self-contained, and the hostile
text in it (escaped already) gets no chance to fetch or run anything. Where Chromium is missing
or fails, `render` returns None and `missing` says why: the export goes on with the HTML.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from types import TracebackType
from typing import Any

from monitor.evidence.browser import BrowserUnavailable, chromium

__all__ = ["PdfPrinter"]

log = logging.getLogger(__name__)


class PdfPrinter:
    """`with PdfPrinter() as printer: printer.render(html)` → PDF bytes or None."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.missing: str | None = None if enabled else "PDF reports were not requested"
        self._stack = ExitStack()
        self._page: Any = None

    def __enter__(self) -> PdfPrinter:
        if not self.enabled:
            return self
        try:
            browser = self._stack.enter_context(chromium())
            context = browser.new_context(java_script_enabled=False, offline=True)
            self._page = context.new_page()
        except BrowserUnavailable as exc:
            self._fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken browser never stops an export
            self._fail(f"Chromium could not start: {type(exc).__name__}: {exc}")
        return self

    def _fail(self, reason: str) -> None:
        log.warning("PDF reports unavailable: %s", reason)
        self.missing = reason
        self._page = None
        self._stack.close()

    def render(self, html: str) -> bytes | None:
        if self._page is None:
            return None
        try:
            self._page.set_content(html, wait_until="load")
            pdf: bytes = self._page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            return pdf
        except Exception as exc:  # noqa: BLE001
            self._fail(f"Chromium failed to print: {type(exc).__name__}: {exc}")
            return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._page = None
        self._stack.close()
