"""The schema's fixed vocabularies, importable without the database layer (the CLI's option
choices are built from them at start-up, before any command needs SQLAlchemy)."""

from __future__ import annotations

__all__ = ["REVIEW_STATUSES", "DECISIONS", "ASN_STATUSES", "CASE_STEPS", "CASE_STATUSES"]

REVIEW_STATUSES = ("pending", "awaiting_second_review", "confirmed", "rejected", "escalated")
DECISIONS = ("confirmed", "rejected", "escalated")
ASN_STATUSES = ("known", "likely", "unknown")

# A case's follow-up in its legal order; its status is its last step, or `open` before any.
CASE_STEPS = ("reported", "recommendation", "sanction", "closed")
CASE_STATUSES = ("open", *CASE_STEPS)
