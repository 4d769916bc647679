"""The feature layout: which blocks each sub-model reads, in which order, at which columns.

Scoring (model.py), training (train.py) and explanations (explain.py) all take their column
offsets from here, so a change of blocks cannot leave one of them reading the wrong weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import scipy.sparse as sp

__all__ = ["ASN_BLOCKS", "CAMPAIGN_BLOCKS", "FeatureLayout"]

# P(author is ASN) reads the author fields, the text words and both cue blocks;
# P(campaign content) reads only the text.
ASN_BLOCKS = ("author_word", "author_char", "text_word", "text_cues", "author_cues")
CAMPAIGN_BLOCKS = ("text_word", "text_char", "text_cues")


@dataclass(frozen=True)
class FeatureLayout:
    """Block widths of one fitted model and the block order of each sub-model's matrix."""

    widths: dict[str, int]
    asn: tuple[str, ...]
    campaign: tuple[str, ...]

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> FeatureLayout:
        widths = {key: len(state[key].vocabulary_) for key in
                  ("text_word", "text_char", "author_word", "author_char")
                  if state.get(key) is not None}
        widths["text_cues"] = len(state["text_cues"])
        widths["author_cues"] = len(state["author_cues"])
        campaign = tuple(b for b in CAMPAIGN_BLOCKS if b in widths
                         and (b != "text_cues" or state.get("campaign_cues", True)))
        return cls(widths, ASN_BLOCKS, campaign)

    def blocks_of(self, matrix: str) -> tuple[str, ...]:
        return self.asn if matrix == "asn" else self.campaign

    def columns(self, matrix: str, block: str) -> slice:
        """The columns of `block` inside the `matrix` ("asn" or "campaign") sub-model."""
        start = 0
        for name in self.blocks_of(matrix):
            if name == block:
                return slice(start, start + self.widths[name])
            start += self.widths[name]
        raise KeyError(f"block {block!r} is not in the {matrix} matrix")

    def stack(self, blocks: Mapping[str, sp.csr_matrix], matrix: str) -> sp.csr_matrix:
        """The sub-model's input: its blocks side by side, in layout order."""
        return sp.hstack([blocks[name] for name in self.blocks_of(matrix)], format="csr")
