"""Server-side SVG charts (pygal), embedded as data: images so no script ever runs from them.

pygal's interactive tooltips need its JavaScript from another host; it is switched off
(`js=[]`), and an SVG shown through <img> cannot run scripts anyway. Each chart sits beside a
table with the same numbers, so the page reads without images and prints cleanly.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pygal
from pygal.style import Style

__all__ = ["bar_chart", "data_uri", "xy_chart"]

_STYLE = Style(background="white", plot_background="white", foreground="#1d2330",
               foreground_strong="#1d2330", foreground_subtle="#d5d9e0",
               colors=("#0b5cad", "#a4161a", "#1f7a3a", "#8a5a00"),
               font_family="system-ui, sans-serif", label_font_size=15, major_label_font_size=15,
               legend_font_size=16, title_font_size=18, value_font_size=14)


def data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], *,
              horizontal: bool = False) -> str:
    """A bar chart as a data: URI; `series` is (legend, values per label). Horizontal bars
    read top-down in the order given (pygal draws the first label at the bottom, which put a
    ranking's first region last)."""
    if horizontal:
        labels = list(labels)[::-1]
        series = [(name, list(values)[::-1]) for name, values in series]
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(260, 26 * len(labels) + 120) if horizontal else 320
    chart = kind(title=title, style=_STYLE, js=[], width=720, height=height,
                 disable_xml_declaration=False, show_legend=True, legend_at_bottom=True,
                 x_label_rotation=0 if horizontal else 45, print_values=False,
                 truncate_label=40, show_minor_x_labels=True, explicit_size=True)
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    if not labels:
        chart.no_data_text = "—"
    return data_uri(chart.render())


def xy_chart(title: str, x_title: str, y_title: str,
             series: Sequence[tuple[str, Sequence[tuple[float, float]]]], *,
             diagonal: str | None = None) -> str:
    """A line chart of (x, y) points on [0, 1]², as a data: URI (PR curves, calibration); with
    `diagonal`, the y = x line under that legend (perfect calibration)."""
    chart = pygal.XY(title=title, x_title=x_title, y_title=y_title, style=_STYLE, js=[],
                     width=560, height=420, range=(0, 1), xrange=(0, 1), show_legend=True,
                     legend_at_bottom=True, dots_size=2, explicit_size=True,
                     disable_xml_declaration=False)
    if diagonal:
        chart.add(diagonal, [(0.0, 0.0), (1.0, 1.0)], stroke_style={"dasharray": "4,4"})
    for name, points in series:
        chart.add(name, [(float(x), float(y)) for x, y in points])
    return data_uri(chart.render())
