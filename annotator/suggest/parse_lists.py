"""A parsed document as plain per-token lists (index = token), for the code that reads the
parse thousands of times per document: a spaCy ``Token`` made per access costs more than the
work done with it. Built once per document with ``Doc.to_array``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from spacy.attrs import (
    DEP,
    HEAD,
    IDX,
    IS_LOWER,
    IS_SPACE,
    LEMMA,
    LIKE_NUM,
    LOWER,
    ORTH,
    POS,
    SENT_START,
    SPACY,
    TAG,
)

PATH_LIMIT = 4  # longer dependency paths are only "long"

_NAMES: dict[int, Callable[[int], str]] = {}
_LOWERED: dict[int, str] = {}


def _names(strings) -> Callable[[int], str]:  # noqa: ANN001
    """The string of a hash (a symbol's or the vocabulary's), remembered per string store."""
    found = _NAMES.get(id(strings))
    if found is None:
        cache: dict[int, str] = {}

        def found(h: int) -> str:
            text = cache.get(h)
            if text is None:
                text = cache[h] = strings[h]
            return text

        _NAMES.clear()  # one string store at a time (one pipeline per process)
        _NAMES[id(strings)] = found
    return found


def _lowered(strings, h: int) -> str:  # noqa: ANN001
    text = _LOWERED.get(h)
    if text is None:
        text = _LOWERED[h] = strings[h].lower()
    return text


class Parse:
    """A document's parse as plain lists (index = token): what the features read, without a
    spaCy Token made per access (the features of a document read ~5,000 of them)."""

    def __init__(self, doc) -> None:  # noqa: ANN001
        attrs = [HEAD, DEP, LOWER, LEMMA, POS, ORTH, IDX, SENT_START, TAG, SPACY]
        cols = doc.to_array([*attrs, LIKE_NUM, IS_LOWER, IS_SPACE])  # uint64
        n = len(doc)
        relative = cols[:, 0].view("int64")  # HEAD: the head's offset from the token
        self.head = (relative + np.arange(n, dtype="int64")).tolist()
        strings = doc.vocab.strings
        name = _names(strings)
        lemmas = cols[:, 3].tolist()
        self.dep = [name(h) for h in cols[:, 1].tolist()]
        self.lower = [name(h) for h in cols[:, 2].tolist()]
        self.lemma = [_lowered(strings, h) for h in lemmas]
        self.lemma_ = [name(h) for h in lemmas]  # as the lemmatizer wrote it: Token.lemma_
        self.pos = [name(h) for h in cols[:, 4].tolist()]
        self.text = [name(h) for h in cols[:, 5].tolist()]
        self.idx = cols[:, 6].tolist()
        self.tag = [name(h) for h in cols[:, 8].tolist()]
        # SPACY (a space after the token), LIKE_NUM, IS_LOWER, IS_SPACE
        flags = cols[:, 9:13].astype(bool).T.tolist()
        self.space, self.like_num, self.is_lower, self.is_space = flags
        # token -> its sentence's (start, end), the sentences of Doc.sents: one starts at
        # every token whose SENT_START is 1 (Token.sent walks the parse each time)
        starts = [0, *(np.flatnonzero(cols[1:, 7].view("int64") == 1) + 1).tolist(), n]
        self.bounds: list[tuple[int, int]] = []
        for lo, hi in zip(starts, starts[1:]):
            self.bounds += [(lo, hi)] * (hi - lo)
        self._ups: dict[int, tuple[list[int], dict[int, int]]] = {}

    def path(self, a: int, b: int) -> tuple[list[int], int, list[int]]:
        """(tokens from a up to below the common ancestor, the ancestor, tokens from below
        it down to b)."""
        head = self.head
        up_a, where = self._up(a)
        chain_b = [b]
        cur = b
        while cur not in where:
            if head[cur] == cur:  # another sentence: no common ancestor
                return list(up_a), up_a[-1], chain_b[::-1]
            cur = head[cur]
            chain_b.append(cur)
        return up_a[: where[cur]], cur, chain_b[-2::-1]

    def _up(self, a: int) -> tuple[list[int], dict[int, int]]:
        """``a`` and its ancestors up to the root, and each one's place in that list (the
        same trigger is the start of every candidate's path: made once)."""
        found = self._ups.get(a)
        if found is None:
            head = self.head
            up_a = [a]
            cur = a
            while head[cur] != cur:
                cur = head[cur]
                up_a.append(cur)
            found = self._ups[a] = (up_a, {t: n for n, t in enumerate(up_a)})
        return found

    def length(self, a: int, b: int) -> int:
        up, _lca, down = self.path(a, b)
        return len(up) + len(down)

    def path_features(self, a: int, b: int) -> list[str]:
        """The dependency path a -> b: whole when short, else its two ends and the top."""
        if a == b:
            return ["path=self"]
        up, lca, down = self.path(a, b)
        dep, lower = self.dep, self.lower
        n = len(up) + len(down)
        up_deps = [dep[t] for t in up]
        down_words = [lower[t] if dep[t] in ("prep", "agent") else dep[t] for t in down]
        out = [
            f"up={min(len(up), 4)}",
            f"down={min(len(down), 4)}",
            f"tup={'^'.join(up_deps[:2])}",
            f"edown={'v'.join(down_words[-3:])}",
            f"top={self.pos[lca]}" + (f":{self.lemma[lca]}" if up and down else ":end"),
        ]
        if n > PATH_LIMIT:
            return [f"path=long{min(n, 8)}", *out]
        deps = "^".join(up_deps) + "|" + "v".join(dep[t] for t in down)
        top = self.lemma[lca] if up else "@"
        return [f"path={deps}", f"plex={'^'.join(up_deps)}|{top}|{'v'.join(down_words)}", *out]
