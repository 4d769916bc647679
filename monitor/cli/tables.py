"""Plain-text tables that stay readable piped and at 80 columns.

Rich's tables shrink every column to fit, so piped output (80 columns) used to lose the id,
score and status columns entirely. Here every column but one has a fixed width, and the one
flexible column (the post text) takes what is left; cells are cut with `…`, never wrapped.
Scraped text is shown as text: control characters become spaces, nothing is interpreted.
"""

from __future__ import annotations

import shutil
import textwrap
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Column", "render", "render_notes", "terminal_width", "clean"]

MIN_FLEX = 12


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 0          # 0: the flexible column
    align: str = "<"        # "<" or ">"


def terminal_width() -> int:
    """The terminal's width; 80 when piped (or COLUMNS when set)."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns


def clean(value: object) -> str:
    """One line of plain text: newlines, tabs and other control characters become spaces."""
    text = str(value)
    return "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)


def _cell_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c)
               else 1 for c in text)


def _fit(text: str, width: int, align: str) -> str:
    if _cell_width(text) > width:
        out, used = [], 0
        for char in text:
            size = _cell_width(char)
            if used + size > width - 1:
                break
            out.append(char)
            used += size
        text = "".join(out) + "…"
    pad = " " * max(0, width - _cell_width(text))
    return pad + text if align == ">" else text + pad


def render(columns: Sequence[Column], rows: Sequence[Sequence[object]],
           width: int | None = None) -> str:
    """The table as lines of at most `width` cells (the flexible column never below MIN_FLEX)."""
    width = width or terminal_width()
    fixed = sum(c.width for c in columns if c.width) + 2 * (len(columns) - 1)
    flex = max(MIN_FLEX, width - fixed)
    widths = [c.width or flex for c in columns]
    lines = []
    for cells in [[c.header for c in columns], *rows]:
        parts = [_fit(clean(cell), w, c.align) for cell, w, c in zip(cells, widths, columns, strict=True)]
        lines.append("  ".join(parts).rstrip())
    return "\n".join(lines)


def render_notes(title: str, notes: Sequence[tuple[str, str]], width: int | None = None) -> str:
    """Texts a table cell cuts (a source's error), in full under the table: a title, then
    "name: text" per note, wrapped at `width` with the continuation lines indented; "" when
    no note has a text."""
    width = width or terminal_width()
    lines = []
    for name, text in notes:
        if text:
            lines.append(textwrap.fill(clean(f"{name}: {text}"), max(20, width),
                                       subsequent_indent="  ", break_on_hyphens=False))
    return "\n".join([title, *lines]) if lines else ""
