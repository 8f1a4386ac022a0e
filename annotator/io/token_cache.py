"""The tokenizer's tokens of each article, kept once per (text, tokenizer version).

The JSONL and CoNLL exports need spaCy's tokens of every article; running the tokenizer on
every export cost more than all the rest of the export. The tokens are stored as numbers
(:class:`Tokens`: start and end offsets and two flags per token, ``array('i')`` / bytes) in
a **sidecar database** beside the project (``project.db`` → ``project.db.tokens``), filled
the first time an article is exported and read by every later export.

Why a sidecar, not a table in the project: the tokens are derived data, never gold. The
project file stays what its backups, merges, audits and migrations know; deleting the
sidecar (or copying a project without it) only makes the next export tokenize again; the
export writes it without taking the project's write lock (the window keeps saving while a
big export runs); and the cache can change its layout without a project migration.

Key: the article's ``content_hash`` (SHA-256 of its text: same hash, same text) and the
tokenizer's version: spaCy's version, the language, and a hash of the tokenizer's settings
(``Tokenizer.to_bytes``: its rules, special cases and affix patterns). Another spaCy or
other tokenizer rules make other keys: stale tokens are never read, only left unused. Each
read is also checked against the text (the tokens must cover it exactly) and recomputed
when it does not fit. A sidecar that cannot be opened or written (read-only folder, disk
full, locked too long) only costs speed: the export tokenizes as before.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spacy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SPACY

from annotator.io.tokens import blank

SUFFIX = ".tokens"
FORMAT = 2  # layout of the stored arrays
SPACE, PUNCT, TRAILING = 1, 2, 4  # flag bits: whitespace, punctuation, a space after it
LOOKUP = 500  # hashes per SELECT
_OPEN: dict[tuple[int, Path], sqlite3.Connection] = {}  # (process, sidecar) -> connection


@dataclass(frozen=True)
class Tokens:
    """One text's tokens as numbers: the tokenizer's ``Doc`` without the ``Doc``."""

    starts: list[int]
    ends: list[int]
    flags: bytes  # SPACE | PUNCT per token

    @classmethod
    def of(cls, doc: spacy.tokens.Doc) -> Tokens:
        if not len(doc):
            return cls([], [], b"")
        rows = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT, SPACY]).tolist()
        return cls(
            [r[0] for r in rows],
            [r[0] + r[1] for r in rows],
            bytes([r[2] * SPACE | r[3] * PUNCT | r[4] * TRAILING for r in rows]),
        )

    def spaces(self) -> list[int]:
        """1 where a token is followed by its one trailing space (spaCy's ``whitespace_``)."""
        return [f >> 2 for f in self.flags]

    def fits(self, text: str) -> bool:
        """True when these tokens can be the tokenizer's cut of ``text``."""
        if not self.starts:
            return not text
        gap = len(text) - self.ends[-1]
        return self.starts[0] == 0 and (gap == 0 or (gap == 1 and text[-1] == " "))

    def to_row(self) -> tuple[bytes, bytes, bytes]:
        return array("i", self.starts).tobytes(), array("i", self.ends).tobytes(), self.flags

    @classmethod
    def from_row(cls, starts: bytes, ends: bytes, flags: bytes) -> Tokens:
        a, b = array("i"), array("i")
        a.frombytes(starts)
        b.frombytes(ends)
        return cls(a.tolist(), b.tolist(), bytes(flags))


@cache
def tokenizer_version(lang: str) -> str:
    """The cache key's tokenizer part for ``lang``: what makes the same text cut the same."""
    nlp = blank(lang)
    settings = hashlib.sha256(nlp.tokenizer.to_bytes(exclude=["vocab"])).hexdigest()[:16]
    return f"{FORMAT}:{spacy.__version__}:{nlp.lang}:{settings}"


def sidecar_path(project: Path | None) -> Path | None:
    """Where the cache of the project at ``project`` lives (None: an in-memory project)."""
    return None if project is None else Path(project).with_name(Path(project).name + SUFFIX)


class TokenCache:
    """Tokens per (text, tokenizer version), read and filled in batches.

    ``path`` None keeps nothing (every call tokenizes). One connection per process (the
    exports fork workers; a connection never crosses a fork)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self.hits = 0
        self.misses = 0

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"])  # type: ignore[misc, arg-type]

    def tokens(self, texts: Sequence[tuple[str, str, str]]) -> list[Tokens]:
        """The tokens of each ``(content_hash, lang, text)``, in order."""
        found = self._read(texts)
        missing = [i for i, t in enumerate(found) if t is None]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            by_lang: dict[str, list[int]] = {}
            for i in missing:
                by_lang.setdefault(texts[i][1], []).append(i)
            for lang, index in by_lang.items():
                docs = blank(lang).tokenizer.pipe((texts[i][2] for i in index), batch_size=1000)
                for i, doc in zip(index, docs):
                    found[i] = Tokens.of(doc)
            self._write([(texts[i], found[i]) for i in missing])  # type: ignore[misc]
        return found  # type: ignore[return-value]

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        # a worker gets a copy of this cache with every chunk: one connection per process
        opened = _OPEN.get((os.getpid(), self.path))
        if opened is not None:
            self._conn, self._pid = opened, os.getpid()
            return opened
        try:
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache: a power cut may lose the end
            conn.execute(
                "CREATE TABLE IF NOT EXISTS tokens (content_hash TEXT, tokenizer TEXT, "
                "starts BLOB, ends BLOB, flags BLOB, PRIMARY KEY (content_hash, tokenizer)) "
                "WITHOUT ROWID"
            )
        except sqlite3.Error:
            self.path = None  # cannot keep a cache here: tokenize every time
            return None
        self._conn, self._pid = conn, os.getpid()
        _OPEN[(self._pid, self.path)] = conn
        return conn

    def _read(self, texts: Sequence[tuple[str, str, str]]) -> list[Tokens | None]:
        found: list[Tokens | None] = [None] * len(texts)
        conn = self._connect()
        if conn is None:
            return found
        wanted: dict[str, dict[str, list[int]]] = {}  # tokenizer -> hash -> indexes
        for i, (h, lang, _) in enumerate(texts):
            wanted.setdefault(tokenizer_version(lang), {}).setdefault(h, []).append(i)
        try:
            for version, where in wanted.items():
                hashes = list(where)
                for k in range(0, len(hashes), LOOKUP):
                    part = hashes[k : k + LOOKUP]
                    sql = (
                        "SELECT content_hash, starts, ends, flags FROM tokens WHERE tokenizer = ? "
                        f"AND content_hash IN ({','.join('?' * len(part))})"
                    )
                    for h, *row in conn.execute(sql, [version, *part]):
                        tokens = Tokens.from_row(*row)
                        for i in where[h]:
                            if tokens.fits(texts[i][2]):
                                found[i] = tokens
        except sqlite3.Error:
            return [None] * len(texts)
        return found

    def _write(self, new: list[tuple[tuple[str, str, str], Tokens]]) -> None:
        conn = self._connect()
        if conn is None:
            return
        rows = [(h, tokenizer_version(lang), *t.to_row()) for (h, lang, _), t in new]
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO tokens VALUES (?,?,?,?,?)", rows)
        except sqlite3.Error:
            pass  # not kept this time: the next export tokenizes these again

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            _OPEN.pop((self._pid, self.path), None)
            self._conn.close()
        self._conn = None
