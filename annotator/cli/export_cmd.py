"""``annotator export``: training sets from the gold (or the model's suggestions).

Formats: ``jsonl`` (Prodigy), ``spacy`` (DocBin + config.cfg), ``conll`` (IOB2), ``brat``,
``labelstudio`` (a JSON list of Label Studio tasks), ``doccano`` (its sequence labelling
JSONL) and ``doccano-conll`` (the tab-separated CoNLL doccano's parser reads).
Tokens everywhere are spaCy's blank tokenizer for the article's language ("xx" when spaCy
lacks it), cut at the gold spans' edges so that no span is lost to tokenisation.
:func:`run_export` is the plain function behind the command.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import click
from tqdm import tqdm

from annotator.cli.common import db_option, open_store, schema_option, user_errors
from annotator.core.adjudication import ADJUDICATOR
from annotator.core.commands import STATUSES
from annotator.core.langs import canonical_lang
from annotator.core.models import ENTITY, EVENT
from annotator.core.schema import load_schema
from annotator.core.text import content_hash
from annotator.io import export_common, reader
from annotator.io.export_chunks import Key, chunk_outputs, write_chunk_bytes
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportDoc,
    ExportReport,
    Item,
    event_key,
    moved,
    sorted_spans,
    staged,
)
from annotator.io.split import assign, parse_ratios, split_of
from annotator.io.token_cache import TokenCache, sidecar_path, tokenizer_version
from annotator.store import Store, browse
from annotator.store.gold import GoldRows, gold_pairs, gold_rows
from annotator.store.team import default_export_annotator

FORMATS = ("jsonl", "spacy", "conll", "brat", "labelstudio", "doccano", "doccano-conll")
# each format's writer, imported when used (most import spaCy: an export of cached tokens
# needs none of it)
WRITERS = {
    "jsonl": ("annotator.io.export_jsonl", "write_jsonl"),
    "spacy": ("annotator.io.docbin", "write_docbins"),
    "conll": ("annotator.io.conll", "write_conll"),
    "brat": ("annotator.io.brat", "write_brat"),
    "labelstudio": ("annotator.io.export_labelstudio", "write_labelstudio"),
    "doccano": ("annotator.io.doccano", "write_doccano"),
    "doccano-conll": ("annotator.io.doccano", "write_doccano_conll"),
}


def writer(fmt: str) -> Callable[..., dict[str, Path]]:
    module, name = WRITERS[fmt]
    return getattr(importlib.import_module(module), name)


CACHED = {"jsonl", "conll"}  # writers that take the project's TokenCache
# formats whose gold export reads the gold in the workers, chunk by chunk
CHUNKED = {
    "jsonl": ("annotator.io.export_jsonl", "gold_lines"),
    "conll": ("annotator.io.conll", "gold_blocks"),
    "spacy": ("annotator.io.docbin", "gold_parts"),
}
SUFFIXES = {"jsonl": ".jsonl", "conll": ".conll"}
NEEDS_SPACY = {"spacy"}  # chunked formats whose workers use spaCy on every article
# without --split, --out names a file
FILE_FORMATS = {"jsonl", "conll", "labelstudio", "doccano", "doccano-conll"}
SPACY_DEFAULT_SPLIT = "0.8,0.2"
# what an export folder holds: --force replaces only such a folder, never someone's files
EXPORT_SUFFIXES = {".jsonl", ".json", ".conll", ".spacy", ".cfg", ".txt", ".ann", ".conf"}
EXPORT_FOLDERS = {"train", "dev", "test"}


def gold_docs(
    store: Store, *, annotator: str | None, status: str | None, lang: str | None
) -> Iterator[AnnotatedDoc]:
    return store.iter_gold(annotator=annotator, status=status, lang=lang)


NOT_RUN = (
    "articles no model (of --model) has run on: left out (written with no suggestions they "
    "would read as text without entities)"
)


def suggestion_docs(
    store: Store,
    *,
    lang: str | None,
    model: str | None,
    report: ExportReport | None = None,
) -> Iterator[ExportDoc]:
    """Every article a model ran on, with its suggestions on it (``model``: NAME or
    NAME@VERSION); the articles no such model ran on are counted in ``report``."""
    name, _, version = (model or "").partition("@")
    ran = "SELECT 1 FROM suggestion_runs WHERE article_id = ?"
    ran += " AND model = ?" if name else ""
    ran += " AND model_version = ?" if version else ""
    for row in store.list_articles("", lang=lang):
        chosen = [
            s
            for s, _ in store.suggestions(row.id, "")
            if s.source == "model"
            and (not name or s.model == name)
            and (not version or s.model_version == version)
        ]
        args = [row.id, *([name] if name else []), *([version] if version else [])]
        if not chosen and store.db.execute(ran + " LIMIT 1", args).fetchone() is None:
            if report is not None:
                report.lose(NOT_RUN)
            continue
        events = {event_key(e): e for e in (s.as_event() for s in chosen if s.kind == EVENT)}
        yield ExportDoc(
            article=store.get_article(row.id),
            annotator=model or "model",
            spans=sorted_spans(s.span for s in chosen if s.kind == ENTITY),
            events=[events[k] for k in sorted(events)],
        )


def check_output(out: Path, fmt: str, split: bool, force: bool) -> None:
    """Refuse to replace an earlier export unless asked to, or anything else at all."""
    folder = fmt not in FILE_FORMATS or split
    if folder and out.exists() and not out.is_dir():
        raise ValueError(f"{out}: exists and is not a folder (this export writes a folder)")
    if not folder and out.is_dir():
        raise ValueError(f"{out}: is a folder (this export writes a file)")
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        return
    if not force:
        what = "folder is not empty" if folder else "already exists"
        raise ValueError(f"{out}: {what} (pass --force to replace it)")
    if folder and (stranger := _not_exported(out)) is not None:
        raise ValueError(
            f"{out}: holds {stranger.relative_to(out)}, which no export writes; "
            "--force replaces the whole folder, so choose another --out"
        )


def _not_exported(folder: Path) -> Path | None:
    """A file or folder inside ``folder`` that an export would not have written, if any."""
    for path in folder.rglob("*"):
        if path.is_dir() and path.parent == folder and path.name in EXPORT_FOLDERS:
            continue
        if not path.is_file() or path.suffix not in EXPORT_SUFFIXES or path.name[0] == ".":
            return path
    return None


def run_export(
    store: Store,
    fmt: str,
    out: Path,
    *,
    status: str | None = "done",
    annotator: str | None = None,
    lang: str | None = None,
    split: str | None = None,
    seed: int = 0,
    suggestions: bool = False,
    model: str | None = None,
    base_model: str | None = None,
    progress: bool = False,
    schema: Path | None = None,
) -> tuple[ExportReport, dict[str, Path]]:
    """Export the selected documents; return the report and the paths written.

    ``split`` is a ratio list such as "0.8,0.1,0.1" (None: one output). The spaCy format
    always splits (default 0.8,0.2) and also writes ``config.cfg`` (fine-tuning
    ``base_model``'s NER when given).
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    if fmt == "spacy" and not split:
        split = SPACY_DEFAULT_SPLIT
    ratios = parse_ratios(split) if split else None
    report = ExportReport()
    report.schema = load_schema(schema)  # to count arguments whose label misfits the role
    with staged(out) as target:  # all or nothing: the old output stays until this is whole
        if not suggestions and fmt in CHUNKED:  # the workers read the gold themselves
            keys = gold_keys(store, annotator, status, lang, ratios, seed)
            paths = _write_chunked(store, fmt, keys, target, report, progress, lang)
        else:
            if suggestions:
                docs: Iterable[AnnotatedDoc] = suggestion_docs(
                    store, lang=lang, model=model, report=report
                )
            else:
                docs = gold_docs(store, annotator=annotator, status=status, lang=lang)
            items: Iterable[Item] = assign(docs, ratios, seed)
            if progress:
                items = tqdm(items, unit="doc", desc=f"export {fmt}", leave=False)
            paths = _write(fmt, items, target, report, schema, token_cache(store))
        if not report.docs and (left_out := report.loss_lines()):
            # there was gold, but none of it could be written in this format
            raise ValueError(f"nothing exported: {'; '.join(left_out)}")
        if not report.docs:
            raise ValueError(_nothing_message(suggestions, status, annotator, lang))
        if fmt == "spacy" and not untrained(ratios):
            config_lang = lang or report.langs.most_common(1)[0][0]
            final = moved(paths, target, out)  # config.cfg names where the files will be
            from annotator.io.docbin import write_config

            paths["config"] = write_config(target, config_lang, final, base_model, out)
        paths = moved(paths, target, out)
    return report, paths


def untrained(ratios: list[tuple[str, float]] | None) -> list[str]:
    """The parts config.cfg needs (train, dev) that a spaCy export's split gives a ratio
    of 0. Such a split (``--split 1,0,0``: one DocBin of everything) writes the DocBins of
    its non-empty parts and no config.cfg; a split that asks for both but leaves one empty
    is refused (:func:`~annotator.io.docbin.write_config`)."""
    parts = dict(ratios or ())
    return [name for name in ("train", "dev") if parts.get(name, 0) <= 0]


def gold_keys(
    store: Store,
    annotator: str | None,
    status: str | None,
    lang: str | None,
    ratios: list[tuple[str, float]] | None,
    seed: int,
) -> list[Key]:
    """(split, article id, annotator) of every gold :func:`gold_docs` reads, in its order,
    each in the split :func:`~annotator.io.split.assign` gives it."""
    pairs = gold_pairs(store.db, annotator, status, lang)
    if ratios is None:
        return [("", aid, who) for aid, who, _ in pairs]
    keys = []
    for aid, who, text_hash in pairs:
        if not text_hash:  # as assign: the text's hash
            text_hash = content_hash(store.get_article(aid).text)
        keys.append((split_of(text_hash, ratios, seed), aid, who))
    return keys


class ProjectGold:
    """Reads chunks of a project's gold (:func:`~annotator.store.gold.gold_rows`): in this
    process through the store's connection, in an export worker through a connection of
    its own to the project file (a connection never crosses a fork)."""

    def __init__(self, store: Store) -> None:
        self.path = store.path
        self._db: Any = store.db
        self._pid = os.getpid()

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path, self._db, self._pid = state["path"], None, 0

    def __call__(self, keys: list[Key]) -> list[GoldRows]:
        db = self._db if self._pid == os.getpid() else _connection(self.path)
        return gold_rows(db, [(aid, who) for _, aid, who in keys])


_CONNECTIONS: dict[tuple[int, Path], sqlite3.Connection] = {}


def _connection(path: Path | None) -> sqlite3.Connection:
    """This process's read-only connection to the project at ``path``."""
    if path is None:
        raise ValueError("a project in memory cannot be read by an export worker")
    key = (os.getpid(), path)
    if key not in _CONNECTIONS:
        conn = sqlite3.connect(path, timeout=30)
        conn.execute("PRAGMA query_only = ON")
        _CONNECTIONS[key] = conn
    return _CONNECTIONS[key]


def _write_chunked(
    store: Store,
    fmt: str,
    keys: list[Key],
    target: Path,
    report: ExportReport,
    progress: bool,
    lang: str | None = None,
) -> dict[str, Path]:
    """Export the gold of ``keys`` with workers that read their chunks from the project
    themselves (:mod:`annotator.io.export_chunks`; ``lang``: the export's --lang)."""
    bar = tqdm(total=len(keys), unit="doc", desc=f"export {fmt}", leave=False) if progress else None
    cache = token_cache(store)
    _prepare(store, cache, keys, fmt, lang)
    module, name = CHUNKED[fmt]
    work = partial(
        getattr(importlib.import_module(module), name), cache, ProjectGold(store), report.schema
    )
    outputs = _checkpointing(
        chunk_outputs(
            keys, work, parallel=store.path is not None, progress=bar.update if bar else None
        ),
        cache,
    )
    try:
        if fmt == "spacy":
            from annotator.io.docbin import write_docbin_chunks

            return write_docbin_chunks(outputs, target, report)
        return write_chunk_bytes(outputs, target, SUFFIXES[fmt], report)
    finally:
        if bar is not None:
            bar.close()


def _checkpointing(outputs: Iterator[Any], cache: TokenCache) -> Iterator[Any]:
    """The chunks' outputs; between them, this process checkpoints the token cache's log
    (TokenCache.checkpoint: the disk syncs of a first export's writes happen here, while
    the workers render, not in their commits)."""
    for pieces in outputs:
        yield pieces
        cache.checkpoint()


def _prepare(
    store: Store, cache: TokenCache, keys: list[Key], fmt: str, lang: str | None = None
) -> None:
    """Before the workers fork: each language's tokenizer version (remembered in the token
    cache: no spaCy), and spaCy with the tokenizers only when the workers will tokenize
    (the first chunk's tokens are not all cached; a format that needs spaCy anyway). The
    workers start with what is loaded here, instead of loading it once each. Only the
    languages of what is exported (--lang, else its articles'): each other language's
    tokenizer costs ~1 s to build."""
    exported = {aid for _, aid, _ in keys}
    langs = [canonical_lang(lang)] if lang else browse.languages_of(store, exported)
    for lang in langs:
        cache.version(lang)
    ids = sorted({aid for _, aid, _ in keys[: export_common.CHUNK]})
    marks = ",".join("?" * len(ids))
    first = store.db.execute(
        f"SELECT content_hash, lang, text FROM articles WHERE id IN ({marks})", ids
    ).fetchall()
    if fmt in NEEDS_SPACY or not cache.all_cached(first):
        for lang in langs:
            tokenizer_version(lang)  # imports spaCy and loads the tokenizer
    if fmt == "conll":
        from annotator.io.conll import remember_facts

        remember_facts(cache, langs)


def token_cache(store: Store) -> TokenCache:
    """The project's token cache (a sidecar file; nothing kept for an in-memory project)."""
    return TokenCache(sidecar_path(store.path))


def _write(
    fmt: str,
    items: Iterable[Item],
    target: Path,
    report: ExportReport,
    schema: Path | None,
    cache: TokenCache,
) -> dict[str, Path]:
    if fmt == "brat":  # annotation.conf declares the event schema's types, roles, attributes
        from annotator.io.brat_conf import BratSchema

        conf = BratSchema()
        conf.add_event_schema(load_schema(schema))
        return writer(fmt)(items, target, report, conf)
    if fmt in CACHED:  # they read the tokens from the project's token cache
        return writer(fmt)(items, target, report, cache=cache)
    return writer(fmt)(items, target, report)


def _split_notes(
    fmt: str, split: str | None, lang: str | None, report: ExportReport, paths: dict[str, Path]
) -> list[str]:
    """What a split left unwritten: parts asked for that no document fell in (a part of
    ratio 0 was not asked for), spaCy's config.cfg when the split has no train or no dev
    part; and which language config.cfg is for."""
    notes = []
    if fmt == "spacy" and "config" not in paths:
        zero = " and ".join(untrained(parse_ratios(split or SPACY_DEFAULT_SPLIT)))
        notes.append(
            f"no config.cfg written: --split {split} gives {zero} a ratio of 0, and "
            "spacy train needs a train and a dev part (e.g. --split 0.8,0.2)"
        )
    elif fmt == "spacy" and len(report.langs) > 1:
        chosen = lang or report.langs.most_common(1)[0][0]
        counts = ", ".join(f"{n:,} {code}" for code, n in report.langs.most_common())
        notes.append(
            f"documents in several languages ({counts}); config.cfg is for {chosen} only "
            "(export each language with --lang for a config of its own)"
        )
    for name, ratio in parse_ratios(split) if split else ():
        if ratio > 0 and name not in paths:
            notes.append(f"no documents fell in the {name} split: nothing written for it")
    return notes


def _import_hint(fmt: str, out: Path, split: str | None) -> list[str]:
    """How to import back a file written under a name that ``annotator import`` does not
    take for its format by itself (a Label Studio export named ``tasks.txt`` would be read
    as plain text, one named ``tasks.jsonl`` line by line)."""
    if split or fmt not in FILE_FORMATS:
        return []
    if reader.import_format(fmt) in reader.formats_by_name(out):
        return []
    suffixes = ", ".join(sorted(reader.extensions(fmt)))
    return [
        f"annotator import does not take {out.name} for {fmt} by its name (it takes "
        f"{suffixes}): import it back with --format {fmt}"
    ]


def _nothing_message(
    suggestions: bool, status: str | None, annotator: str | None, lang: str | None
) -> str:
    if suggestions:
        what = "no articles" + (f" in language {lang!r}" if lang else "")
    else:
        what = f"no gold with status {status or 'any'!r}"
        what += f" by {annotator!r}" if annotator else ""
        what += f" in language {lang!r}" if lang else ""
    return f"nothing to export: {what}"


def _team_note(
    store: Store, chosen: bool, adjudicated: str | None, status: str | None
) -> list[str]:
    """What an export without --annotator (``chosen``: with one, or of suggestions) leaves
    out or doubles in a team's project: the articles the annotators finished that are not
    adjudicated yet (exporting the adjudicated gold), or the articles written once per
    annotator (before adjudication: their versions side by side, disagreements included)."""
    if chosen:
        return []
    status = None if status == "any" else status
    where, args = "s.annotator <> ?", [ADJUDICATOR]
    if status:
        where, args = f"{where} AND s.status = ?", [*args, status]
    if adjudicated is not None:
        sql = f"""SELECT count(DISTINCT s.article_id) FROM article_status s WHERE {where}
            AND NOT EXISTS (SELECT 1 FROM article_status g WHERE g.article_id = s.article_id
            AND g.annotator = ? AND (? IS NULL OR g.status = ?))"""
        (n,) = store.db.execute(sql, [*args, adjudicated, status, status]).fetchone()
        if n:
            return [
                f"{n} article{'s' if n != 1 else ''} the annotators finished "
                f"{'is' if n == 1 else 'are'} not adjudicated yet and not in this export "
                "(adjudicate them: Team → Adjudicate; or --annotator NAME for one annotator's)"
            ]
        return []
    sql = f"""SELECT count(*), max(k) FROM (SELECT count(*) AS k FROM article_status s
        WHERE {where} GROUP BY s.article_id HAVING count(*) > 1)"""
    n, most = store.db.execute(sql, args).fetchone()
    if n:
        return [
            f"{n} article{'s' if n != 1 else ''} {'is' if n == 1 else 'are'} in this export "
            f"once per annotator (up to {most} versions side by side, disagreements "
            "included): adjudicate them (Team → Adjudicate) or pass --annotator NAME"
        ]
    return []


def _own_gold_hint(store: Store, status: str | None, adjudicator: str | None) -> str:
    """Whose own gold there is, when the adjudicated version has none to export yet."""
    sql = "SELECT annotator, count(*) FROM article_status WHERE annotator != ?"
    args: list[str | None] = [adjudicator]
    if status and status != "any":
        sql += " AND status = ?"
        args.append(status)
    found = store.db.execute(sql + " GROUP BY 1 ORDER BY 1", args).fetchall()
    if not found:
        return "no annotator has any either"
    own = ", ".join(f"{who} ({n})" for who, n in found)
    return f"pass --annotator NAME to export an annotator's own gold: {own}"


def _check_options(
    fmt: str,
    split: str | None,
    seed: int,
    suggestions: bool,
    model: str | None,
    base_model: str | None,
) -> None:
    """Options that do not go together, or a --split that is no split: usage errors
    (exit 2), before anything is read."""
    if model and not suggestions:
        raise click.UsageError("--model only applies with --suggestions")
    if base_model and fmt != "spacy":
        raise click.UsageError("--base-model only applies to --format spacy")
    if split:
        try:
            parse_ratios(split)
        except ValueError as exc:
            why = str(exc).removeprefix(f"--split {split!r}: ")
            raise click.BadParameter(f"{split!r}: {why}", param_hint="--split") from None
    elif seed and fmt != "spacy":  # spacy splits by default: its --seed counts
        raise click.UsageError("--seed only applies with --split (it seeds the split)")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Output file (jsonl, conll, labelstudio, doccano, doccano-conll without --split) "
    "or folder (spacy, brat, any --split).",
)
@db_option
@click.option(
    "--status",
    default="done",
    show_default=True,
    type=click.Choice([*STATUSES, "any"]),
    help="Export articles the annotator marked with this status.",
)
@click.option(
    "--annotator",
    default=None,
    help="Only this annotator's gold (default: the adjudicated 'gold' if any, else everyone's).",
)
@click.option("--lang", default=None, help="Only articles in this language.")
@click.option(
    "--split",
    "split",
    default=None,
    help="Train,dev[,test] ratios, e.g. 0.8,0.1,0.1 (spacy default: 0.8,0.2); a part of "
    "ratio 0 is not written (1,0,0: everything in train).",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the split.")
@click.option(
    "--suggestions",
    is_flag=True,
    help="Export the model's suggestions on every article instead of gold.",
)
@click.option("--model", default=None, help="With --suggestions: only NAME or NAME@VERSION.")
@click.option(
    "--base-model",
    default=None,
    help="spacy: config.cfg fine-tunes this pipeline's NER (e.g. en_core_web_sm) instead of "
    "training one from scratch (spaCy wants >= 100 training articles for that).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace an earlier export (the file, or the whole folder); the old one stays "
    "until the new one is complete.",
)
@schema_option("brat: event schema for annotation.conf (default: the bundled one).")
@user_errors
def export_cmd(
    fmt: str,
    out: Path,
    db: Path | None,
    status: str,
    annotator: str | None,
    lang: str | None,
    split: str | None,
    seed: int,
    suggestions: bool,
    model: str | None,
    base_model: str | None,
    force: bool,
    schema: Path | None,
) -> None:
    """Export gold annotations as training data (jsonl, spacy, conll, brat) or for other
    annotation tools (labelstudio, doccano, doccano-conll).

    The split is deterministic: by a hash of each article's text and the seed, so copies of
    one text never land in two splits and an article keeps its split as the data grows.
    Annotations a format cannot hold are counted on stderr, never silently dropped.
    """
    _check_options(fmt, split, seed, suggestions, model, base_model)
    check_output(out, fmt, bool(split) or fmt == "spacy", force)
    store = open_store(db, create=False)
    with store:
        adjudicated = None if suggestions or annotator else default_export_annotator(store)
        if adjudicated is not None:
            click.echo(f"note: exporting the adjudicated gold of {adjudicated!r}", err=True)
        team = _team_note(store, suggestions or bool(annotator), adjudicated, status)
        try:
            report, paths = run_export(
                store,
                fmt,
                out,
                status=None if status == "any" else status,
                annotator=annotator or adjudicated,
                lang=lang,
                split=split,
                seed=seed,
                suggestions=suggestions,
                model=model,
                base_model=base_model,
                progress=sys.stderr.isatty(),
                schema=schema,
            )
        except ValueError as exc:
            if adjudicated is None or not str(exc).startswith("nothing to export"):
                raise
            raise ValueError(f"{exc}; {_own_gold_hint(store, status, adjudicated)}") from None
    notes = [*report.loss_lines(), *team, *_split_notes(fmt, split, lang, report, paths)]
    for line in [*notes, *_import_hint(fmt, out, split)]:
        click.echo(f"note: {line}", err=True)
    for line in report.summary_lines():
        click.echo(line)
    for name, path in sorted(paths.items()):
        click.echo(f"wrote {path}" if name in ("", "config") else f"wrote {name}: {path}")


__all__ = ["export_cmd", "run_export", "suggestion_docs", "check_output"]
