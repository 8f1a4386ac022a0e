"""Bring annotators' project files together (``annotator merge``) and split one back out
per annotator (``annotator split``): team annotation without a server.

What makes two files' work the same work:

- an article is its text: matched by ``content_hash``; where two files hold different
  metadata for one text (another source path), the richer record wins (then the smaller
  by (imported_at, source, ...)) and what only the other holds is added, so nothing is
  lost and the result does not depend on the order of the inputs;
- a suggestion is its content (kind, offsets, label, arguments, attributes, source, model,
  version, score): ids are per file, so suggestion ids are re-keyed to the target's, also
  inside logged decisions and in ``suggestions_upto``;
- an annotator's work on an article is their decisions log. When the target has none, it
  is copied; when one log is the other plus more decisions (someone kept working), the
  longer wins; when the two logs differ otherwise, the same name stands for two people (or
  two diverging copies): that pair is reported as a clash and nothing of it is merged.
  The tables of the pair are written as the source holds them, so ``annotator check``
  replays every log to them afterwards.

Event uids are kept unless the target already uses one for another (article, annotator):
then it becomes a uid derived from (text, annotator, old uid), in the tables and the log.
Every write goes through ``Store.write()``; articles commit in batches, each article in a
savepoint of its own: a killed merge leaves whole articles, and running it again finishes
the work (it is idempotent).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils

from annotator.store import schema
from annotator.store.changes import ConflictError
from annotator.store.errors import NotAProjectError, read_only_folder
from annotator.store.store import Store

BATCH = 200
_ARTICLE_META = ("imported_at", "source", "external_id", "lang", "date", "time", "title", "meta")
_SUGG = 'kind, start, "end", label, arguments, attributes, score, source, model, model_version'


@dataclass
class MergeResult:
    source: str
    articles: int = 0  # articles of the source looked at
    new_articles: int = 0
    added: int = 0  # (article, annotator) pairs copied in
    extended: int = 0  # pairs where the source had more work
    unchanged: int = 0
    older: int = 0  # pairs where the target already had more work
    same_gold: int = 0  # pairs whose logs differ but whose gold is the same (target's kept)
    suggestions: int = 0  # suggestions added
    rekeyed_uids: int = 0
    clashes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.articles} articles ({self.new_articles} new), "
            f"annotator work: {self.added} added, {self.extended} extended, "
            f"{self.unchanged} already there, {self.older} older than the target's; "
            f"{self.suggestions} suggestions added"
            + (f", {self.rekeyed_uids} event uids re-keyed" if self.rekeyed_uids else "")
            + (
                f", {self.same_gold} with the same gold already (another log, e.g. the same "
                "file imported twice: the target's kept)"
                if self.same_gold
                else ""
            )
            + (f", {len(self.clashes)} clashes" if self.clashes else "")
        )


# -- reading a source file ----------------------------------------------------------------


def _read_only_uri(path: Path) -> str:
    """How to open an input file only to read it. In a folder that cannot be written (a
    USB stick or share mounted read-only), SQLite cannot make the -shm file a WAL project
    needs even to be read: such a file is opened as immutable, which is exact when all its
    changes are in the file itself (it was closed cleanly: no -wal, or an empty one)."""
    uri = f"file:{quote(str(path.absolute()))}?mode=ro"
    if not read_only_folder(path):
        return uri
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise ValueError(
            f"{path}: its latest changes are still in {wal.name} (the program that wrote it "
            "did not close it) and its folder is read-only, so they cannot be read: open it "
            "once where it can be written, e.g. copy both files to a writable folder"
        )
    return uri + "&immutable=1"


@contextmanager
def open_source(path: Path, target: Store | None = None) -> Iterator[sqlite_utils.Database]:
    """A project file opened read-only; an older schema is upgraded in a temporary copy,
    so the input file is never changed."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such project file")
    if target is not None and target.path is not None and target.path.resolve() == path.resolve():
        raise ValueError(f"{path}: is the target itself")
    conn = sqlite3.connect(_read_only_uri(path), uri=True)
    db = sqlite_utils.Database(conn)
    try:
        schema.check_project(db)
        version = schema.user_version(db)
        if version == 0:
            raise NotAProjectError("an empty file, not a project")
        if version == schema.VERSION:
            yield db
            return
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "upgraded.db"
            dest = sqlite3.connect(copy)
            conn.backup(dest)
            dest.close()
            with Store(copy) as upgraded:
                yield upgraded.db
    finally:
        conn.close()


@dataclass
class _Pair:
    """One annotator's work on one article, as a file holds it."""

    status: tuple | None = None  # (status, updated_at, entities, suggestions_upto)
    spans: list[tuple] = field(default_factory=list)  # (start, end, label, created_at)
    events: list[tuple] = field(default_factory=list)  # (uid, s, e, type, attrs, created)
    arguments: dict[str, list[tuple]] = field(default_factory=dict)  # uid → rows
    states: dict[int, tuple] = field(default_factory=dict)  # suggestion id → (state, at)
    log: list[tuple] = field(default_factory=list)  # (id, at, action, before, after, u, r)
    assigned: str | None = None  # assigned_at

    @property
    def empty(self) -> bool:
        return not (self.status or self.spans or self.events or self.states or self.log)


@dataclass
class _Article:
    row: dict[str, Any]
    suggestions: list[tuple]  # (id, kind, start, end, ..., created_at)
    runs: list[tuple]  # (model, version, at)
    pairs: dict[str, _Pair]


_PAIR_QUERIES = {
    "status": "SELECT article_id, annotator, status, updated_at, entities, suggestions_upto "
    "FROM article_status WHERE article_id IN ({marks})",
    "spans": 'SELECT article_id, annotator, start, "end", label, created_at FROM gold_spans '
    "WHERE article_id IN ({marks}) ORDER BY id",
    "events": "SELECT article_id, annotator, uid, trigger_start, trigger_end, type, "
    "attributes, created_at FROM gold_events WHERE article_id IN ({marks}) ORDER BY uid",
    "arguments": "SELECT e.article_id, e.annotator, g.event_uid, g.position, g.role, g.start, "
    'g."end", g.label FROM gold_arguments g JOIN gold_events e ON e.uid = g.event_uid '
    "WHERE e.article_id IN ({marks}) ORDER BY g.position",
    "states": "SELECT g.article_id, st.annotator, st.suggestion_id, st.state, st.at "
    "FROM suggestion_states st JOIN suggestions g ON g.id = st.suggestion_id "
    "WHERE g.article_id IN ({marks})",
    "log": "SELECT article_id, annotator, id, at, action, before, after, undo_of, redo_of "
    "FROM decisions WHERE article_id IN ({marks}) ORDER BY id",
    "assigned": "SELECT article_id, annotator, assigned_at FROM assignments "
    "WHERE article_id IN ({marks})",
}


def _add(pair: _Pair, kind: str, rest: list[Any]) -> None:
    if kind == "status":
        pair.status = tuple(rest)
    elif kind == "arguments":
        pair.arguments.setdefault(rest[0], []).append(tuple(rest[1:]))
    elif kind == "states":
        pair.states[rest[0]] = tuple(rest[1:])
    elif kind == "assigned":
        pair.assigned = rest[0]
    else:
        getattr(pair, kind).append(tuple(rest))


def _read_batch(
    db: sqlite_utils.Database, ids: list[int], rename: dict[str, str], only: set[str] | None
) -> list[_Article]:
    """The articles ``ids`` of a file with every annotator's work (renamed; only those in
    ``only``, when given)."""
    marks = ",".join("?" * len(ids))
    cols = [c.name for c in db["articles"].columns]
    rows = db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", ids).fetchall()
    out = {r[0]: _Article(dict(zip(cols, r)), [], [], {}) for r in rows}
    sql = f"SELECT article_id, id, {_SUGG}, created_at FROM suggestions "
    for r in db.execute(sql + f"WHERE article_id IN ({marks}) ORDER BY id", ids):
        out[r[0]].suggestions.append(r[1:])
    sql = "SELECT article_id, model, model_version, at FROM suggestion_runs "
    for r in db.execute(sql + f"WHERE article_id IN ({marks})", ids):
        out[r[0]].runs.append(r[1:])
    tables = set(db.table_names())
    for kind, query in _PAIR_QUERIES.items():
        if kind == "assigned" and "assignments" not in tables:
            continue
        for aid, who, *rest in db.execute(query.format(marks=marks), ids).fetchall():
            name = rename.get(who, who)
            if only is None or name in only:
                _add(out[aid].pairs.setdefault(name, _Pair()), kind, rest)
    return [out[aid] for aid in ids if aid in out]


def _check_renames(db: sqlite_utils.Database, rename: dict[str, str]) -> None:
    names = {
        r[0]
        for r in db.execute(
            "SELECT annotator FROM article_status UNION SELECT annotator FROM decisions "
            "UNION SELECT annotator FROM gold_spans UNION SELECT annotator FROM gold_events"
        )
    }
    for old, new in rename.items():
        if not new.strip():
            raise ValueError(f"--rename {old}=: the new name is empty")
        if new in names and new not in rename:
            raise ValueError(f"--rename {old}={new}: the file already has an annotator {new!r}")


# -- writing into the target --------------------------------------------------------------


def merge_file(
    target: Store,
    path: Path,
    *,
    rename: dict[str, str] | None = None,
    annotators: Iterable[str] | None = None,
    hashes: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> MergeResult:
    """Merge one project file into ``target`` (see the module's docstring). ``annotators``
    limits the work copied to those (articles and suggestions come all the same);
    ``hashes`` limits the articles."""
    rename = dict(rename or {})
    only = set(annotators) if annotators is not None else None
    result = MergeResult(str(path))
    with open_source(Path(path), target) as db:
        _check_renames(db, rename)
        rows = db.execute("SELECT id, content_hash FROM articles ORDER BY id").fetchall()
        ids = [aid for aid, h in rows if hashes is None or h in hashes]
        for i in range(0, len(ids), BATCH):
            batch = _read_batch(db, ids[i : i + BATCH], rename, only)
            with target.write():
                for article in batch:
                    _merge_article(target, article, result)
            if progress:
                progress(min(i + BATCH, len(ids)), len(ids))
    return result


def _merge_article(target: Store, art: _Article, result: MergeResult) -> None:
    result.articles += 1
    h = art.row["content_hash"]
    try:
        with target.db.atomic():
            aid = _article_id(target, art, result)
            ids = _map_suggestions(target, aid, art, result)
            _runs(target, aid, art.runs)
    except (sqlite3.Error, ValueError) as exc:
        result.problems.append(f"{_named(None, art.row)}: not merged: {exc}")
        return
    for who in sorted(art.pairs):
        pair = art.pairs[who]
        try:
            with target.db.atomic():
                _merge_pair(target, aid, h, who, pair, ids, result)
                if pair.assigned is not None:
                    target.db.execute(
                        "INSERT OR IGNORE INTO assignments(article_id, annotator, assigned_at) "
                        "VALUES (?, ?, ?)",
                        [aid, who, pair.assigned],
                    )
        except (sqlite3.Error, ValueError, ConflictError, KeyError) as exc:
            result.problems.append(f"{_named(aid, art.row)}, {who}: not merged: {exc}")


def _article_id(target: Store, art: _Article, result: MergeResult) -> int:
    row = art.row
    found = target.db.execute(
        "SELECT id, " + ", ".join(_ARTICLE_META) + " FROM articles WHERE content_hash = ?",
        [row["content_hash"]],
    ).fetchone()
    mine = tuple(row[c] for c in _ARTICLE_META)
    if found is None:
        result.new_articles += 1
        cur = target.db.execute(
            "INSERT INTO articles(content_hash, text, " + ", ".join(_ARTICLE_META) + ") "
            f"VALUES (?, ?, {', '.join('?' * len(_ARTICLE_META))})",
            [row["content_hash"], row["text"], *mine],
        )
        return cur.lastrowid
    aid, theirs = found[0], tuple(found[1:])
    both = _combined(mine, theirs)
    if both != theirs:
        _set_metadata(target, aid, {**row, **dict(zip(_ARTICLE_META, both))}, theirs)
    return aid


def _meta_key(values: tuple) -> tuple:
    return tuple("" if v is None else str(v) for v in values)


def _combined(a: tuple, b: tuple) -> tuple:
    """One text's metadata from two files: the richer record (more fields and meta keys
    filled; then the smaller by (imported_at, source, ...): the same whatever the order),
    with what only the other has added — a date, a source, the reference format's photo
    captions and tags — instead of losing it (a new-user trial's merge of a JSONL copy
    took the dates and captions of the imported articles away)."""
    first, second = sorted((a, b), key=lambda v: (-_richness(v), _meta_key(v)))
    out = [x if x not in (None, "") else y for x, y in zip(first, second, strict=True)]
    m = _ARTICLE_META.index("meta")
    union = {**_meta_dict(second[m]), **_meta_dict(first[m])}
    if union != _meta_dict(first[m]):  # else first's own text, as stored
        out[m] = json.dumps(union, ensure_ascii=False)
    return tuple(out)


def _meta_dict(raw: Any) -> dict[str, Any]:
    try:
        value = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _richness(values: tuple) -> int:
    filled = sum(v not in (None, "") for c, v in zip(_ARTICLE_META, values) if c != "meta")
    return filled + len(_meta_dict(values[_ARTICLE_META.index("meta")]))


def _set_metadata(target: Store, aid: int, row: dict[str, Any], old: tuple) -> None:
    title_old = old[_ARTICLE_META.index("title")]
    if title_old != row["title"]:  # keep the full-text index in step with the title
        indexed = int(target._meta("fts_upto") or 0) >= aid
        if indexed:
            target.db.execute(
                "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                "VALUES ('delete', ?, ?, ?)",
                [aid, title_old, row["text"]],
            )
            target.db.execute(
                "INSERT INTO articles_fts(rowid, title, text) VALUES (?, ?, ?)",
                [aid, row["title"], row["text"]],
            )
    sets = ", ".join(f"{c} = ?" for c in _ARTICLE_META)
    target.db.execute(
        f"UPDATE articles SET {sets} WHERE id = ?", [*(row[c] for c in _ARTICLE_META), aid]
    )


def suggestion_key(row: tuple) -> tuple:
    """What makes two stored suggestions the same proposal, across files."""
    kind, start, end, label, args, attrs, score, source, model, version = row
    canon = lambda v: json.dumps(json.loads(v), sort_keys=True) if v else ""  # noqa: E731
    return (kind, start, end, label, canon(args), canon(attrs), score, source, model, version)


def _map_suggestions(target: Store, aid: int, art: _Article, result: MergeResult) -> dict[int, int]:
    """Source suggestion id → target id (the k-th copy of a proposal to the k-th)."""
    have: dict[tuple, list[int]] = defaultdict(list)
    sql = f"SELECT id, {_SUGG} FROM suggestions WHERE article_id = ? ORDER BY id"
    for row in target.db.execute(sql, [aid]).fetchall():
        have[suggestion_key(row[1:])].append(row[0])
    used: dict[tuple, int] = defaultdict(int)
    out = {}
    for sid, *rest in art.suggestions:
        body, created = tuple(rest[:-1]), rest[-1]
        key = suggestion_key(body)
        k = used[key]
        used[key] += 1
        if k < len(have[key]):
            out[sid] = have[key][k]
            continue
        cur = target.db.execute(
            f"INSERT INTO suggestions(article_id, {_SUGG}, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [aid, *body, created],
        )
        out[sid] = cur.lastrowid
        result.suggestions += 1
    return out


def _runs(target: Store, aid: int, runs: list[tuple]) -> None:
    for model, version, at in runs:
        target.db.execute(
            "INSERT INTO suggestion_runs(article_id, model, model_version, at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(article_id, model, model_version) "
            "DO UPDATE SET at = min(at, excluded.at)",
            [aid, model, version, at],
        )


# -- one annotator's work on one article --------------------------------------------------


def derived_uid(content_hash: str, annotator: str, uid: str) -> str:
    return hashlib.sha256(f"{content_hash}\x1f{annotator}\x1f{uid}".encode()).hexdigest()[:32]


class _Translate:
    """Rewrites a source pair's ids into the target's: suggestion ids and event uids."""

    def __init__(self, ids: dict[int, int], uids: dict[str, str]) -> None:
        self.ids, self.uids = ids, uids

    def sid(self, sid: int) -> int:
        # a suggestion the file no longer holds (replaced by `suggest --force`): an id no
        # suggestion of the target will ever have, so replaying ignores it as the source did
        return self.ids.get(sid, -abs(sid))

    def value(self, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is None:
            return None
        if v.get("kind") == "suggestion":
            return {**v, "id": self.sid(v["id"])}
        if v.get("kind") == "event":
            return {**v, "uid": self.uids.get(v["uid"], v["uid"])}
        return v

    def changes(self, text: str) -> str:
        values = [self.value(v) for v in json.loads(text)]
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _log_uids(log: list[tuple]) -> set[str]:
    out = set()
    for row in log:
        for text in (row[3], row[4]):
            out |= {v["uid"] for v in json.loads(text) if v and v.get("kind") == "event"}
    return out


def _pair_in_target(target: Store, aid: int, who: str) -> _Pair:
    (pair,) = [
        p
        for a in _read_batch(target.db, [aid], {}, {who})
        for name, p in a.pairs.items()
        if name == who
    ] or [_Pair()]
    return pair


def _uid_map(target: Store, h: str, who: str, pair: _Pair, mine: _Pair) -> dict[str, str]:
    """Source uid → target uid: kept unless another (article, annotator) of the target
    holds it; a uid the target's copy of this pair already re-keyed stays re-keyed."""
    known = {e[0] for e in mine.events} | _log_uids(mine.log)
    out = {}
    for uid in {e[0] for e in pair.events} | _log_uids(pair.log):
        new = derived_uid(h, who, uid)
        if new in known:
            out[uid] = new
        elif uid in known:
            out[uid] = uid
        else:
            taken = target.db.execute("SELECT 1 FROM gold_events WHERE uid = ?", [uid]).fetchone()
            out[uid] = new if taken else uid
    return out


def _comparable(log: list[tuple], t: _Translate | None) -> list[tuple]:
    """A log as a sequence of comparable decisions: ids rewritten to the target's,
    undo_of/redo_of as positions within the log."""
    pos = {row[0]: i for i, row in enumerate(log)}
    out = []
    for _id, at, action, before, after, undo_of, redo_of in log:
        b, a = (t.changes(before), t.changes(after)) if t else (before, after)
        out.append((at, action, _canon(b), _canon(a), pos.get(undo_of), pos.get(redo_of)))
    return out


def _canon(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True)


def _merge_pair(
    target: Store,
    aid: int,
    h: str,
    who: str,
    pair: _Pair,
    ids: dict[int, int],
    result: MergeResult,
) -> None:
    mine = _pair_in_target(target, aid, who)
    uids = _uid_map(target, h, who, pair, mine)
    t = _Translate(ids, uids)
    theirs, ours = _comparable(pair.log, t), _comparable(mine.log, None)
    if ours == theirs:
        if _tables(pair, t, aid) != _tables(mine, None, aid):
            why = "the same log but different gold tables"
            result.clashes.append(_clash(target, aid, who, why))
            return
        result.unchanged += 1
        return
    if theirs[: len(ours)] == ours and (ours or mine.empty):
        _write_pair(target, aid, who, pair, mine, t, len(ours))
        known = {e[0] for e in mine.events} | _log_uids(mine.log)
        result.rekeyed_uids += sum(k != v and v not in known for k, v in uids.items())
        if ours or not mine.empty:
            result.extended += 1
        else:
            result.added += 1
        return
    if ours[: len(theirs)] == theirs and (theirs or pair.empty):
        # the target went on from what the file holds (or the file holds no work here:
        # an assignment only, e.g. a split made before this annotator started)
        result.older += 1
        return
    if not mine.empty and _gold(pair, t) == _gold(mine, None):
        result.same_gold += 1  # e.g. one gold file imported into both: nothing to merge
        return
    result.clashes.append(_clash(target, aid, who, "different decisions for the same article"))


def _clash(target: Store, aid: int, who: str, why: str) -> str:
    row = target.db.execute("SELECT title, source, content_hash FROM articles WHERE id = ?", [aid])
    title, source, h = row.fetchone() or (None, None, "")
    return (
        f"{_named(aid, {'title': title, 'source': source, 'content_hash': h})}: annotator "
        f"{who!r} has {why} in the two files (two people with one name? rename one with "
        "--rename FILE:OLD=NEW); not merged"
    )


def _named(aid: int | None, row: dict[str, Any]) -> str:
    """An article as a user finds it: its id in the merged project and its title (else
    its source file), e.g. 'article 12 “Tokayev meets ...”'."""
    name = str(row.get("title") or row.get("source") or "").strip()
    name = name if len(name) <= 50 else name[:47] + "..."
    where = f"article {aid}" if aid is not None else f"article {str(row['content_hash'])[:12]}"
    return f"{where} “{name}”" if name else where


def _gold(pair: _Pair, t: _Translate | None) -> tuple:
    """What an annotator's work on an article gives as gold, free of file-local ids and
    times: status and partial flag, spans, events with their attributes and their
    arguments in order (each event as canonical JSON: values of any type compare), and
    what they decided on each suggestion (ids as the target's)."""
    events = sorted(
        json.dumps(
            [
                e[1:4],
                json.loads(e[4]) if e[4] else {},
                [a[1:] for a in pair.arguments.get(e[0], ())],
            ],
            sort_keys=True,
        )
        for e in pair.events
    )
    status = (pair.status[0], pair.status[2]) if pair.status else None
    spans = sorted(json.dumps(sp[:3]) for sp in pair.spans)
    sid = t.sid if t else (lambda s: s)
    states = sorted((sid(k), v[0]) for k, v in pair.states.items())
    return status, spans, events, states


def _tables(pair: _Pair, t: _Translate | None, aid: int) -> tuple:
    uid = (lambda u: t.uids.get(u, u)) if t else (lambda u: u)
    sid = t.sid if t else (lambda s: s)
    status = pair.status[0::2][:2] if pair.status else None  # (status, entities)
    return (
        status,
        sorted(s[:3] for s in pair.spans),
        sorted((uid(e[0]), *e[1:5], tuple(pair.arguments.get(e[0], ()))) for e in pair.events),
        sorted((sid(k), v[0]) for k, v in pair.states.items()),
    )


def _write_pair(
    target: Store, aid: int, who: str, pair: _Pair, mine: _Pair, t: _Translate, done: int
) -> None:
    """Append the source's decisions past the ``done`` the target has, and set the
    pair's tables to the source's (what that log replays to)."""
    db = target.db
    ids = {row[0]: new for row, new in zip(pair.log, (r[0] for r in mine.log))}
    for _id, at, action, before, after, undo_of, redo_of in pair.log[done:]:
        cur = db.execute(
            "INSERT INTO decisions(article_id, annotator, at, action, before, after, undo_of, "
            "redo_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                aid,
                who,
                at,
                action,
                t.changes(before),
                t.changes(after),
                ids.get(undo_of),
                ids.get(redo_of),
            ],
        )
        ids[_id] = cur.lastrowid
    db.execute(
        "DELETE FROM gold_arguments WHERE event_uid IN "
        "(SELECT uid FROM gold_events WHERE article_id = ? AND annotator = ?)",
        [aid, who],
    )
    for sql in (
        "DELETE FROM gold_events WHERE article_id = ? AND annotator = ?",
        "DELETE FROM gold_spans WHERE article_id = ? AND annotator = ?",
        "DELETE FROM article_status WHERE article_id = ? AND annotator = ?",
        "DELETE FROM suggestion_states WHERE annotator = ? AND suggestion_id IN "
        "(SELECT id FROM suggestions WHERE article_id = ?)",
    ):
        db.execute(sql, [who, aid] if "suggestion_states" in sql else [aid, who])
    _insert_tables(target, aid, who, pair, t)


def _insert_tables(target: Store, aid: int, who: str, pair: _Pair, t: _Translate) -> None:
    db = target.db
    db.conn.executemany(
        'INSERT INTO gold_spans(article_id, annotator, start, "end", label, created_at) '
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(aid, who, *s) for s in pair.spans],
    )
    for uid, *rest in pair.events:
        new = t.uids.get(uid, uid)
        db.execute(
            "INSERT INTO gold_events(uid, article_id, annotator, trigger_start, trigger_end, "
            "type, attributes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [new, aid, who, *rest],
        )
        db.conn.executemany(
            'INSERT INTO gold_arguments(event_uid, position, role, start, "end", label) '
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(new, *a) for a in pair.arguments.get(uid, ())],
        )
    db.conn.executemany(
        "INSERT INTO suggestion_states(suggestion_id, annotator, state, at) VALUES (?, ?, ?, ?)",
        [(t.sid(sid), who, state, at) for sid, (state, at) in pair.states.items()],
    )
    if pair.status:
        status, updated, entities, upto = pair.status
        db.execute(
            "INSERT INTO article_status(article_id, annotator, status, updated_at, entities, "
            "suggestions_upto) VALUES (?, ?, ?, ?, ?, ?)",
            [aid, who, status, updated, entities, _upto(t, upto)],
        )


def _upto(t: _Translate, upto: int | None) -> int | None:
    """The target's ``suggestions_upto`` for the source's: every suggestion the annotator
    had seen stays seen (a suggestion they left undecided stays a hole in their gold)."""
    if upto is None:
        return None
    seen = [new for old, new in t.ids.items() if old <= upto]
    return max(seen, default=0)


# -- splitting out, and a canonical view for comparing projects ---------------------------


def split(team: Path, out: Store, annotator: str, *, all_articles: bool = False) -> MergeResult:
    """One annotator's file from a team project: the articles assigned to them (all
    articles when none are, or with ``all_articles``), their suggestions, and that
    annotator's work only. Merging the file back later brings their new work in."""
    hashes = None
    with open_source(Path(team), out) as db:
        if not all_articles:
            rows = db.execute(
                "SELECT a.content_hash FROM assignments s JOIN articles a ON a.id = s.article_id "
                "WHERE s.annotator = ?",
                [annotator],
            ).fetchall()
            hashes = {r[0] for r in rows} or None
    return merge_file(out, Path(team), annotators=[annotator], hashes=hashes)


def canonical(db: sqlite_utils.Database) -> dict[str, Any]:
    """The project with every file-local id replaced by what it stands for (articles by
    hash, suggestions by content, event uids by order of appearance, decisions by
    position): two projects holding the same work give equal results."""
    q = lambda sql: db.execute(sql).fetchall()  # noqa: E731
    hashes = dict(q("SELECT id, content_hash FROM articles"))
    keys = {
        r[0]: (hashes[r[1]], suggestion_key(r[2:]))
        for r in q(f"SELECT id, article_id, {_SUGG} FROM suggestions")
    }
    out: dict[str, Any] = {
        "articles": sorted(
            (h, *r) for h, *r in q(f"SELECT content_hash, {', '.join(_ARTICLE_META)} FROM articles")
        ),
        "suggestions": sorted(keys.values()),
        "runs": sorted((hashes[a], *r) for a, *r in q("SELECT * FROM suggestion_runs")),
        "assignments": sorted(
            (hashes[a], w) for a, w in q("SELECT article_id, annotator FROM assignments")
        ),
    }
    pairs = {}
    for a, who in q(
        "SELECT article_id, annotator FROM decisions UNION SELECT article_id, "
        "annotator FROM article_status UNION SELECT article_id, annotator FROM "
        "gold_spans UNION SELECT article_id, annotator FROM gold_events"
    ):
        (art,) = _read_batch(db, [a], {}, {who})
        pair = art.pairs[who]
        names = {}
        for uid in [
            v["uid"]
            for row in pair.log
            for text in row[3:5]
            for v in json.loads(text)
            if v and v.get("kind") == "event"
        ]:
            names.setdefault(uid, f"e{len(names)}")
        for uid in sorted(e[0] for e in pair.events):
            names.setdefault(uid, f"e{len(names)}")
        ids = {k: v for k, v in keys.items()}
        t = _Canon(ids, names)
        status = None
        if pair.status:
            st, _, entities, upto = pair.status
            seen = (
                None
                if upto is None
                else sorted(v for k, v in keys.items() if v[0] == hashes[a] and k <= upto)
            )
            status = (st, entities, seen)
        pairs[f"{hashes[a]}:{who}"] = {
            "status": status,
            "tables": _tables(pair, t, a),
            "log": _comparable(pair.log, t),
        }
    out["pairs"] = pairs
    return out


class _Canon(_Translate):
    def sid(self, sid: int):  # noqa: ANN201
        return self.ids.get(sid, ("gone",))
