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

Fragments (renderings of the tokens, e.g. the JSONL export's ``"tokens"`` list: ~35 kB per
article, ten times the tokens) are not rows of the sidecar: their bytes are appended to a
file beside it (``project.db.tokens.fragments``) and the sidecar keeps where each one is
(offset, length) and a CRC over the tokens it was made from and its bytes. A first export
of 10,000 articles writes ~380 MB of them: through SQLite that was written twice (log, then
database) with the disk synced at each checkpoint, most of the first export's time; an
append is written once and needs no sync, because nothing trusts it unchecked — a fragment
is read whole, checked against its CRC, and rendered again when it fails (a power cut that
lost the file's end, a file deleted or replaced, two writers' bytes crossed). The file only
grows; when most of it is no longer referred to (another tokenizer version, fragments
rendered again) the next export that keeps fragments starts it afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sqlite3
import sys
import threading
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.io.tokens import FALLBACK_LANG, blank

if TYPE_CHECKING:  # spaCy is imported to tokenize: reading cached tokens needs none
    import spacy

SUFFIX = ".tokens"
FRAGMENTS = ".fragments"  # the fragments' bytes: project.db.tokens.fragments
# start the fragments file afresh when it is this large and at least half of it is no
# longer referred to
FRAGMENTS_RESTART = 64 << 20
FORMAT = 2  # layout of the stored arrays
SPACE, PUNCT, TRAILING = 1, 2, 4  # flag bits: whitespace, punctuation, a space after it
LOOKUP = 500  # hashes per SELECT
# the log file's size from which an export's parent checkpoints it (TokenCache.checkpoint);
# the connections' own automatic checkpoint is at 64 MB (16384 pages) of log
CHECKPOINT_BYTES = 32 << 20
# (process, thread, sidecar) -> connection: a connection is used by the thread that opened it
_OPEN: dict[tuple[int, int, Path], sqlite3.Connection] = {}
_FILES: dict[tuple[int, Path, int], int] = {}  # (process, fragments file, flags) -> fd


@dataclass(frozen=True)
class Tokens:
    """One text's tokens as numbers: the tokenizer's ``Doc`` without the ``Doc``.

    Tokens made by :meth:`of` or read by :meth:`from_row` also hold their stored row (the
    bytes :meth:`to_row` gives): a first export stores each text's tokens and a fragment's
    CRC over them, and made them twice more from the lists (``array('i', list)``, ~50 us a
    text)."""

    starts: list[int]
    ends: list[int]
    flags: bytes  # SPACE | PUNCT per token

    @classmethod
    def of(cls, doc: spacy.tokens.Doc) -> Tokens:
        from numpy import intc  # array('i')'s C int: the stored row's bytes
        from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SPACY

        if not len(doc):
            return cls([], [], b"")
        cols = doc.to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT, SPACY])
        starts = cols[:, 0].astype(intc)
        ends = starts + cols[:, 1].astype(intc)
        # numpy: per column
        flags = (cols[:, 2] * SPACE | cols[:, 3] * PUNCT | cols[:, 4] * TRAILING).astype("uint8")
        return cls._with_row(
            starts.tolist(), ends.tolist(), (starts.tobytes(), ends.tobytes(), flags.tobytes())
        )

    @classmethod
    def _with_row(cls, starts: list[int], ends: list[int], row: tuple[bytes, ...]) -> Tokens:
        tokens = cls(starts, ends, row[2])
        object.__setattr__(tokens, "_row", row)  # not a field: equality is the numbers'
        return tokens

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
        row = self.__dict__.get("_row")
        if row is not None:
            return row
        return array("i", self.starts).tobytes(), array("i", self.ends).tobytes(), self.flags

    @classmethod
    def from_row(cls, starts: bytes, ends: bytes, flags: bytes) -> Tokens:
        a, b = array("i"), array("i")
        a.frombytes(starts)
        b.frombytes(ends)
        return cls._with_row(a.tolist(), b.tolist(), (bytes(starts), bytes(ends), bytes(flags)))


@cache
def tokenizer_version(lang: str) -> str:
    """The cache key's tokenizer part for ``lang``: what makes the same text cut the same."""
    return version_of(blank(lang))


def version_of(nlp: spacy.language.Language) -> str:
    """:func:`tokenizer_version`'s value for the tokenizer of any pipeline ``nlp``: equal
    to ``tokenizer_version(lang)`` exactly when ``nlp`` cuts every text as the exports'
    tokenizer of ``lang`` does (same spaCy, language and tokenizer settings)."""
    import spacy

    settings = hashlib.sha256(nlp.tokenizer.to_bytes(exclude=["vocab"])).hexdigest()[:16]
    return f"{FORMAT}:{spacy.__version__}:{nlp.lang}:{settings}"


MEMO = 1  # how versions are remembered (part of every memo key)
_REMEMBERED: dict[tuple[str, str, str], str] = {}  # (lang, installation, name) -> value


@cache
def installation(lang: str) -> str | None:
    """A fingerprint of what :func:`tokenizer_version` depends on, taken without importing
    spaCy (which costs more than a whole export of cached tokens): the path, size and
    modification time of spaCy's top-level files (its compiled tokenizer, vocab, util ...),
    its shared language data, ``lang``'s and the fallback's language folders, its
    sentencizer, and its install record; the names of every installed distribution (a
    language plugin, or a package a tokenizer needs, changes the answer); Python's
    version; this module's
    version format. None when spaCy cannot be found.

    Python trusts size and modification time the same way for its bytecode caches: an
    install, upgrade or edit of any of these files changes the fingerprint, and a changed
    fingerprint only means computing the version once more."""
    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.origin:
        return None
    root = Path(spec.origin).parent
    files = [*root.glob("*"), *(root / "lang").glob("*"), *(root / "pipeline").glob("sentencizer*")]
    for name in {lang, FALLBACK_LANG}:
        if name and name.isidentifier():
            files += (root / "lang" / name).rglob("*")
    files += root.parent.glob("spacy-*.dist-info/RECORD")
    digest = hashlib.sha256(f"{MEMO}:{FORMAT}:{sys.version}:{root}:{lang}".encode())
    try:
        for path in sorted(f for f in files if f.is_file()):
            st = path.stat()
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        for folder in sys.path:
            if os.path.isdir(folder):
                names = sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))
                if names:  # a folder without installed packages (the current one, with
                    # ``python -m``) changes nothing spaCy loads
                    digest.update(f"{folder}\0{'|'.join(names)}\n".encode())
    except OSError:
        return None
    return digest.hexdigest()


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
        self._pid = (0, 0)  # the (process, thread) its connection belongs to
        self.hits = 0
        self.misses = 0

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(state["path"])  # type: ignore[misc, arg-type]

    def version(self, lang: str) -> str:
        """:func:`tokenizer_version` of ``lang``, remembered (:meth:`remember`): while
        nothing it depends on changed, an export of cached tokens neither imports spaCy
        nor loads a tokenizer."""
        return self.remember(lang, "version", lambda: tokenizer_version(lang))

    def remember(self, lang: str, name: str, compute: Callable[[], str]) -> str:
        """``compute()`` (a fact about spaCy's handling of ``lang``: the tokenizer's
        version, ...), remembered in the sidecar per :func:`installation`: computed again
        only when something it depends on changed. ``name`` names the fact and its
        version."""
        installed = installation(lang)
        if installed is None:
            return compute()
        key = (lang, installed, name)
        if key in _REMEMBERED:
            return _REMEMBERED[key]
        conn = self._connect()
        row = None
        if conn is not None:
            sql = "SELECT value FROM remembered WHERE lang = ? AND installation = ? AND name = ?"
            try:
                row = conn.execute(sql, key).fetchone()
            except sqlite3.Error:
                row = None
        if row is None:
            row = (compute(),)
            if conn is not None:
                try:
                    with conn:
                        conn.execute("BEGIN IMMEDIATE")
                        conn.execute(
                            "INSERT OR REPLACE INTO remembered VALUES (?, ?, ?, ?)", (*key, *row)
                        )
                except sqlite3.Error:
                    pass  # not remembered: computed again next time
        _REMEMBERED[key] = row[0]
        return row[0]

    def all_cached(self, texts: Sequence[tuple[str, str, str]]) -> bool:
        """True when every one of ``texts`` has its tokens in the cache."""
        return all(t is not None for t in self._read(texts))

    def tokens(self, texts: Sequence[tuple[str, str, str]]) -> list[Tokens]:
        """The tokens of each ``(content_hash, lang, text)``, in order."""
        return [t for t, _ in self.tokens_and_fragments(texts, None)]

    def tokens_and_fragments(
        self, texts: Sequence[tuple[str, str, str]], kind: str | None
    ) -> list[tuple[Tokens, bytes | None]]:
        """:meth:`tokens`, each with its stored fragment of ``kind`` (None: none kept, not
        made from these very tokens, or ``kind`` None)."""
        found = self._read_with(texts, kind)
        missing = [i for i, (t, _) in enumerate(found) if t is None]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            by_lang: dict[str, list[int]] = {}
            for i in missing:
                by_lang.setdefault(texts[i][1], []).append(i)
            for lang, index in by_lang.items():
                docs = blank(lang).tokenizer.pipe((texts[i][2] for i in index), batch_size=1000)
                for i, doc in zip(index, docs):
                    found[i] = (Tokens.of(doc), None)
            self._write([(texts[i], found[i][0]) for i in missing])  # type: ignore[misc]
        return found  # type: ignore[return-value]

    def keep_tokens(self, made: list[tuple[tuple[str, str, str], Tokens]]) -> None:
        """Keep tokens made elsewhere: ``((content_hash, lang, text), tokens)``, each the
        cut of exactly the tokenizer :meth:`version` names for ``lang`` (``annotator
        suggest`` keeps those of the texts its pipeline tokenized, when its tokenizer is
        that one: the first export then finds them). Tokens that do not fit their text are
        left out."""
        self._write([(key, t) for key, t in made if t.fits(key[2])])

    def keep_fragments(self, kind: str, made: list[tuple[str, str, Tokens, bytes]]) -> None:
        """Keep fragments rendered from tokens: ``(content_hash, lang, tokens, fragment)``.

        A fragment is derived data like the tokens: keyed by the text's hash, the
        tokenizer's version and ``kind`` (which names the rendering and its version), its
        bytes appended to the fragments file in one write, and indexed with one CRC over
        the tokens it was made from and itself, so that it is only ever read whole and with
        those very tokens (damaged, cut short, or another text's under this key: the check
        fails and it is rendered again)."""
        conn = self._connect()
        if conn is None or not made or self.path is None:
            return
        path = _fragments_path(self.path)
        try:
            self._restart_if_mostly_dead(conn, path)
        except sqlite3.Error:
            pass  # the sidecar is busy: the file starts afresh another time
        try:
            fd = _fd(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            blob = b"".join(body for _, _, _, body in made)
            written = os.write(fd, blob)  # one append: O_APPEND places it whole at the end
            offset = os.lseek(fd, 0, os.SEEK_CUR) - written
        except OSError:
            return  # not kept this time (disk full, read-only ...): rendered again next time
        rows, end = [], offset + written
        for h, lang, t, body in made:
            if offset + len(body) > end:
                break  # a short write: the rest was not written
            crc = zlib.crc32(body, _tokens_crc(t.to_row()))
            rows.append((h, self.version(lang), kind, offset, len(body), crc))
            offset += len(body)
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO fragments VALUES (?,?,?,?,?,?)", rows)
        except sqlite3.Error:
            pass  # not kept this time: the next export renders these again

    def _restart_if_mostly_dead(self, conn: sqlite3.Connection, path: Path) -> None:
        """Start the fragments file afresh when it is large and mostly bytes no index row
        refers to. A reader or writer of the old file at that moment only finds fragments
        that fail their check (rendered again)."""
        try:
            size = path.stat().st_size
        except OSError:
            return
        if size < FRAGMENTS_RESTART:
            return
        live = conn.execute("SELECT total(length) FROM fragments").fetchone()[0]
        if live * 2 > size:
            return
        with conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM fragments")
            os.truncate(path, 0)

    def _connect(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._conn is not None and self._pid == _owner():
            return self._conn
        # a worker gets a copy of this cache with every chunk: one connection per process
        opened = _OPEN.get((*_owner(), self.path))
        if opened is not None:
            self._conn, self._pid = opened, _owner()
            return opened
        try:
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None)
            if not _ours(conn):
                conn.close()
                self.path = None  # another program's file: never written, tokenize instead
                return None
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache: a power cut may lose the end
            # a first export writes ~4 kB of tokens per article: checkpoint (and sync)
            # every 64 MB, not every 4 MB
            conn.execute("PRAGMA wal_autocheckpoint=16384")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS tokens (content_hash TEXT, tokenizer TEXT, "
                "starts BLOB, ends BLOB, flags BLOB, PRIMARY KEY (content_hash, tokenizer)) "
                "WITHOUT ROWID"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS remembered (lang TEXT NOT NULL, installation TEXT "
                "NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, "
                "PRIMARY KEY (lang, installation, name))"
            )
            # where each fragment's bytes are in the fragments file (see the module); the
            # bytes themselves were rows of token_fragments before, gone with it
            conn.execute("DROP TABLE IF EXISTS token_fragments")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS fragments (content_hash TEXT NOT NULL, "
                "tokenizer TEXT NOT NULL, kind TEXT NOT NULL, offset INTEGER NOT NULL, "
                "length INTEGER NOT NULL, crc INTEGER NOT NULL, "
                "PRIMARY KEY (content_hash, tokenizer, kind)) WITHOUT ROWID"
            )
        except sqlite3.Error:
            self.path = None  # cannot keep a cache here: tokenize every time
            return None
        self._conn, self._pid = conn, _owner()
        _OPEN[(*self._pid, self.path)] = conn
        return conn

    def _read(self, texts: Sequence[tuple[str, str, str]]) -> list[Tokens | None]:
        return [t for t, _ in self._read_with(texts, None)]

    def _read_with(
        self, texts: Sequence[tuple[str, str, str]], kind: str | None
    ) -> list[tuple[Tokens | None, bytes | None]]:
        """The stored tokens of each text that fit it, and (``kind``) the fragment of that
        kind made from exactly those tokens."""
        found: list[tuple[Tokens | None, bytes | None]] = [(None, None)] * len(texts)
        conn = self._connect()
        if conn is None:
            return found
        wanted: dict[str, dict[str, list[int]]] = {}  # tokenizer -> hash -> indexes
        for i, (h, lang, _) in enumerate(texts):
            wanted.setdefault(self.version(lang), {}).setdefault(h, []).append(i)
        read = _reader(self.path) if kind is not None and self.path is not None else None
        try:
            for version, where in wanted.items():
                hashes = list(where)
                for k in range(0, len(hashes), LOOKUP):
                    sql, args = _select(kind, version, hashes[k : k + LOOKUP])
                    for h, starts, ends, flags, offset, length, crc in conn.execute(sql, args):
                        tokens = Tokens.from_row(starts, ends, flags)
                        body = None if offset is None or read is None else read(offset, length)
                        body = _checked(body, crc, (starts, ends, flags))
                        for i in where[h]:
                            if tokens.fits(texts[i][2]):
                                found[i] = (tokens, body)
        except sqlite3.Error:
            return [(None, None)] * len(texts)
        return found

    def _write(self, new: list[tuple[tuple[str, str, str], Tokens]]) -> None:
        conn = self._connect()
        if conn is None:
            return
        rows = [(h, self.version(lang), *t.to_row()) for (h, lang, _), t in new]
        try:
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR REPLACE INTO tokens VALUES (?,?,?,?,?)", rows)
        except sqlite3.Error:
            pass  # not kept this time: the next export tokenizes these again

    def checkpoint(self, at_least: int | None = None) -> None:
        """Copy the sidecar's write-ahead log into the file once the log's file has
        reached ``at_least`` bytes (default :data:`CHECKPOINT_BYTES`; SQLite's PASSIVE
        checkpoint: the writers go on meanwhile). SQLite restarts a copied log from its
        beginning but keeps the file's size, so after the first time each call copies
        what was added since the one before (a chunk's rows, when called per chunk).

        An export's parent process calls this between its workers' chunks: the copy and
        its disk syncs (~0.4 s per 64 MB here) then happen while the workers render,
        instead of in a worker's commit (SQLite's automatic checkpoint, at 64 MB, which
        stays as the fallback), where the worker waited for the disk. A first export of
        10,000 articles writes ~40 MB of tokens here (the JSONL fragments, ~380 MB, go to
        the fragments file)."""
        if self.path is None:
            return
        try:
            limit = CHECKPOINT_BYTES if at_least is None else at_least
            if Path(f"{self.path}-wal").stat().st_size < limit:
                return
        except OSError:
            return
        conn = self._connect()
        if conn is None:
            return
        with contextlib.suppress(sqlite3.Error):  # busy or failed: the workers' own then
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def close(self) -> None:
        if self._conn is not None and self._pid == _owner():
            _OPEN.pop((*self._pid, self.path), None)
            self._conn.close()
            if self.path is not None:
                _close_fds(_fragments_path(self.path))
        self._conn = None


OUR_TABLES = frozenset({"tokens", "remembered", "fragments", "token_fragments"})


def _ours(conn: sqlite3.Connection) -> bool:
    """True when the file at the sidecar's path is empty or a token cache: a project, or
    any other database, that sits there (a link, a file copied under that name) is never
    written to."""
    names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return names <= OUR_TABLES


def _owner() -> tuple[int, int]:
    """This process and thread (a forked worker, or the window's worker thread, opens its
    own connection)."""
    return os.getpid(), threading.get_ident()


def _fragments_path(sidecar: Path) -> Path:
    return Path(sidecar).with_name(Path(sidecar).name + FRAGMENTS)


def _fd(path: Path, flags: int) -> int:
    """This process's descriptor of ``path`` opened with ``flags`` (kept open: one per
    chunk would cost an open each; a forked worker opens its own), opened again when the
    file at ``path`` is no longer the one it has open (deleted, replaced)."""
    key = (os.getpid(), path, flags)
    fd = _FILES.get(key)
    if fd is not None:
        try:
            now, held = os.stat(path), os.fstat(fd)
            if (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino):
                return fd
        except OSError:
            pass
        del _FILES[key]
        with contextlib.suppress(OSError):
            os.close(fd)
    fd = _FILES[key] = os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
    return fd


def _close_fds(path: Path) -> None:
    for key in [k for k in _FILES if k[0] == os.getpid() and k[1] == path]:
        with contextlib.suppress(OSError):
            os.close(_FILES.pop(key))


def _reader(sidecar: Path) -> Callable[[int, int], bytes | None] | None:
    """Read ``length`` bytes at ``offset`` of the fragments file (None: not there)."""
    path = _fragments_path(sidecar)
    try:
        fd = _fd(path, os.O_RDONLY)
    except OSError:
        return None

    def read(offset: int, length: int) -> bytes | None:
        try:
            return os.pread(fd, length, offset)
        except OSError:
            return None

    return read


def _checked(body: bytes | None, crc: int | None, row: tuple[bytes, bytes, bytes]) -> bytes | None:
    """``body`` when its CRC (over the tokens ``row`` and itself) fits, else None: damaged,
    or not made from these tokens (rendered again)."""
    if body is None or zlib.crc32(body, _tokens_crc(row)) != crc:
        return None
    return body


def _tokens_crc(row: tuple[bytes, bytes, bytes]) -> int:
    """A CRC of a tokens row (starts, ends, flags): what ties a fragment to its tokens."""
    starts, ends, flags = row
    return zlib.crc32(flags, zlib.crc32(ends, zlib.crc32(starts)))


def _select(kind: str | None, version: str, hashes: list[str]) -> tuple[str, list[str]]:
    """The query for these hashes' tokens (and their fragments of ``kind``)."""
    marks = ",".join("?" * len(hashes))
    if kind is None:
        sql = (
            "SELECT content_hash, starts, ends, flags, NULL, NULL, NULL FROM tokens "
            f"WHERE tokenizer = ? AND content_hash IN ({marks})"
        )
        return sql, [version, *hashes]
    sql = (
        "SELECT t.content_hash, t.starts, t.ends, t.flags, f.offset, f.length, f.crc "
        "FROM tokens t LEFT JOIN fragments f ON f.content_hash = t.content_hash "
        "AND f.tokenizer = t.tokenizer AND f.kind = ? "
        f"WHERE t.tokenizer = ? AND t.content_hash IN ({marks})"
    )
    return sql, [kind, version, *hashes]
