"""Codes shown as words: KASN categories, hard cases, statuses, decisions, source health.

The dictionaries hold English message ids (marked with N_ so `make messages` extracts them);
templates translate them through the page's gettext, so a code never reaches a reader.
"""

from __future__ import annotations

from monitor.errors import N_

__all__ = [
    "CASE_STATUS_WORDS",
    "CASE_STEP_WORDS",
    "CATEGORY_WORDS",
    "DECISION_WORDS",
    "HARD_CASE_WORDS",
    "REPORT_STATUS_WORDS",
    "ROLE_WORDS",
    "SOURCE_STATE_WORDS",
    "STATUS_WORDS",
    "word",
]

CATEGORY_WORDS = {
    "mobilisation": N_("Mobilising staff for a candidate"),
    "social_media_campaign": N_("Campaigning on social media"),
    "party_approach": N_("Approaching a political party"),
    "partisan_activity": N_("Taking part in campaign activities"),
    "banner": N_("Putting up campaign banners"),
    "partisan_decision": N_("Decisions favouring a candidate"),
}
HARD_CASE_WORDS = {
    "public_campaign": N_("Campaign by a non-civil-servant"),
    "neutrality_reminder": N_("Reminder about neutrality"),
    "news_report": N_("News report"),
    "civic_info": N_("Voter information"),
    "government_program": N_("Government programme"),
    "asn_neutral": N_("Civil servant, not partisan"),
    "non_political": N_("Not political"),
}
STATUS_WORDS = {
    "pending": N_("Waiting for review"),
    "awaiting_second_review": N_("Waiting for second review"),
    "confirmed": N_("Violation confirmed"),
    "rejected": N_("Not a violation"),
    "escalated": N_("Escalated"),
}
DECISION_WORDS = {
    "confirmed": N_("Violation confirmed"),
    "rejected": N_("Not a violation"),
    "escalated": N_("Escalate"),
}
SOURCE_STATE_WORDS = {
    "ok": N_("Healthy"),
    "failing": N_("Failing"),
    "silent": N_("Silent"),
    "disabled": N_("Disabled"),
    "new": N_("Not run yet"),
}
REPORT_STATUS_WORDS = {
    "received": N_("Received"),
    "in_review": N_("Being examined"),
    "followed_up": N_("Followed up"),
    "closed": N_("Closed"),
}
ROLE_WORDS = {
    "monitor": N_("Monitor"),
    "lead": N_("Lead"),
    "data": N_("Data team"),
    "admin": N_("Administrator"),
}
ASN_WORDS = {
    "known": N_("Known civil servant"),
    "likely": N_("Likely civil servant"),
    "unknown": N_("Not established"),
}
CASE_STATUS_WORDS = {
    "open": N_("Open, not yet reported"),
    "reported": N_("Reported to Bawaslu/KASN"),
    "recommendation": N_("Recommendation issued"),
    "sanction": N_("Sanctioned by the PPK"),
    "closed": N_("Closed"),
}
CASE_STEP_WORDS = {
    "reported": N_("Reported to Bawaslu/KASN"),
    "recommendation": N_("Recommendation issued"),
    "sanction": N_("Sanction by the PPK"),
    "closed": N_("Closed"),
}
TABLES = {"category": CATEGORY_WORDS, "hard_case": HARD_CASE_WORDS, "status": STATUS_WORDS,
          "decision": DECISION_WORDS, "source_state": SOURCE_STATE_WORDS,
          "report_status": REPORT_STATUS_WORDS, "role": ROLE_WORDS, "asn": ASN_WORDS,
          "case_status": CASE_STATUS_WORDS, "case_step": CASE_STEP_WORDS}


def word(table: str, code: str | None) -> str:
    """The English message id for a code (the code itself when unknown, an em dash for none)."""
    if not code:
        return "—"
    return TABLES[table].get(code, code)
