"""The drift page's chart: the weekly flagged share per platform as a pygal line chart (SVG,
shown through <img> as a data: URI, no script — as monitor/web/charts.py)."""

from __future__ import annotations

from collections.abc import Sequence

import pygal

from monitor.web.charts import _STYLE, data_uri

__all__ = ["share_chart"]


def share_chart(title: str, weeks: Sequence[str],
                series: Sequence[tuple[str, Sequence[float | None]]]) -> str:
    """Lines of shares (0..1, None for a week with no scored posts) per week."""
    chart = pygal.Line(title=title, style=_STYLE, js=[], width=720, height=340,
                       disable_xml_declaration=False, show_legend=True, legend_at_bottom=True,
                       x_label_rotation=0, range=(0, 1), explicit_size=True,
                       value_formatter=lambda v: f"{v:.0%}", allow_interruptions=True)
    chart.x_labels = list(weeks)
    for name, values in series:
        chart.add(name, list(values))
    if not weeks:
        chart.no_data_text = "—"
    return data_uri(chart.render())
