"""The gold dataset's schema as numbered migrations (``PRAGMA user_version``).

Migrations run on open; before migrating an existing database a backup copy is written
next to it (``<name>.v<old>.bak``). Append new migrations at the end, never edit one
that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager as ContextManager
from dataclasses import replace
from pathlib import Path

import sqlite_utils

from annotator.store.errors import NewerSchemaError, NotAProjectError, describe

# a migration may return lines for the user (what it changed in the data, and why)
Migration = Callable[[sqlite_utils.Database], "list[str] | None"]


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int,
            "content_hash": str,
            "source": str,
            "external_id": str,
            "lang": str,
            "date": str,
            "time": str,
            "title": str,
            "text": str,
            "meta": str,  # JSON: tags, author, photo captions and credits, sections ...
            "imported_at": str,
        },
        pk="id",
        not_null={"content_hash", "text", "lang"},
    )
    db["articles"].create_index(["content_hash"], unique=True)
    db["articles"].create_index(["lang"])
    db["suggestions"].create(
        {
            "id": int,
            "article_id": int,
            "kind": str,  # entity | event
            "start": int,
            "end": int,
            "label": str,  # entity label or event type
            "arguments": str,  # JSON list of {role, start, end, label} (events)
            "attributes": str,  # JSON object (events)
            "score": float,
            "source": str,  # model | import
            "model": str,
            "model_version": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "kind", "start", "end", "label", "source"},
    )
    db["suggestions"].create_index(["article_id"])
    db["suggestions"].create_index(["model", "model_version"])
    # one row per (article, model, version) that ran, even when it found nothing
    db["suggestion_runs"].create(
        {"article_id": int, "model": str, "model_version": str, "at": str},
        pk=("article_id", "model", "model_version"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["suggestion_states"].create(
        {"suggestion_id": int, "annotator": str, "state": str, "at": str},
        pk=("suggestion_id", "annotator"),
        foreign_keys=[("suggestion_id", "suggestions", "id")],
    )
    db["gold_spans"].create(
        {
            "id": int,
            "article_id": int,
            "annotator": str,
            "start": int,
            "end": int,
            "label": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "annotator", "start", "end", "label"},
    )
    db["gold_spans"].create_index(["article_id", "annotator", "start", "end", "label"], unique=True)
    db["gold_events"].create(
        {
            "uid": str,
            "article_id": int,
            "annotator": str,
            "trigger_start": int,
            "trigger_end": int,
            "type": str,
            "attributes": str,  # JSON object, e.g. {"Negation": true, "Modality": "future"}
            "created_at": str,
        },
        pk="uid",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "annotator", "trigger_start", "trigger_end", "type"},
    )
    db["gold_events"].create_index(["article_id", "annotator"])
    db["gold_arguments"].create(
        {
            "event_uid": str,
            "position": int,
            "role": str,
            "start": int,
            "end": int,
            "label": str,
        },
        pk=("event_uid", "position"),
        foreign_keys=[("event_uid", "gold_events", "uid")],
    )
    db["article_status"].create(
        {"article_id": int, "annotator": str, "status": str, "updated_at": str},
        pk=("article_id", "annotator"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["article_status"].create_index(["annotator", "status"])
    db["decisions"].create(
        {
            "id": int,
            "article_id": int,
            "annotator": str,
            "at": str,
            "action": str,
            "before": str,  # JSON list, aligned with "after": one entry per change
            "after": str,  # JSON list of {kind, ...value} or null
            "undo_of": int,  # the decision this one undoes
            "redo_of": int,  # the decision this one redoes
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["decisions"].create_index(["article_id", "annotator"])
    # full-text search over title and text, filled lazily (see Store.search)
    db.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5("
        "title, text, content='articles', content_rowid='id', tokenize='unicode61')"
    )
    db["meta"].create({"key": str, "value": str}, pk="key")


# "ANNT": marks a file as an annotator project (PRAGMA application_id), so that no
# command ever turns another program's SQLite file into one
APPLICATION_ID = 0x414E4E54
STATES = ("accepted", "rejected")  # a stored suggestion state; "pending" is no row


def _m002_integrity(db: sqlite_utils.Database) -> None:
    """Mark the file as a project; make the log append-only and the states checked; a
    per-annotator flag for partial entity gold.

    The triggers hold for every writer, including plain SQL from another program: a
    decision once logged is never rewritten, and a status or suggestion state outside
    the known values is refused instead of stored.
    """
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    for op in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER decisions_append_only_{op.lower()} BEFORE {op} ON decisions "
            "BEGIN SELECT RAISE(ABORT, 'the decisions log is append-only'); END"
        )
    # the values as of this migration (a migration never changes once shipped)
    _check_trigger(db, "article_status", "status", ("new", "in_progress", "done", "skipped"))
    _check_trigger(db, "suggestion_states", "state", STATES)
    db["suggestion_states"].create_index(["annotator"], if_not_exists=True)
    # "partial": this annotator's gold marks only some entities (e.g. gold made for events);
    # per annotator, as an article can have full gold from one and partial from another
    db["article_status"].add_column("entities", str)
    # the last suggestion id of the article when the status was set (see changes._status);
    # for older rows, the suggestions made before the status changed
    db["article_status"].add_column("suggestions_upto", int)
    db.execute(
        """UPDATE article_status SET suggestions_upto = (SELECT coalesce(max(g.id), 0)
        FROM suggestions g WHERE g.article_id = article_status.article_id
        AND g.created_at <= article_status.updated_at)"""
    )


def _check_trigger(db: sqlite_utils.Database, table: str, column: str, values: tuple) -> None:
    allowed = ", ".join(f"'{v}'" for v in values)
    for op in ("INSERT", "UPDATE"):
        db.execute(
            f"CREATE TRIGGER {table}_{column}_check_{op.lower()} BEFORE {op} ON {table} "
            f"WHEN NEW.{column} NOT IN ({allowed}) "
            f"BEGIN SELECT RAISE(ABORT, 'invalid {table}.{column}'); END"
        )


# the action of the decisions a migration logs (undo stops there, like at an import)
MIGRATE = "migrate"


def _m003_arguments_on_entities(db: sqlite_utils.Database) -> list[str]:
    """Event arguments refer to gold entities: link every stored argument to the gold
    span at its offsets, or to the one gold span of its label it overlaps (the entity was
    relabelled or moved after the event was made), creating the span where there is none;
    logged per article and annotator so the decisions log still replays to the tables;
    then triggers keep it so for every writer.
    """
    from annotator.core import commands as cmd
    from annotator.store.changes import apply_changes
    from annotator.store.gold import GoldMixin
    from annotator.store.rows import _dumps, _tagged, now

    reader = GoldMixin()
    reader.db = db
    stamp = now()
    created = relabelled = pairs = 0
    examples: list[str] = []
    todo = db.execute(
        "SELECT DISTINCT article_id, annotator FROM gold_events ORDER BY article_id, annotator"
    ).fetchall()
    for article_id, annotator in todo:
        changes, made, moved = _link_arguments(
            reader.gold_spans(article_id, annotator), reader.gold_events(article_id, annotator)
        )
        created += made
        relabelled += len(moved)
        examples += [f"article {article_id} ({annotator}): {m}" for m in moved][: 5 - len(examples)]
        if not changes:
            continue
        pairs += 1
        spans_first = sorted(changes, key=lambda c: c.kind != cmd.SPAN)
        apply_changes(db, article_id, annotator, spans_first, stamp)
        db["decisions"].insert(
            {
                "article_id": article_id,
                "annotator": annotator,
                "at": stamp,
                "action": MIGRATE,
                "before": _dumps([_tagged(c.kind, c.before) for c in spans_first]),
                "after": _dumps([_tagged(c.kind, c.after) for c in spans_first]),
            }
        )
    _reference_triggers(db)
    if not pairs:
        return []
    notes = [
        f"event arguments now refer to gold entities: {created} entit"
        f"{'y' if created == 1 else 'ies'} added for arguments, {relabelled} argument"
        f"{'' if relabelled == 1 else 's'} moved to the entity they overlap "
        f"({pairs} article/annotator pair{'' if pairs == 1 else 's'}, logged as '{MIGRATE}')"
    ]
    return notes + [f"  {e}" for e in examples]


def _link_arguments(spans: list, events: list) -> tuple[list, int, list[str]]:
    """The changes that link ``events``' arguments to ``spans`` (see migration 3), how
    many spans they add, and a line per argument that takes its entity's label."""
    from annotator.core import commands as cmd
    from annotator.core.links import entity_for, on_entity
    from annotator.core.models import Argument

    have = set(spans)
    changes, created, moved = [], 0, []
    for event in events:
        args: list[Argument] = []
        for arg in event.arguments:
            target = entity_for(arg.span, have, nudged=True) if on_entity(arg.span) else arg.span
            if target is None:
                target = arg.span
                have.add(target)
                changes.append(cmd.add_span(target))
                created += 1
            elif target != arg.span:
                s, t = arg.span, target
                moved.append(
                    f"{arg.role} {s.start}..{s.end} {s.label} → {t.start}..{t.end} {t.label}"
                )
            linked = Argument(arg.role, target)
            if linked not in args:
                args.append(linked)
        if tuple(args) != event.arguments:
            changes.append(cmd.replace_event(event, replace(event, arguments=tuple(args))))
    return changes, created, moved


def _reference_triggers(db: sqlite_utils.Database) -> None:
    """An argument (but a SPAN phrase: the schema's ANY_SPAN, as of this migration) needs a
    gold span (same article, annotator, offsets, label); such a span
    cannot go or change while an argument refers to it. Messages say "event argument"
    (changes.REFERENCE_ERROR turns them into a conflict the user reads)."""
    needs = """NEW.label <> 'SPAN' AND NOT EXISTS (SELECT 1 FROM gold_events e JOIN gold_spans s
        ON s.article_id = e.article_id AND s.annotator = e.annotator
        WHERE e.uid = NEW.event_uid AND s.start = NEW.start AND s."end" = NEW."end"
        AND s.label = NEW.label)"""
    for op in ("INSERT", 'UPDATE OF event_uid, start, "end", label'):
        name = op.split()[0].lower()
        db.execute(
            f"CREATE TRIGGER gold_arguments_need_entity_{name} BEFORE {op} ON gold_arguments "
            f"WHEN {needs} BEGIN SELECT RAISE(ABORT, "
            "'an event argument needs a gold entity with its offsets and label'); END"
        )
    used = """EXISTS (SELECT 1 FROM gold_events e JOIN gold_arguments a ON a.event_uid = e.uid
        WHERE e.article_id = OLD.article_id AND e.annotator = OLD.annotator
        AND a.start = OLD.start AND a."end" = OLD."end" AND a.label = OLD.label)"""
    for op in ("DELETE", 'UPDATE OF article_id, annotator, start, "end", label'):
        name = op.split()[0].lower()
        db.execute(
            f"CREATE TRIGGER gold_spans_keep_arguments_{name} BEFORE {op} ON gold_spans "
            f"WHEN {used} BEGIN SELECT RAISE(ABORT, "
            "'the gold entity is an event argument: change the event with it'); END"
        )
    db["gold_arguments"].create_index(["start", "end", "label"], if_not_exists=True)


def _m004_assignments(db: sqlite_utils.Database) -> None:
    """Which annotators each article is assigned to (``annotator assign``): the queue
    the window shows each annotator, and the overlap agreement is measured on. Not gold:
    no decision is logged for it, and nothing else changes."""
    db["assignments"].create(
        {"article_id": int, "annotator": str, "assigned_at": str},
        pk=("article_id", "annotator"),
        foreign_keys=[("article_id", "articles", "id")],
    )
    db["assignments"].create_index(["annotator", "article_id"])


def _m005_models(db: sqlite_utils.Database) -> None:
    """Models trained on the project's gold (``annotator train``), found by name: where the
    pipeline is, its language and base, what it learned from (a hash of the gold) and its
    scores on the held-out gold next to the base model's. Not gold: no decision logged."""
    db["models"].create(
        {
            "name": str,
            "version": str,
            "path": str,
            "lang": str,
            "base": str,
            "data_hash": str,
            "scores": str,  # JSON
            "trained_at": str,
        },
        pk=("name", "version"),
    )


def _m006_suggestion_counts(db: sqlite_utils.Database) -> None:
    """Suggestions by kind and label, kept in a small table so ``annotator stats`` does not
    count tens of millions of rows each time. Not gold: nothing is logged.

    ``suggestion_counts`` holds the counts of the suggestions with ``id <= upto``
    (``suggestion_counts_upto``); :func:`annotator.store.stats.suggestion_counts` counts
    the newer ones (an id range) and moves ``upto`` on. Inserts take new ids, above
    ``upto``, and no trigger: an insert trigger, even one that does nothing, costs ~60 % of
    a bulk insert of suggestions. Triggers keep the counts exact for deletes and updates by
    any writer; a delete also lowers ``upto`` to the largest id left, so an id SQLite hands
    out again is above it. (Not counted: another program inserting a row with an explicit id
    at or below ``upto``; no code of ours does.) Starts at 0: the first ``stats`` counts
    everything once.
    """
    db.execute(
        "CREATE TABLE suggestion_counts (kind TEXT NOT NULL, label TEXT NOT NULL, "
        "n INTEGER NOT NULL, PRIMARY KEY (kind, label)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE suggestion_counts_upto "
        "(one INTEGER PRIMARY KEY CHECK (one = 1), upto INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO suggestion_counts_upto VALUES (1, 0)")
    upto = "(SELECT upto FROM suggestion_counts_upto)"
    add = (
        f"INSERT INTO suggestion_counts SELECT NEW.kind, NEW.label, 1 WHERE NEW.id <= {upto} "
        "ON CONFLICT (kind, label) DO UPDATE SET n = n + 1;"
    )
    remove = (
        f"UPDATE suggestion_counts SET n = n - 1 WHERE OLD.id <= {upto} "
        "AND kind = OLD.kind AND label = OLD.label;"
    )
    lower = (
        "UPDATE suggestion_counts_upto SET upto = "
        "min(upto, (SELECT coalesce(max(id), 0) FROM suggestions));"
    )
    db.execute(
        f"CREATE TRIGGER suggestion_counts_delete AFTER DELETE ON suggestions "
        f"WHEN OLD.id <= {upto} BEGIN {remove} {lower} END"
    )
    db.execute(
        "CREATE TRIGGER suggestion_counts_update AFTER UPDATE OF id, kind, label "
        f"ON suggestions BEGIN {remove} {add} {lower} END"
    )


def _m007_runs_by_model(db: sqlite_utils.Database) -> None:
    """An index of ``suggestion_runs`` by model and version. ``annotator stats`` counts the
    articles each model has run on: without it SQLite sorts every run (0.6 s at 1,000,000
    articles); with it the count walks the index in order. Not gold: nothing is logged."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_suggestion_runs_model "
        "ON suggestion_runs (model, model_version)"
    )


def _m008_no_suggestions_model_index(db: sqlite_utils.Database) -> None:
    """Drop the index of ``suggestions`` by (model, model_version). No query reads it: every
    query of suggestions by model names the article too and goes by the article index (the
    ranking's query keeps the model index out on purpose, ``+model``: it holds every
    article), and the counts by model walk ``suggestion_runs``' own index (v7). Keeping it
    cost every inserted suggestion an index update: ~8 % of a bulk import of 430,000
    spans. Not gold: nothing is logged, no row changes."""
    db.execute("DROP INDEX IF EXISTS idx_suggestions_model_model_version")


MIGRATIONS: list[Migration] = [
    _m001_initial,
    _m002_integrity,
    _m003_arguments_on_entities,
    _m004_assignments,
    _m005_models,
    _m006_suggestion_counts,
    _m007_runs_by_model,
    _m008_no_suggestions_model_index,
]
VERSION = len(MIGRATIONS)


def user_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def backup(conn: sqlite3.Connection, path: Path, old: int) -> Path:
    target = path.with_name(f"{path.name}.v{old}.bak")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def check_project(db: sqlite_utils.Database) -> None:
    """Refuse a file that is not an annotator project (an empty file or database is fine),
    or a project newer than this code. Runs before anything writes to the file (WAL mode,
    migrations), so a refused file is left exactly as it was.
    """
    try:
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = user_version(db)
        objects = {r[0]: r[1] for r in db.execute("SELECT name, type FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise NotAProjectError(f"not an annotator project ({describe(exc)})") from None
        raise  # read-only, unable to open, ...: the caller describes it as it is
    if app == APPLICATION_ID and version > VERSION:
        raise NewerSchemaError(
            f"the project has schema v{version}, newer than this annotator (v{VERSION}); "
            "upgrade annotator"
        )
    if app == APPLICATION_ID or (app == 0 and version == 0 and not objects):
        return
    tables = {name for name, kind in objects.items() if kind == "table"}
    if app == 0 and version == 1 and V1_TABLES <= tables:
        return  # a project of schema v1, made before projects were marked
    raise NotAProjectError(
        "not an annotator project (an SQLite database of another program); "
        "choose a new file name for a project"
    )


V1_TABLES = {"articles", "suggestions", "gold_spans", "gold_events", "decisions", "meta"}


def migrate(
    db: sqlite_utils.Database,
    path: Path | None,
    write: Callable[[], ContextManager],
    notes: list[str] | None = None,
) -> Path | None:
    """Bring the schema up to date in one write transaction; return the backup, if any.
    What the migrations changed in the data is added to ``notes``.

    ``write`` opens the store's write transaction (BEGIN IMMEDIATE): two processes opening
    one old project at once do not both migrate it, the second finds it done.
    """
    current = user_version(db)
    if current > VERSION:
        raise NewerSchemaError(
            f"the project has schema v{current}, newer than this annotator (v{VERSION}); "
            "upgrade annotator"
        )
    if current == VERSION:
        return None
    saved = backup(db.conn, path, current) if path is not None and current > 0 else None
    with write():
        current = user_version(db)  # again, under the lock
        for number, step in enumerate(MIGRATIONS[current:], start=current + 1):
            said = step(db)
            db.execute(f"PRAGMA user_version = {number}")
            if said and notes is not None:
                notes += said
    return saved
