"""A model report's HTML: the stored figures (monitor/model_report.py) with the PR curve and
calibration plot as SVG, in the reader's language; the templates escape every text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["charts", "render_report"]


def charts(report: dict[str, Any], gettext: Callable[[str], str]) -> dict[str, str]:
    """The PR curve and the calibration plot as SVG data: URIs, legends in the reader's language."""
    from monitor.web.charts import xy_chart

    names = {"candidate": gettext("candidate"), "active": gettext("active model")}
    curves = report.get("curves", {})
    pr = [(names[k], [tuple(p) for p in v.get("pr", [])]) for k, v in curves.items()]
    cal = [(names[k], [(b["mean_score"], b["positive_share"]) for b in v.get("calibration", [])])
           for k, v in curves.items()]
    return {
        "pr": xy_chart(gettext("Precision–recall curve (held-out records)"), gettext("recall"),
                       gettext("precision"), pr),
        "calibration": xy_chart(gettext("Calibration (held-out records)"), gettext("mean score"),
                                gettext("share of positives"), cal,
                                diagonal=gettext("perfect calibration")),
    }


def render_report(report: dict[str, Any], language: str = "id") -> str:
    """The standalone HTML report (autoescaped template, no scripts)."""
    from monitor.i18n import translations
    from monitor.web.templating import render

    gettext = translations(language, "web").gettext
    return render(language, "model_report_page.html",
                  {"report": report, "charts": charts(report, gettext), "lang": language})
