"""The seed training corpus shipped with Pantau (classifier/seed/*.jsonl) and its checks.

The corpus is hand-written following ../shared/docs/labeling-guide.md; these checks keep it
honest: interchange-valid, labeled by the guide's rules, and not stamped from templates.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.records import CATEGORIES, HARD_CASES, PLATFORMS, PostRecord, record_from_dict

__all__ = [
    "SEED_DIR",
    "CorpusProblem",
    "check_record",
    "iter_seed_records",
    "load_seed_corpus",
    "near_duplicate_ids",
    "word_set",
]

SEED_DIR = Path(__file__).parent / "seed"
NEAR_DUPLICATE_JACCARD = 0.6
_WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CorpusProblem:
    path: str
    line: int
    reason: str


def iter_seed_records(seed_dir: Path = SEED_DIR) -> Iterator[tuple[Path, int, dict[str, object]]]:
    for path in sorted(seed_dir.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                yield path, number, json.loads(line)


def load_seed_corpus(seed_dir: Path = SEED_DIR) -> list[PostRecord]:
    return [record_from_dict(raw) for _, _, raw in iter_seed_records(seed_dir)]


def check_record(raw: dict[str, object]) -> list[str]:
    """Labeling-guide §7 rules for one labeled record; empty list when it is fine."""
    problems = []
    try:
        record = record_from_dict(raw)
    except ValueError as exc:
        return [str(exc)]
    if record.platform not in PLATFORMS:
        problems.append(f"platform {record.platform!r} not in the guide's list")
    author = raw.get("author")
    if not isinstance(author, dict) or not all(k in author for k in ("handle", "name", "bio")):
        problems.append("author must have handle, name and bio keys")
    if not (record.url or "").startswith("https://"):
        problems.append("url must be an https link")
    if record.label == 1:
        if record.category not in CATEGORIES or record.hard_case is not None:
            problems.append("a positive needs a valid category and no hard_case")
    elif record.label == 0:
        if record.hard_case not in HARD_CASES or record.category is not None:
            problems.append("a negative needs a valid hard_case and no category")
    else:
        problems.append("label must be 0 or 1")
    if record.posted_at is None or "+" not in str(raw.get("posted_at", ""))[10:]:
        problems.append("posted_at must be ISO 8601 with an offset")
    return problems


def word_set(text: str) -> frozenset[str]:
    return frozenset(_WORD_RE.findall(text.lower()))


def near_duplicate_ids(texts: Iterable[str], threshold: float = NEAR_DUPLICATE_JACCARD) -> set[int]:
    """Indexes of texts whose word set has Jaccard ≥ threshold with some other text.

    An inverted index over words keeps this near-linear for a corpus of a few thousand.
    """
    sets = [word_set(t) for t in texts]
    index: dict[str, list[int]] = {}
    for i, words in enumerate(sets):
        for word in words:
            index.setdefault(word, []).append(i)
    flagged: set[int] = set()
    for i, words in enumerate(sets):
        overlap: Counter[int] = Counter()
        for word in words:
            overlap.update(j for j in index[word] if j != i)
        for j, shared in overlap.items():
            union = len(words) + len(sets[j]) - shared
            if union and shared / union >= threshold:
                flagged.add(i)
                break
    return flagged


def _report(seed_dir: Path) -> int:
    rows = list(iter_seed_records(seed_dir))
    problems = [(p.name, n, msg) for p, n, raw in rows for msg in check_record(raw)]
    ids = Counter((raw.get("platform"), str(raw.get("external_id"))) for _, _, raw in rows)
    problems += [("*", 0, f"duplicate id {key}") for key, count in ids.items() if count > 1]
    texts = [str(raw.get("text", "")) for _, _, raw in rows]
    dups = near_duplicate_ids(texts)
    for name, number, message in problems:
        print(f"{name}:{number}: {message}")
    labels = Counter(
        (raw.get("label"), raw.get("category") or raw.get("hard_case")) for _, _, raw in rows
    )
    for key, count in sorted(labels.items(), key=str):
        print(f"{key}: {count}")
    by_file = Counter(rows[i][0].name for i in dups)
    print(f"records: {len(rows)}; near-duplicates: {len(dups)} "
          f"({100 * len(dups) / max(len(rows), 1):.1f} %) by file: {dict(by_file)}")
    for i in sorted(dups)[:40]:
        print(f"  near-dup {rows[i][0].name}:{rows[i][1]}: {texts[i][:90]!r}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(_report(Path(sys.argv[1]) if len(sys.argv) > 1 else SEED_DIR))
