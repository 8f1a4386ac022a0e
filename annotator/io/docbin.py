"""spaCy training data: ``train.spacy`` / ``dev.spacy`` / ``test.spacy`` and a ``config.cfg``.

Each article becomes one ``Doc`` tokenized by the language's blank tokenizer, its tokens
cut at every start and end of an entity, event trigger, event argument and undecided entity
suggestion (``tokens.gold_doc``: "Acme Ltd" before a full stop becomes the tokens "Ltd" and
"."), so every span lands on whole tokens and none is dropped, expanded or shifted:

- ``doc.ents``: the entity spans that can be NER targets. NER cannot hold overlaps, so the
  policy is *longest first* (then earliest, then label order); overlapped spans are left out
  of ``doc.ents`` and counted. Tokens outside ``doc.ents`` are "O" (the gold is complete),
  except under entity suggestions the annotator left undecided (``doc.pending``): those
  tokens are missing (unknown), and the suggestions are counted in the report.
- ``doc.spans["sc"]``: every entity span, overlaps included (``sc`` is spancat's default key).
- ``doc.spans["events"]``: event triggers, labelled with the event type.
- ``doc.user_data["events"]``: the full events (character offsets, as in the JSONL export),
  ``doc.user_data["meta"]``: id, date, language, title, source, annotator.

Entities that start or end with whitespace stay in ``sc`` but not in ``ents`` (spaCy's NER
rejects them) and are counted. The ``Doc`` keeps ``doc.text`` identical to the article text.
A pipeline's own tokenizer may still keep "Ltd." whole: ``spacy train`` aligns the two
tokenisations and treats such a token as missing in the NER gold rather than mislabelled.

``config.cfg`` comes from spaCy's own ``init config`` (pipeline ``ner``, optimised for
efficiency, offline) with ``paths.train`` / ``paths.dev`` pointing at the files written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import srsly.msgpack
from spacy.tokens import Doc, DocBin
from spacy.tokens import Span as SpacySpan

from annotator.core.models import ENTITY, Event, ParsedDoc, ReadError, Span, partial_entities
from annotator.core.schema import EventSchema
from annotator.io.docbin_stream import DocBinWriter, doc_parts
from annotator.io.export_chunks import Key, Pieces, chunk_items
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    Rendered,
    gold_boundaries,
    non_overlapping,
    render_chunks,
    sorted_events,
    sorted_spans,
    span_example,
)
from annotator.io.export_jsonl import event_dict, meta_dict
from annotator.io.tokens import align, blank, gold_doc, pipe_docs, space_at_edge, spacy_lang

SPANS_KEY = "sc"
EVENTS_KEY = "events"
SUFFIX = ".spacy"
# token attributes worth storing: a blank tokenizer sets nothing else
ATTRS = ["ORTH", "SPACY", "NORM", "ENT_IOB", "ENT_TYPE"]

MISALIGNED = "entity spans beyond the end of the article text: left out of the DocBin"
TRIGGER_MISALIGNED = (
    'event triggers beyond the end of the article text: left out of doc.spans["events"] '
    "(the events stay in user_data)"
)
OVERLAP = 'overlapping entity spans: left out of doc.ents (kept in doc.spans["sc"])'
PENDING_HOW = (
    "not exported as gold; the tokens of the entity suggestions are missing in doc.ents "
    "(unknown), not O"
)
EDGE_SPACE = 'entity spans starting or ending with whitespace: left out of doc.ents (kept in "sc")'


def make_doc(tokens: Doc, doc: AnnotatedDoc, report: ExportReport | None = None) -> Doc:
    """One document's entities, triggers and events on its ``tokens`` (the tokenizer's),
    cut at the gold's boundaries: a new ``Doc`` when a cut was needed, else ``tokens``."""
    report = report or ExportReport()
    tokens = gold_doc(tokens, gold_boundaries(doc), doc.article.text)
    aligned = []
    for span in sorted_spans(doc.spans):
        got = align(tokens, span)
        if got is None:
            report.lose(MISALIGNED, span_example(doc, span))
        else:
            aligned.append((span, got))
    tokens.spans[SPANS_KEY] = [s for _, s in aligned]
    by_span = dict(aligned)
    ner_ok = []
    for span, s in aligned:
        if space_at_edge(s):
            report.lose(EDGE_SPACE, span_example(doc, span))
        else:
            ner_ok.append(span)
    kept, dropped = non_overlapping(ner_ok)
    for span in dropped:
        report.lose(OVERLAP, span_example(doc, span))
    # partial entity gold says nothing about the tokens it leaves out: missing, not O
    unknown = "missing" if partial_entities(doc.article.meta) else "outside"
    ents = [by_span[s] for s in kept]
    tokens.set_ents(ents, missing=_undecided(tokens, doc, ents, report), default=unknown)
    events = sorted_events(doc.events)
    tokens.spans[EVENTS_KEY] = _triggers(tokens, doc, events, report)
    tokens.user_data["events"] = [event_dict(e) for e in events]
    tokens.user_data["meta"] = {**meta_dict(doc), "annotator": doc.annotator}
    return tokens


def _undecided(
    tokens: Doc, doc: AnnotatedDoc, ents: list[SpacySpan], report: ExportReport
) -> list[SpacySpan]:
    """Runs of tokens outside ``ents`` under entity suggestions nobody decided on.

    The annotator neither accepted nor rejected them: their tokens are unknown, not "O"
    (training them as "O" would teach the model that a likely entity is none).
    """
    report.pending_how = PENDING_HOW
    report.pending(doc)
    taken = {i for ent in ents for i in range(ent.start, ent.end)}
    unknown: set[int] = set()
    for suggestion in doc.pending:
        if suggestion.kind != ENTITY:
            continue
        got = tokens.char_span(suggestion.span.start, suggestion.span.end, alignment_mode="expand")
        if got is not None:
            unknown.update(i for i in range(got.start, got.end) if i not in taken)
    runs: list[list[int]] = []
    for i in sorted(unknown):
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [tokens[run[0] : run[-1] + 1] for run in runs]


def _triggers(tokens: Doc, doc: AnnotatedDoc, events: list[Event], report: ExportReport) -> list:
    out = []
    for trigger in sorted_spans(e.trigger for e in events):
        got = align(tokens, trigger)
        if got is None:
            report.lose(TRIGGER_MISALIGNED, span_example(doc, trigger))
        else:
            out.append(got)
    return out


@contextmanager
def fast_msgpack() -> Iterator[None]:
    """Look srsly's msgpack encoders and decoders up once instead of on every call.

    ``DocBin.add`` packs each doc's span groups and user data with a new msgpack Packer,
    and every Packer asks catalogue for the registered encoders: a scan of all registered
    functions and installed entry points, ~0.6 ms, 4 times per doc — 6x the cost of the
    whole export otherwise. The registries do not change while we export, so their answer
    is computed once for the block and the method restored afterwards.
    """
    registries = [srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders]
    patched = [r for r in registries if "get_all" not in vars(r)]  # nested use: outer owns it
    for registry in patched:
        found = registry.get_all()
        registry.get_all = lambda found=found: found  # type: ignore[method-assign]
    try:
        yield
    finally:
        for registry in patched:
            del registry.get_all  # the instance attribute: the class method shows again


def write_docbins(
    items: Iterable[Item], out_dir: Path, report: ExportReport | None = None
) -> dict[str, Path]:
    """Write ``out_dir/<split>.spacy`` for every split present; return the paths.

    The files are the ones ``DocBin(attrs=ATTRS, store_user_data=True).to_disk`` writes,
    streamed (:mod:`annotator.io.docbin_stream`: memory stays flat however many
    documents); the documents are made on every core for a large export."""
    report = report or ExportReport()
    writers: dict[str, DocBinWriter] = {}
    with fast_msgpack():
        for (split, doc), parts in render_chunks(_split_checked(items), _parts, report):
            report.count(split, doc)
            if split not in writers:
                writers[split] = DocBinWriter(ATTRS, store_user_data=True)
            writers[split].add(parts)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        paths = {}
        for split, writer in writers.items():
            paths[split] = Path(out_dir) / f"{split}{SUFFIX}"
            writer.write(paths[split])
    return paths


def _split_checked(items: Iterable[Item]) -> Iterator[Item]:
    for split, doc in items:
        if not split:
            raise ValueError("a spaCy export needs a split (train and dev)")
        yield split, doc


def _parts(chunk: list[Item]) -> Rendered:
    """One chunk's documents as ``DocBin.add`` stores them, with the report (in a worker)."""
    report = ExportReport()
    with fast_msgpack():
        parts: list[Any] = [
            doc_parts(make_doc(tokens, doc, report), ATTRS)
            for (_, doc), tokens in pipe_docs(chunk, _text, _lang)
        ]
    return parts, report


def gold_parts(
    cache: Any,
    read: Callable[[list[Key]], list[Any]],
    schema: EventSchema | None,
    keys: list[Key],
) -> Pieces:
    """One chunk of a project's gold as ``DocBin.add``'s values per split, read here (in a
    worker: :mod:`annotator.io.export_chunks`) by ``read``, counted in the chunk's report.
    (``cache``: unused, the DocBin tokenizes.)"""
    chunk = chunk_items(read, keys)
    parts, report = _parts(chunk)
    report.schema = schema  # to count arguments whose label misfits the role
    out: dict[str, list[Any]] = {}
    for (split, doc), part in zip(chunk, parts):
        report.count(split, doc)
        out.setdefault(split, []).append(part)
    return out, report


def write_docbin_chunks(
    outputs: Iterable[Pieces], out_dir: Path, report: ExportReport
) -> dict[str, Path]:
    """:func:`write_docbins`' files from chunks of :func:`gold_parts`."""
    writers: dict[str, DocBinWriter] = {}
    with fast_msgpack():
        for pieces, part in outputs:
            report.merge(part)
            for split, parts in pieces.items():
                if not split:
                    raise ValueError("a spaCy export needs a split (train and dev)")
                if split not in writers:
                    writers[split] = DocBinWriter(ATTRS, store_user_data=True)
                for one in parts:
                    writers[split].add(one)
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        paths = {}
        for split, writer in writers.items():
            paths[split] = Path(out_dir) / f"{split}{SUFFIX}"
            writer.write(paths[split])
    return paths


def spacy_config(lang: str, train: Path, dev: Path, base_model: str | None = None) -> str:
    """spaCy's own quickstart config for an NER pipeline, with the data paths filled in.

    With ``base_model`` (a pipeline name or path, e.g. ``en_core_web_sm``) the config
    fine-tunes that pipeline's ``ner`` (``source = ...``) instead of training one from
    scratch: what a small gold set needs (``spacy debug data`` fails a blank pipeline with
    fewer than 100 training documents). The base pipeline's NER must not listen to a shared
    tok2vec (true for spaCy's ``*_sm`` pipelines).
    """
    from spacy.cli.init_config import init_config  # the CLI module: import only when needed

    config = init_config(lang=spacy_lang(lang), pipeline=["ner"], optimize="efficiency")
    # absolute paths: `spacy train` resolves them from its working directory, not the config
    config["paths"]["train"] = str(Path(train).resolve())
    config["paths"]["dev"] = str(Path(dev).resolve())
    if base_model:
        config["nlp"]["pipeline"] = ["ner"]
        config["components"] = {"ner": {"source": base_model}}
    return config.to_str()


def write_config(
    out_dir: Path,
    lang: str,
    paths: dict[str, Path],
    base_model: str | None = None,
    shown: Path | None = None,
) -> Path:
    """Write ``out_dir/config.cfg`` for the train and dev files in ``paths``.

    ``shown`` names the folder in messages (the export's ``--out`` while ``out_dir`` is
    the temporary folder it is written in)."""
    missing = [s for s in ("train", "dev") if s not in paths]
    if missing:
        raise ValueError(
            f"{shown or out_dir}: no documents fell in the {' and '.join(missing)} split; "
            "spaCy needs both (export more articles or change --split)"
        )
    path = Path(out_dir) / "config.cfg"
    text = spacy_config(lang, paths["train"], paths["dev"], base_model)
    path.write_text(text, encoding="utf-8")
    return path


def read_docbin(path: str | Path) -> Iterator[ParsedDoc | ReadError]:
    """Read a ``.spacy`` file written by :func:`write_docbins` (or any DocBin) back.

    Entity spans come from ``doc.spans["sc"]`` (else ``doc.ents``), events from
    ``user_data["events"]``, metadata from ``user_data["meta"]``.
    """
    source = str(path)
    try:
        with fast_msgpack():
            docbin = DocBin(store_user_data=True).from_disk(path)
            docs = list(docbin.get_docs(blank("xx").vocab))
    except (OSError, ValueError) as exc:
        yield ReadError(source, f"not a readable spaCy DocBin: {exc}")
        return
    for n, doc in enumerate(docs, 1):
        yield _parsed(doc, source, n)


def _parsed(doc: Doc, source: str, n: int) -> ParsedDoc:
    data: dict[str, Any] = doc.user_data
    meta = data.get("meta") or {}
    spans = doc.spans[SPANS_KEY] if SPANS_KEY in doc.spans else doc.ents
    return ParsedDoc(
        text=doc.text,
        title=meta.get("title") or "",
        lang=meta.get("language") or "",
        date=meta.get("date"),
        time=meta.get("time"),
        source=source,
        external_id=str(meta.get("id") or f"{Path(source).stem}:{n}"),
        meta={"format": "spacy"},
        spans=[Span(s.start_char, s.end_char, s.label_) for s in spans],
        events=[Event.from_dict(e) for e in data.get("events") or []],
    )


def _text(item: Item) -> str:
    return item[1].article.text


def _lang(item: Item) -> str:
    return item[1].article.lang
