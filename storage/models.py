"""The database schema (SQLAlchemy 2). One schema for SQLite and PostgreSQL.

Evidence is append-only: post versions, snapshots, score rows, review decisions and the audit
log are only ever inserted. The `reviews` row carries the current state of one queue item and a
`version` counter so that two reviewers cannot silently overwrite each other.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.vocabulary import ASN_STATUSES, CASE_STATUSES, CASE_STEPS, DECISIONS, REVIEW_STATUSES

__all__ = [
    "Base", "Source", "AuthorRow", "Post", "PostVersion", "Blob", "SnapshotRow", "PostSnapshot",
    "Score", "Review", "ReviewDecision", "AuditEntry", "User", "SourceRun",
    "REVIEW_STATUSES", "DECISIONS", "ASN_STATUSES",
]


_ESC = "\U0010ffff"  # a Unicode noncharacter: escape prefix for what PostgreSQL text cannot hold


class ScrapedText(TypeDecorator[str]):
    """Text kept exactly as scraped. PostgreSQL refuses NUL in text, so there NUL is stored as
    ESC+"0" and ESC itself as ESC+ESC — reversible, and a no-op for ordinary text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None or dialect.name != "postgresql" or ("\x00" not in value and _ESC not in value):
            return value
        return value.replace(_ESC, _ESC + _ESC).replace("\x00", _ESC + "0")

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None or dialect.name != "postgresql" or _ESC not in value:
            return value
        out, chars, i = [], value, 0
        while i < len(chars):
            char = chars[i]
            if char == _ESC and i + 1 < len(chars):
                out.append("\x00" if chars[i + 1] == "0" else _ESC)
                i += 2
            else:
                out.append(char)
                i += 1
        return "".join(out)


# Big integer ids on PostgreSQL, INTEGER (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both backends (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware values")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, datetime: UtcDateTime()}


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    interval_seconds: Mapped[float] = mapped_column(Float)
    region: Mapped[str | None] = mapped_column(String(200))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(16), default="cli")  # cli | config
    asn_status: Mapped[str] = mapped_column(String(16), default="unknown")
    cursor: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    last_run_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A scraper's error also as its English template and values (migration 0012), so it is
    # shown in the reader's language; NULL for any other error (storage/stored_errors.py)
    last_error_template: Mapped[str | None] = mapped_column(Text)
    last_error_params: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    posts_collected: Mapped[int] = mapped_column(BigInteger, default=0)
    next_run_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires_at: Mapped[datetime | None]
    # Removed sources keep their row (disabled), so their posts stay listed under their name.
    removed_at: Mapped[datetime | None]
    __table_args__ = (Index(None, "enabled", "next_run_at"),)


class AuthorRow(Base):
    """A stored author (storage.records.Author is the interchange one)."""

    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(ScrapedText, default="")
    bio: Mapped[str] = mapped_column(ScrapedText, default="")
    url: Mapped[str] = mapped_column(ScrapedText, default="")
    asn_status: Mapped[str] = mapped_column(String(16), default="unknown")
    first_seen_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("platform", "handle"),)


class Post(Base):
    __tablename__ = "posts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(ScrapedText)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    text: Mapped[str] = mapped_column(ScrapedText)
    posted_at: Mapped[datetime | None]
    collected_at: Mapped[datetime]
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    region: Mapped[str | None] = mapped_column(String(200))
    media: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    label: Mapped[int | None] = mapped_column(SmallInteger)
    category: Mapped[str | None] = mapped_column(String(40))
    hard_case: Mapped[str | None] = mapped_column(String(40))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    content_sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | possibly_deleted
    status_changed_at: Mapped[datetime | None]
    # Near-duplicate group (0010): the id of the group's first post; NULL while it has none.
    dup_group: Mapped[int | None] = mapped_column(Id, index=True)
    __table_args__ = (
        UniqueConstraint("platform", "external_id"),
        # Few indexes on purpose: every one is paid on each of millions of inserts. Lists go
        # newest first by id; deletion marks look up (source_id, posted_at).
        Index(None, "source_id", "posted_at"),
        Index(None, "author_id"),  # the foreign key's index: an author's posts, author removal
    )


class PostVersion(Base):
    """An earlier text of a post, kept when the post was seen again with different content."""

    __tablename__ = "post_versions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(ScrapedText)
    url: Mapped[str | None] = mapped_column(ScrapedText)
    media: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    content_sha256: Mapped[str] = mapped_column(String(64))
    collected_at: Mapped[datetime]
    replaced_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("post_id", "version"),)


class Blob(Base):
    """Raw response bodies, content-addressed so an unchanged page is stored once."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class SnapshotRow(Base):
    """A stored raw response (scrapers.base.Snapshot is the fetched one)."""

    __tablename__ = "snapshots"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]]
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    fetched_at: Mapped[datetime]
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (Index(None, "source_id", "fetched_at"),)


class PostSnapshot(Base):
    """Which snapshot(s) a post was read from: the evidence behind every stored version."""

    __tablename__ = "post_snapshots"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    post_version: Mapped[int] = mapped_column(Integer, default=1)


class Score(Base):
    __tablename__ = "scores"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    post_version: Mapped[int] = mapped_column(Integer, default=1)
    model_version: Mapped[str] = mapped_column(String(100))
    score: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    category: Mapped[str | None] = mapped_column(String(40))
    explanation: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    scored_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("post_id", "post_version", "model_version"),
        Index(None, "flagged"),
        Index(None, "post_id", "id"),  # a post's newest score: one probe, no window function
    )


class Review(Base):
    """One review-queue item per flagged post; `version` guards against stale decisions."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(32), default="pending")
    priority: Mapped[float] = mapped_column(Float)  # the flagging score, for "highest first"
    category: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Copies of the post's filter fields and its newest score's category (migration 0011), so
    # the queue filters and the dashboard read review rows only; storage/review_columns.py keeps
    # them in step with every write that changes them.
    platform: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(Id)
    region: Mapped[str | None] = mapped_column(String(200))
    posted_at: Mapped[datetime | None]
    author_id: Mapped[int | None] = mapped_column(Id)
    predicted_category: Mapped[str | None] = mapped_column(String(40))
    __table_args__ = (
        Index(None, "status", "decided_at"),
        Index(None, "status", "posted_at"),
        Index(None, "status", "created_at"),  # the dashboard's days and the queue's age
        Index(None, "status", "category"),  # confirmed per KASN category
        Index(None, "author_id", "status"),  # the dashboard's top authors, from the index alone
    )


# The queue's order (priority desc, id) walked from the index, so a page reads only its rows;
# one such index per filter, so a filtered page reads only its rows too.
Index("ix_reviews_status_priority_desc_id", Review.status, Review.priority.desc(), Review.id)
Index("ix_reviews_priority_desc_id", Review.priority.desc(), Review.id)
for _column in (Review.platform, Review.source_id, Review.region, Review.predicted_category):
    Index(f"ix_reviews_status_{_column.key}_priority_desc_id", Review.status, _column,
          Review.priority.desc(), Review.id)


class ReviewDecision(Base):
    """Every decision ever recorded, never edited: who decided what, when, from which state."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    previous_status: Mapped[str] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]
    review_version: Mapped[int] = mapped_column(Integer)


class AuditEntry(Base):
    """Hash-chained log: each entry's hash covers its content and the previous hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(200))
    details: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)



class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class SourceRun(Base):
    """One run of a source (a scrape) or one import: when, what it counted, why items failed.

    Written at the start (status `running`) and completed at the end, so a run killed midway
    stays on record. The counts reconcile: fetched = new + updated + unchanged + duplicates +
    rejected."""

    __tablename__ = "source_runs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    source_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # scrape | import
    actor: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # running | ok | failed
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    fetched: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    __table_args__ = (Index(None, "source_id", "started_at"),)


# --- Web app: sessions, login attempts, holds, preferences, confidential reports (0005) ---
__all__ += ["WebSession", "LoginAttempt", "ReviewHold", "UserPreference", "ConfidentialReport"]


class WebSession(Base):
    """A server-side login: the cookie carries a random token, the database only its sha256."""

    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))


class LoginAttempt(Base):
    """Failed and successful logins, per user name and per client address, for the rate limit."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # user | addr
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (Index(None, "kind", "key", "at"),)


class ReviewHold(Base):
    """Who has a queue item open (for a few minutes), so two monitors don't work one post."""

    __tablename__ = "review_holds"
    review_id: Mapped[int] = mapped_column(
        ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    holder: Mapped[str] = mapped_column(String(100))
    taken_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class UserPreference(Base):
    __tablename__ = "user_preferences"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))


class ConfidentialReport(Base):
    """A report by a civil servant pressured to campaign (/lapor). Kept apart from posts; no
    address or user agent; the day received only; the follow-up code only as its sha256."""

    __tablename__ = "confidential_reports"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    received_on: Mapped[datetime]
    instructed_by: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[str] = mapped_column(Text, default="")
    occurred: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(Text, default="")
    what: Mapped[str] = mapped_column(Text)
    links: Mapped[str] = mapped_column(Text, default="")
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(100))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="received")
    status_note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime]


class PageCapture(Base):
    """A flagged post's page as a person saw it (screenshot and PDF, stored as its snapshots):
    one row per post, so a capture is made once, and a failing one is retried with backoff."""

    __tablename__ = "page_captures"
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # captured | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class ExportJob(Base):
    """An export asked for in the web app, built in the background; its file lives under
    PANTAU_HOME/exports and only its owner (or a lead/admin) may download it."""

    __tablename__ = "export_jobs"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(16))
    filter: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16))  # queued | running | done | failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    file_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

# --- Cases: confirmed findings gathered per terlapor, and their follow-up (0007) ---
__all__ += ["Case", "CaseItem", "CaseStep", "CASE_STEPS", "CASE_STATUSES"]



class Case(Base):
    """One terlapor's confirmed findings; `known_at` (the first confirmation) starts the
    7-day clock for registering the finding with Bawaslu."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("authors.id"))
    region: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime]
    known_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    __table_args__ = (Index(None, "author_id", "status"), Index(None, "status"))


class CaseItem(Base):
    """A confirmed review item in a case; an item belongs to at most one case."""

    __tablename__ = "case_items"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"),
                                           unique=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime]


class CaseStep(Base):
    """One follow-up step, never edited: what happened on which day (`happened_on`, as the
    lead says), who recorded it and when."""

    __tablename__ = "case_steps"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(16))
    happened_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("case_id", "step"),)
# --- The model registry shared by every node (0009) ---
__all__ += ["ModelVersion", "ModelActivation"]


class ModelVersion(Base):
    """One trained model: its skops bytes (checked against sha256 and a type allow-list when
    loaded), what it was trained on (fingerprint, composition) and how it measured."""

    __tablename__ = "model_versions"
    version: Mapped[str] = mapped_column(String(100), primary_key=True)
    artifact: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[float] = mapped_column(Float)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    composition: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    text_fingerprints: Mapped[list[Any]] = mapped_column(JSON, default=list)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report_html: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="trained")  # shipped | file | trained
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class ModelActivation(Base):
    """The active-model pointer and its history: the newest row names the active version.
    Each promotion or rollback adds a row; the node that claims it re-scores posts."""

    __tablename__ = "model_activations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    version: Mapped[str] = mapped_column(ForeignKey("model_versions.version"))
    previous: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))  # import | promote | rollback
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]
    rescore_by: Mapped[str | None] = mapped_column(String(200))
    rescore_started_at: Mapped[datetime | None]
    rescore_done_at: Mapped[datetime | None]
    rescored: Mapped[int] = mapped_column(Integer, default=0)
# --- Near-duplicate groups and the data team's labels (0010) ---
__all__ += ["PostBand", "Label"]


class PostBand(Base):
    """One MinHash LSH band key of a post's text (storage/fingerprints.py)."""

    __tablename__ = "post_bands"
    band: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True)


class Label(Base):
    """A label given by the data team, apart from monitors' decisions. A relabel inserts a new
    row and clears `current` on the old one, so every earlier label stays on record."""

    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    label: Mapped[int] = mapped_column(SmallInteger)
    category: Mapped[str | None] = mapped_column(String(40))
    hard_case: Mapped[str | None] = mapped_column(String(40))
    sampled_as: Mapped[str] = mapped_column(String(16))  # uncertain | random | chosen
    labeled_by: Mapped[str] = mapped_column(String(200))
    labeled_at: Mapped[datetime]
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (Index(None, "post_id", "current"),)
