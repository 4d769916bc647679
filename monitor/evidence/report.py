"""Case reports in the shape of a Bawaslu finding form (formulir temuan / laporan hasil
pengawasan), and the bundle's summary report, as self-contained HTML.

Rendered with Jinja2, autoescaped: every scraped value (post text, names, bios) is hostile and
reaches the page only escaped. Reports are in Bahasa Indonesia (the form's language) through the
`cli` catalog; the PDF is the same HTML printed by Chromium (monitor/evidence/report_pdf.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from monitor.errors import N_
from monitor.i18n import DEFAULT_LANGUAGE, translations
from monitor.localtime import local_time as shown_time
from monitor.localtime import zone_label
from monitor.web.mobilisation import mobilisation_roles, roles_wording
from monitor.web.words import CATEGORY_WORDS, word

__all__ = ["EvidenceFile", "REPORT_LANGUAGE", "RULES", "CATEGORY_RULES", "render_case",
           "render_readme", "render_summary", "local_time", "category_words"]

TEMPLATES = Path(__file__).with_name("templates")
REPORT_LANGUAGE = DEFAULT_LANGUAGE
RULES = (
    N_("Law No. 20 of 2023 on the State Civil Apparatus (UU 20/2023 ASN): civil servants are "
       "bound to neutrality and must stay free of the influence of any group or political party"),
    N_("Government Regulation No. 94 of 2021 on Civil Servant Discipline (PP 94/2021), Article 5 "
       "letter n: the ban on supporting candidates in elections and regional elections"),
    N_("Government Regulation No. 42 of 2004 on the Development of the Corps Spirit and Code of "
       "Ethics of Civil Servants (PP 42/2004): the code of ethics in state and social life"),
    N_("Joint Decree on the Guidelines for Fostering and Supervising the Neutrality of Civil "
       "Servants in General Elections and Regional Elections (SKB netralitas ASN, 2022)"),
)
CATEGORY_RULES = {
    "mobilisation": N_("SKB netralitas ASN 2022: an official who mobilises or pressures staff to "
                       "support a candidate; PP 94/2021 Article 5 letter n; UU 20/2023 ASN "
                       "(the staff who were ordered may be victims, not initiators)"),
    "social_media_campaign": N_("SKB netralitas ASN 2022: posting, commenting on, sharing or "
                                "liking campaign content about a candidate or party on social "
                                "media; PP 94/2021 Article 5 letter n"),
    "party_approach": N_("SKB netralitas ASN 2022: approaching a political party about a "
                         "nomination; UU 20/2023 ASN (freedom from party influence)"),
    "partisan_activity": N_("PP 94/2021 Article 5 letter n: taking part in a campaign or in "
                            "activities that lean towards a candidate"),
    "banner": N_("SKB netralitas ASN 2022: putting up banners or campaign props of a candidate "
                 "or party; PP 94/2021 Article 5 letter n"),
    "partisan_decision": N_("PP 94/2021 Article 5 letter n: decisions or actions that favour or "
                            "harm a candidate; PP 42/2004 code of ethics"),
}
_STATUS_WORDS = {
    "pending": N_("Waiting for review"),
    "awaiting_second_review": N_("Waiting for second review"),
    "confirmed": N_("Violation confirmed"),
    "rejected": N_("Not a violation"),
    "escalated": N_("Escalated"),
}
_POST_STATUS_WORDS = {
    "active": N_("still online when last collected"),
    "possibly_deleted": N_("no longer in the source's listing: possibly deleted by its author"),
}


@dataclass(frozen=True)
class EvidenceFile:
    path: str       # inside the bundle
    sha256: str
    size: int
    note: str = ""  # what it is, in words


def local_time(value: str | datetime | None, zone: str, *, seconds: bool = True) -> str:
    """An ISO (UTC) time in the deployment's zone, the zone named: `01-12-2026 09:30:05 WITA`."""
    return shown_time(value, zone, "%d-%m-%Y %H:%M:%S" if seconds else "%d-%m-%Y %H:%M")


def category_words(code: str | None, language: str = REPORT_LANGUAGE) -> str:
    if not code:
        return "—"
    words = CATEGORY_WORDS.get(code)  # the web app's words: one table, one catalog
    return translations(language, "web").gettext(words) if words else code


def _translator(language: str, markup: bool) -> Callable[..., str]:
    """`_("Post %(id)s", id=7)` as jinja2.ext.i18n's newstyle gettext does it (the catalog
    trusted, the values escaped), but looked up once per message: a bundle renders one report
    per folder, and the extension's per-call machinery was most of an export's time."""
    gettext = translations(language, "cli").gettext

    @cache
    def translated(message: str) -> str:
        text = gettext(message)
        # Markup only for our own catalog's text; `%` on Markup escapes every value put in it
        return Markup(text) if markup else text

    def translate(message: str, **values: Any) -> str:
        text = translated(message)
        return text % values if values else text
    return translate


@cache
def _environment(language: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["_"] = _translator(language, markup=True)
    gettext = translations(language, "cli").gettext
    web_gettext = translations(language, "web").gettext
    env.globals.update(
        category_words=lambda code: category_words(code, language),
        category_rule=lambda code: gettext(CATEGORY_RULES[code]) if code in CATEGORY_RULES else "",
        status_words=lambda code: gettext(_STATUS_WORDS[code]) if code in _STATUS_WORDS else (code or "—"),
        post_status_words=lambda code: gettext(_POST_STATUS_WORDS.get(code or "", code or "—")),
        rules=[gettext(rule) for rule in RULES],
        case_words=lambda table, code: web_gettext(word(table, code)),
        mobilisation=lambda category, author: _mobilisation(category, author or {}, web_gettext),
    )
    return env


def _mobilisation(category: str | None, author: dict[str, Any],
                  gettext: Any) -> dict[str, str] | None:
    """Who is responsible and who may be a victim, for a mobilisation post (else None)."""
    roles = mobilisation_roles(category, author.get("name") or "", author.get("handle") or "",
                               author.get("bio") or "")
    return roles_wording(roles, gettext) if roles is not None else None


def _first_decision(post: dict[str, Any]) -> dict[str, Any] | None:
    return post["decisions"][0] if post.get("decisions") else None


def render_case(*, folder: str, case: dict[str, Any] | None, posts: Sequence[dict[str, Any]],
                files: Sequence[EvidenceFile], fingerprint: str, zone: str, exported_at: str,
                exported_by: str, pdf_note: str | None, language: str = REPORT_LANGUAGE) -> str:
    """The report of one case folder (or of one post in no case)."""
    first = posts[0]
    author = first["post"].get("author") or {}
    terlapor = (case or {}).get("terlapor") or {
        "name": author.get("name") or "", "handle": author.get("handle") or "",
        "bio": author.get("bio") or "", "url": author.get("url") or "",
        "position": "", "agency": "", "asn_status": first.get("author_asn_status")}
    finders = sorted({d["reviewer"] for p in posts if (d := _first_decision(p)) and d.get("reviewer")})
    reviewers = sorted({d["reviewer"] for p in posts for d in p.get("decisions", [])[1:]
                        if d.get("reviewer")})
    return _environment(language).get_template("report_case.html").render(
        folder=folder, case=case, posts=posts, terlapor=terlapor, finders=finders,
        reviewers=reviewers, files=files, fingerprint=fingerprint, zone=zone,
        zone_label=zone_label(zone), exported_at=exported_at, exported_by=exported_by,
        pdf_note=pdf_note, local=lambda value: local_time(value, zone))


def render_summary(*, counts: dict[str, int], total: int, rows: Sequence[dict[str, Any]],
                   shown_limit: int, flt: dict[str, Any], fingerprint: str, zone: str,
                   exported_at: str, exported_by: str, version: str, pdf_missing: int,
                   pdf_note: str | None, language: str = REPORT_LANGUAGE) -> str:
    """The report on the whole bundle: counts by status, the list of cases and posts."""
    return _environment(language).get_template("report_summary.html").render(
        counts=counts, total=total, rows=rows, shown_limit=shown_limit, flt=flt,
        fingerprint=fingerprint, zone=zone, zone_label=zone_label(zone), exported_at=exported_at,
        exported_by=exported_by, version=version, pdf_missing=pdf_missing, pdf_note=pdf_note,
        local=lambda value: local_time(value, zone))


def render_readme(*, fingerprint: str, total: int, exported_at: str, exported_by: str,
                  version: str, zone: str, pdf_note: str | None) -> str:
    """README.txt: the same guide in Bahasa Indonesia, then in English."""
    parts = []
    for language in ("id", "en"):
        text_env = _text_environment(language)
        parts.append(text_env.get_template("readme.txt").render(
            fingerprint=fingerprint, total=total, exported_at=local_time(exported_at, zone),
            exported_by=exported_by, version=version, pdf_note=pdf_note))
    return ("\n" + "=" * 72 + "\n\n").join(parts)


@cache
def _text_environment(language: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=False,
                      keep_trailing_newline=True)
    env.globals["_"] = _translator(language, markup=False)
    return env
