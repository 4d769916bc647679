"""Dashboard charts: a ranking reads top-down, the values stay with their labels."""

from __future__ import annotations

import base64
import re

from monitor.web.charts import bar_chart

LABELS = ["Kabupaten Konawe Kepulauan", "Kota Kendari", "Kabupaten Buton Tengah"]


def _svg(uri: str) -> str:
    return base64.b64decode(uri.split(",", 1)[1]).decode()


def _label_y(svg: str, label: str) -> float:
    match = re.search(r'<text x="[^"]*" y="([^"]+)"[^>]*>' + re.escape(label) + "</text>", svg)
    assert match, label
    return float(match.group(1))


def test_horizontal_bars_list_the_first_label_on_top() -> None:
    svg = _svg(bar_chart("Per wilayah", LABELS, [("Ditandai", [30, 20, 10])], horizontal=True))
    ys = [_label_y(svg, label) for label in LABELS]
    assert ys == sorted(ys), "the first-ranked region must be drawn highest"


def test_each_bar_keeps_its_label_when_the_order_is_turned() -> None:
    svg = _svg(bar_chart("Per wilayah", LABELS, [("Ditandai", [30, 20, 10])], horizontal=True))
    # pygal writes each bar's value in its tooltip description: 30 belongs to the top row
    values = [int(v) for v in re.findall(r'<desc class="value">(\d+)</desc>', svg)]
    assert values == [10, 20, 30]  # drawn bottom-up: Buton Tengah, Kendari, Konawe Kepulauan


def test_vertical_bars_keep_the_given_order() -> None:
    svg = _svg(bar_chart("Per hari", ["11-01", "11-02"], [("Ditandai", [1, 2])]))
    assert svg.index(">11-01<") < svg.index(">11-02<")
