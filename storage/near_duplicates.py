"""Near-duplicate groups of posts: assigned as posts are stored, queried by the web pages.

A post joins the group of every stored post it is a near duplicate of (storage/fingerprints.py:
LSH band keys meet the candidates through the `post_bands` primary key, the exact shingle
Jaccard confirms them); a post that bridges two groups merges them. A group's id is the id of
its first post, and a post with no near duplicate keeps `dup_group` NULL, so the index on
`dup_group` holds only grouped posts and the group queries below read only those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import BigInteger, Table, any_, bindparam, delete, distinct, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from storage.fingerprints import Fingerprint, fingerprints, near_duplicates, shingles
from storage.models import AuthorRow, Post, PostBand, Review
from storage.posts import public_handle

__all__ = ["CANDIDATES_PER_POST", "GroupPost", "SameText", "FlaggedGroup", "assign_groups",
           "group_of", "same_text", "largest_flagged_groups", "ungrouped_posts"]

BANDS_TABLE = cast(Table, PostBand.__table__)
POSTS_TABLE = cast(Table, Post.__table__)
CANDIDATES_PER_POST = 8  # stored posts checked per new post, those sharing the most bands first
_CHUNK = 900


def _find(parent: dict[int, int], group: int) -> int:
    while parent.get(group, group) != group:
        group = parent[group]
    return group


def _candidates(session: Session, bands: set[int]) -> dict[int, list[int]]:
    """band key → stored post ids holding it."""
    found: dict[int, list[int]] = {}
    keys = sorted(bands)
    conn = session.connection()
    # Plain DB-API: thousands of integer keys per batch, no ORM rows to build for them; on
    # PostgreSQL one array parameter (a statement psycopg parses once, not per batch).
    queries: list[tuple[str, tuple[object, ...]]]
    if conn.dialect.name == "postgresql":
        queries = [("SELECT band, post_id FROM post_bands WHERE band = ANY(%s::bigint[])", (keys,))]
    else:
        queries = [(f"SELECT band, post_id FROM post_bands WHERE band IN ({', '.join('?' * len(part))})",
                    tuple(part)) for part in (keys[i:i + _CHUNK] for i in range(0, len(keys), _CHUNK))]
    for sql, params in queries:
        for band, post_id in conn.exec_driver_sql(sql, params):
            found.setdefault(band, []).append(post_id)
    return found


def _texts(session: Session, ids: list[int]) -> list[tuple[int, str, int | None]]:
    """(id, text, dup_group) of these posts: one array parameter on PostgreSQL, chunks of IN."""
    if session.get_bind().dialect.name == "postgresql":
        wanted = Post.id == any_(bindparam("ids", ids, type_=postgresql.ARRAY(BigInteger)))
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(Post.id, Post.text, Post.dup_group).where(wanted))]
    return [tuple(row) for start in range(0, len(ids), _CHUNK)  # type: ignore[misc]
            for row in session.execute(select(Post.id, Post.text, Post.dup_group).where(
                Post.id.in_(ids[start:start + _CHUNK])))]


def assign_groups(session: Session, posts: Sequence[tuple[int, str]], *,
                  replace: Sequence[int] = ()) -> dict[int, int | None]:
    """Group `posts` (id, text) among the stored posts and each other; returns id → group.

    `replace`: ids among them whose text changed, whose old band keys are dropped first.
    Cost per post: one fingerprint, a share of a few indexed look-ups per batch, and the exact
    check of at most CANDIDATES_PER_POST texts."""
    if replace:
        ids = sorted(replace)
        session.execute(delete(PostBand).where(PostBand.post_id.in_(ids)))
        session.execute(update(Post).where(Post.id.in_(ids)).values(dup_group=None))
    posts = sorted(posts)
    prints = dict(zip((p for p, _ in posts), fingerprints([t for _, t in posts]), strict=True))
    stored = _candidates(session, {b for p in prints.values() for b in p.bands})
    batch_ids = set(prints)
    wanted: dict[int, list[int]] = {}
    for post_id, fp in prints.items():
        shared: dict[int, int] = {}
        for band in fp.bands:
            for other in stored.get(band, ()):
                if other != post_id and other not in batch_ids:
                    shared[other] = shared.get(other, 0) + 1
        wanted[post_id] = sorted(shared, key=lambda o: (-shared[o], o))[:CANDIDATES_PER_POST]
    known: dict[int, tuple[frozenset[str], int | None]] = {}
    ids = sorted({o for found in wanted.values() for o in found})
    for other, text, group in _texts(session, ids):
        known[other] = (shingles(text), group)
    parent: dict[int, int] = {}
    assigned: dict[int, int | None] = {}
    joined: set[int] = set()  # singletons that gain a group
    in_batch: dict[int, list[tuple[int, Fingerprint]]] = {}

    def join(a: int, b: int) -> None:
        ra, rb = _find(parent, a), _find(parent, b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for post_id, fp in prints.items():
        matches: list[int] = []
        for other in wanted[post_id]:
            found = known.get(other)
            if found is not None and near_duplicates(fp.shingles, found[0]):
                matches.append(found[1] if found[1] is not None else other)
                if found[1] is None:
                    joined.add(other)
        seen: set[int] = set()
        for band in fp.bands:
            for other, other_fp in in_batch.get(band, ()):
                if other not in seen and near_duplicates(fp.shingles, other_fp.shingles):
                    matches.append(assigned[other] or other)
                    if assigned[other] is None:
                        assigned[other] = other
                seen.add(other)
        assigned[post_id] = None
        for group in matches:
            join(post_id, group)
            assigned[post_id] = group
        # Each band keeps one post per group of this batch: a campaign's thousand copies in one
        # batch are compared with one earlier copy each, not with all of them.
        root = _find(parent, post_id)
        for band in fp.bands:
            posted = in_batch.setdefault(band, [])
            if not any(_find(parent, other) == root for other, _fp in posted):
                posted.append((post_id, fp))
    final: dict[int, int | None] = {}
    for post_id, group in assigned.items():
        final[post_id] = None if group is None else _find(parent, post_id)
    holders: dict[int, list[int]] = {}  # band → the groups of the stored posts holding it
    for band, owners in stored.items():
        for owner in owners:
            found = known.get(owner)
            if found is not None:
                holders.setdefault(band, []).append(_find(parent, found[1] or owner))
    _write(session, prints, final, joined, parent, holders)
    return final


def _write(session: Session, prints: dict[int, Fingerprint], final: dict[int, int | None],
           joined: set[int], parent: dict[int, int], holders: dict[int, list[int]]) -> None:
    """Band keys, merges, group ids. A grouped post stores only the band keys no post of its
    group holds yet: an exact copy stores none, so a campaign copied ten thousand times keeps
    its band keys' postings short (one post per group), and look-ups stay cheap."""
    rows = []
    for post_id, fp in prints.items():
        group = final[post_id]
        for band in sorted(set(fp.bands)):
            if group is None or group not in holders.get(band, ()):
                rows.append((band, post_id))
                if group is not None:
                    holders.setdefault(band, []).append(group)
    if rows:  # up to 20 a post: one plain executemany, no per-row parameter dicts
        conn = session.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(f"INSERT INTO post_bands (band, post_id) VALUES ({mark}, {mark})", rows)
    # Stored groups folded into a smaller one (a post bridged them), in id order.
    for group in sorted(g for g in parent if g not in prints and _find(parent, g) != g):
        session.execute(update(Post).where(Post.dup_group == group)
                        .values(dup_group=_find(parent, group)))
    changes = [{"pid": p, "grp": g} for p, g in final.items() if g is not None]
    changes += [{"pid": p, "grp": _find(parent, p)} for p in sorted(joined)]
    if changes:
        changes.sort(key=lambda row: row["pid"])
        session.execute(update(POSTS_TABLE).where(POSTS_TABLE.c.id == bindparam("pid"))
                        .values(dup_group=bindparam("grp")), changes)


def group_of(session: Session, post_id: int) -> int | None:
    return session.scalar(select(Post.dup_group).where(Post.id == post_id))


@dataclass(frozen=True, slots=True)
class GroupPost:
    post_id: int
    review_id: int | None
    platform: str
    handle: str
    url: str | None


@dataclass(frozen=True, slots=True)
class SameText:
    accounts: int            # distinct accounts that posted this text (this post's included)
    others: list[GroupPost]  # the other posts of the group, first posted first


def same_text(session: Session, post_id: int, limit: int = 20) -> SameText | None:
    """The post's near-duplicate group as the detail page shows it; None when it has none."""
    group = group_of(session, post_id)
    if group is None:
        return None
    accounts = session.scalar(select(func.count(distinct(Post.author_id)))
                              .where(Post.dup_group == group)) or 0
    rows = session.execute(
        select(Post.id, Review.id, Post.platform, AuthorRow.handle, Post.url)
        .outerjoin(Review, Review.post_id == Post.id)
        .outerjoin(AuthorRow, AuthorRow.id == Post.author_id)
        .where(Post.dup_group == group, Post.id != post_id).order_by(Post.id).limit(limit)).all()
    return SameText(accounts=max(accounts, 1), others=[
        GroupPost(p, r, platform, public_handle(handle or ""), url)
        for p, r, platform, handle, url in rows])


@dataclass(frozen=True, slots=True)
class FlaggedGroup:
    group: int
    accounts: int
    posts: int
    sample_text: str
    review_id: int


def largest_flagged_groups(session: Session, limit: int = 10) -> list[FlaggedGroup]:
    """Groups of flagged posts (those with a review item) by number of accounts, largest first.

    Reads grouped posts only (the partial population of `ix_posts_dup_group`), never the whole
    posts table."""
    accounts = func.count(distinct(Post.author_id))
    rows = session.execute(
        select(Post.dup_group, accounts, func.count(), func.min(Review.id))
        .join(Review, Review.post_id == Post.id)
        .where(Post.dup_group.is_not(None))
        .group_by(Post.dup_group).having(func.count() > 1)
        .order_by(accounts.desc(), func.count().desc(), Post.dup_group).limit(limit)).all()
    out = []
    for group, n_accounts, n_posts, review_id in rows:
        assert group is not None
        text = session.scalar(select(Post.text).join(Review, Review.post_id == Post.id)
                              .where(Review.id == review_id)) or ""
        out.append(FlaggedGroup(group, n_accounts, n_posts, text[:280], review_id))
    return out


def ungrouped_posts(session: Session, after_id: int, limit: int) -> list[tuple[int, str]]:
    """Posts after `after_id` in no group and with no band keys (stored before grouping
    existed, or with no text), id order."""
    has_bands = select(PostBand.post_id).where(PostBand.post_id == Post.id).exists()
    return [(i, t) for i, t in session.execute(
        select(Post.id, Post.text).where(Post.id > after_id, Post.dup_group.is_(None), ~has_bands)
        .order_by(Post.id).limit(limit))]
