"""Near-duplicate fingerprints of post texts: MinHash signatures cut into LSH bands.

Forwards, reposts and copy-paste campaign messages differ from their original by a link, a
mention, a greeting or a word. Texts are normalised (lower case, URLs and @mentions dropped,
punctuation and spacing collapsed) and cut into character 5-gram shingles; two texts are near
duplicates when the Jaccard similarity of their shingle sets is at least `NEAR_JACCARD`.

MinHash (datasketch) estimates that similarity from `NUM_PERM` hash minima; cutting the
signature into `BANDS` bands of `ROWS` rows (locality-sensitive hashing) makes two texts share
at least one band key with probability 1 - (1 - J^ROWS)^BANDS: 0.99 at J = 0.6, above 0.9999
at J = 0.8, 0.42 at J = 0.3. Band keys are stored and looked up in the database, so a new post
meets its candidates through an index; each candidate is then checked on the exact Jaccard of
the shingle sets, so a chance band collision never joins two unrelated texts.

Pure: no database here (storage/near_duplicates.py stores and queries the keys).
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import methodcaller
from typing import Any

__all__ = ["NUM_PERM", "BANDS", "ROWS", "SHINGLE", "NEAR_JACCARD", "Fingerprint",
           "normalise", "shingles", "fingerprint", "fingerprints", "jaccard", "near_duplicates"]

BANDS, ROWS = 20, 3
NUM_PERM = BANDS * ROWS
SHINGLE = 5
NEAR_JACCARD = 0.6
_SEED = 20241127  # fixed: band keys must be comparable across processes and releases

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION = re.compile(r"(?<!\w)@[\w.]+")
_NOISE = re.compile(r"[^\w#]+")


def normalise(text: str) -> str:
    """What stays the same when a message is forwarded: words and hashtags, lower case."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _MENTION.sub(" ", _URL.sub(" ", text))
    return " ".join(_NOISE.sub(" ", text).replace("_", " ").split())


def shingles(text: str) -> frozenset[str]:
    """Character 5-grams of the normalised text (the whole text if shorter; none if empty)."""
    norm = normalise(text)
    if len(norm) <= SHINGLE:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i:i + SHINGLE] for i in range(len(norm) - SHINGLE + 1))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def near_duplicates(a: frozenset[str], b: frozenset[str]) -> bool:
    return jaccard(a, b) >= NEAR_JACCARD


@dataclass(frozen=True, slots=True)
class Fingerprint:
    shingles: frozenset[str]
    bands: tuple[int, ...]  # one signed 63-bit key per band (empty for an empty text)


@cache
def _template() -> Any:
    from datasketch import MinHash  # imported on first use: it loads scipy

    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=_hash32)


def _hash32(data: bytes) -> int:
    """The shingle's 32-bit hash: CRC-32 (C speed; MinHash's random affine permutations on top
    supply the independence between the NUM_PERM minima). `fingerprints` calls zlib.crc32
    itself, for speed: change both together."""
    return zlib.crc32(data)


def _band_keys(hashvalues: Sequence[int]) -> tuple[int, ...]:
    keys = []
    for band in range(BANDS):
        rows = hashvalues[band * ROWS:(band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<H{ROWS}I", band, *rows), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True) >> 1)  # fits BIGINT
    return tuple(keys)


def fingerprint(text: str) -> Fingerprint:
    found = shingles(text)
    if not found:
        return Fingerprint(found, ())
    minhash = _template().copy()
    minhash.update_batch([s.encode("utf-8", "surrogatepass") for s in found])
    return Fingerprint(found, _band_keys([int(v) for v in minhash.hashvalues]))


_ENCODE = methodcaller("encode", "utf-8", "surrogatepass")
_CHUNK_SHINGLES = 8_000  # shingles per numpy pass: the (shingles × NUM_PERM) array stays in cache


def fingerprints(texts: Sequence[str]) -> list[Fingerprint]:
    """`fingerprint` of each text, the same band keys, computed for the whole batch in a few
    numpy passes: a MinHash object per post (and its Python overhead) was most of the cost of
    storing a post. Falls back to one by one if datasketch's permutation scheme is not the one
    reproduced here."""
    template = _template()
    try:
        from datasketch import minhash as dm  # the scheme's own mixing function and widths

        width = dm._SCHEME_WIDTHS[template.scheme]
        mix = dm._fmix
    except (ImportError, AttributeError, KeyError):
        return [fingerprint(t) for t in texts]
    import numpy as np

    found = [shingles(t) for t in texts]
    a, b = template.permutations
    dtype = template.hashvalues.dtype
    out: list[Fingerprint] = []
    start = 0
    while start < len(found):
        end, size = start, 0
        while end < len(found) and (end == start or size + len(found[end]) <= _CHUNK_SHINGLES):
            size += len(found[end])
            end += 1
        part = found[start:end]
        full = [s for s in part if s]
        minima: list[list[int]] = []
        if full:
            every = chain.from_iterable(full)  # C-level maps: the same _hash32 of each shingle
            hv = np.fromiter(map(zlib.crc32, map(_ENCODE, every)), dtype=dtype,
                             count=sum(map(len, full)))
            phv = np.multiply(mix(hv, width).reshape(-1, 1), a)
            phv += b  # in place: wraps modulo 2**width exactly as datasketch's `hv * a + b`
            offsets = np.cumsum([0] + [len(s) for s in full[:-1]])
            minima = np.minimum(template.hashvalues, np.minimum.reduceat(phv, offsets, axis=0)).tolist()
        rows = iter(minima)
        out.extend(Fingerprint(s, _band_keys(next(rows))) if s else Fingerprint(s, ())
                   for s in part)
        start = end
    return out
