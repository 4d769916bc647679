"""Lines of a long post that carry a campaign signal of their own (fourteenth round, issue 13).

An l2-normalised bag of words dilutes one campaign line in a long post: "… Jgn lupa 27 Nov
coblos no 2 ☝" after four sentences about a school scores like the school post. Reading every
sentence alone (rounds 12 and 13) lost the frame around it: reminders and an ASN's neutral
sentences read as campaigning. Here only a line with a *hard* electoral signal of its own — a
pair number, a hand sign, the election day — is read alone, and none in a post that speaks of
the neutrality rules (a reminder lists exactly those acts). When the campaign model gives
such a line a P(campaign) of at least the model's `line_min` and the whole post less, the
post's P(campaign) is raised to the line's (model.Model.line_campaign); it is never lowered.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np

from classifier.features import Prepared

__all__ = ["FRAME", "HARD_SIGNALS", "signal_lines"]

# A line ends at a line break or after . ! ? followed by space.
_BREAK = re.compile(r"\s*\n\s*|(?<=[.!?])\s+")
# Marks (marks.py) that are electoral on their own, in any frame but the rules'.
HARD_SIGNALS = frozenset({"_pairnum_", "_handsign_", "_elecday_"})
# Prepared tokens (lower case, slang expanded) of the neutrality frame: a post with any of them
# is about the rules, and the acts it lists are not its own.
FRAME = frozenset({
    "netral", "netralitas", "dilarang", "larangan", "melarang", "sanksi", "bawaslu", "kasn",
    "bkn", "pakta", "berakhlak", "aturan", "peraturan", "melanggar", "pelanggaran",
    "_negcamp_", "hukuman", "disiplin", "imbauan", "himbauan", "edaran"})
MIN_LINE_TOKENS = 3


def signal_lines(posts: Sequence[Prepared],
                 signals: frozenset[str] = HARD_SIGNALS) -> tuple[list[Prepared], np.ndarray]:
    """The lines with a hard signal (`signals`) of those `posts` that have two lines or more
    and no word of the neutrality frame, with the index in `posts` each line belongs to."""
    lines: list[Prepared] = []
    owner: list[int] = []
    for index, post in enumerate(posts):
        if signals.isdisjoint(post.tokens) or not FRAME.isdisjoint(post.tokens):
            continue
        ends = [m.start() for m in _BREAK.finditer(post.source)]
        if not ends:
            continue
        parts: dict[int, tuple[list[str], list[tuple[int, int]]]] = {}
        for token, span in zip(post.tokens, post.spans, strict=True):
            toks, spans = parts.setdefault(bisect_right(ends, span[0]), ([], []))
            toks.append(token)
            spans.append(span)
        if len(parts) < 2:
            continue
        for toks, spans in parts.values():
            if len(toks) >= MIN_LINE_TOKENS and not signals.isdisjoint(toks):
                lines.append(Prepared(post.source, tuple(toks), tuple(spans)))
                owner.append(index)
    return lines, np.array(owner, dtype=int)
