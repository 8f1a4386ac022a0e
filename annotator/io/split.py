"""Deterministic train/dev/test splits by article content.

An article goes to a split by a hash of its content hash and the seed, so:

- copies of one text (same content hash) always land in the same split, by construction;
- the same seed gives the same split on every machine and every run;
- an article keeps its split when the dataset grows (no dev article leaks into a later
  train set), which an exact shuffle-and-cut cannot promise. The price: the proportions are
  approximate on small datasets (a 10 % dev split of 20 articles may hold 1 or 4).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Iterator, Sequence

from annotator.core.text import content_hash
from annotator.io.export_common import AnnotatedDoc, Item

SPLIT_NAMES = ("train", "dev", "test")
_SCALE = float(1 << 64)


def parse_ratios(text: str) -> list[tuple[str, float]]:
    """``"0.8,0.1,0.1"`` -> [("train", .8), ("dev", .1), ("test", .1)]; ValueError if invalid."""
    parts = [p.strip() for p in text.split(",")]
    try:
        ratios = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"--split {text!r}: expected numbers like 0.8,0.1,0.1") from None
    if not 2 <= len(ratios) <= len(SPLIT_NAMES):
        raise ValueError(f"--split {text!r}: give 2 (train,dev) or 3 (train,dev,test) ratios")
    if any(not math.isfinite(r) or r < 0 for r in ratios):
        raise ValueError(f"--split {text!r}: ratios must be finite and not negative")
    if not math.isclose(sum(ratios), 1.0, abs_tol=1e-6):
        raise ValueError(
            f"--split {text!r}: ratios must add up to 1 (they add up to {sum(ratios):g})"
        )
    return list(zip(SPLIT_NAMES, ratios))


def position(text_hash: str, seed: int) -> float:
    """A uniform number in [0, 1) fixed by the content hash and the seed."""
    digest = hashlib.sha256(f"{seed}\0{text_hash}".encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


def split_of(text_hash: str, ratios: Sequence[tuple[str, float]], seed: int) -> str:
    x = position(text_hash, seed)
    edge = 0.0
    for name, ratio in ratios:
        edge += ratio
        if x < edge:
            return name
    # rounding can leave the top sliver uncovered: give it to the last non-empty split
    return next(name for name, ratio in reversed(ratios) if ratio > 0)


def assign(
    docs: Iterable[AnnotatedDoc], ratios: Sequence[tuple[str, float]] | None, seed: int = 0
) -> Iterator[Item]:
    """Tag each document with its split ("" when ``ratios`` is None)."""
    for doc in docs:
        if ratios is None:
            yield "", doc
        else:
            art = doc.article
            key = art.content_hash or content_hash(art.text)
            yield split_of(key, ratios, seed), doc
