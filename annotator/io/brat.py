"""brat standoff: a writer (``ID.txt`` + ``ID.ann`` + ``annotation.conf``) and a reader.

Written per article::

    T1	PERSON 0 21	Kassym-Jomart Tokayev
    T3	Meet 63 70	meeting
    E1	Meet:T3 Participant:T1 Participant2:T2 Place:T4
    A1	Negation E1
    A2	Modality E1 future
    #1	AnnotatorNotes T5	argument only

- Entity spans and event triggers are T lines (offsets: code points, end exclusive); one T
  line serves every event with that trigger and every argument with that span.
- A span with line breaks inside is written as brat writes it itself: one fragment per line
  (``0 5;7 12``), the text field joining them with a space. A line break at the very edge of
  a span cannot be marked in brat: it is left out of the span and reported.
- Events are E lines; a repeated role gets a number (``Participant2``) and loses it on
  reading. Attributes are A lines: ``True`` is a binary attribute, ``False`` is absent, any
  other value is written as is (``Modality E1 future``).
- An argument span that is not also an entity span gets an ``argument only`` note, so that
  reading it back does not add an entity.
- File names come from the article's external id (or ``article-<id>``), reduced to
  ``[A-Za-z0-9._-]`` plus a hash of the original when anything was changed, and made unique
  (case-insensitively) within a folder: no path traversal, no collisions.

``annotation.conf`` lists the entity labels, event types with their roles and argument
labels, and the attributes found in the export (see :mod:`annotator.io.brat_conf`).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.core.models import (
    PARTIAL,
    Argument,
    Event,
    ParsedDoc,
    ReadError,
    Skipped,
    Span,
    partial_entities,
)
from annotator.core.text import normalize
from annotator.io.brat_conf import (
    BratSchema,
    binary_attributes,
    check_name,
    doc_problems,
    write_conf,
)
from annotator.io.errors import ParseError
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    doc_ref,
    output_path,
    sorted_events,
    sorted_spans,
    span_example,
)
from annotator.io.plaintext import norm_lang, preview_title

ARGUMENT_ONLY = "argument only"
# brat cannot say "this document's entity gold is partial" (e.g. gold made for events): a
# note on the first text-bound annotation says it, and this reader reads it back
PARTIAL_NOTE = "entities: partial (text without an entity is not known to hold none)"
EDGE_BREAK = "spans starting or ending with a line break: written without it (brat cannot mark it)"
ONLY_BREAKS = "spans of nothing but line breaks: not written (and the events using them)"
MAX_STEM = 100
MAX_NAME_ERRORS = 10
PENDING_HOW = "not written (brat cannot mark text as undecided: read back, it holds no entity)"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt") for i in range(10)}


# -- file names ---------------------------------------------------------------------------


def safe_stem(raw: str) -> str:
    """A file stem that cannot escape the folder; changed names carry a hash of the original."""
    clean = _UNSAFE.sub("_", raw).lstrip(".")[:MAX_STEM] or "_"
    if clean.split(".")[0].lower() in _RESERVED:
        clean = "_" + clean
    if clean != raw:
        clean += "-" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
    return clean


class SafeNames:
    """Hands out unique stems within one folder (compared case-insensitively)."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, raw: str, qualifier: str = "") -> str:
        base = safe_stem(raw)
        candidates = [base] + ([f"{base}-{safe_stem(qualifier)}"] if qualifier else [])
        n = 2
        while True:
            for name in candidates:
                if name.lower() not in self._used:
                    self._used.add(name.lower())
                    return name
            candidates = [f"{base}-{n}"]
            n += 1


def doc_stem(doc: AnnotatedDoc) -> str:
    return doc.article.external_id or f"article-{doc.article.id}"


# -- writing ------------------------------------------------------------------------------


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The runs of [start, end) between line breaks."""
    return [(start + m.start(), start + m.end()) for m in re.finditer(r"[^\n]+", text[start:end])]


class _AnnWriter:
    """Builds the .ann lines of one document."""

    def __init__(self, doc: AnnotatedDoc, report: ExportReport) -> None:
        self.doc, self.report, self.text = doc, report, doc.article.text
        self.t_ids: dict[tuple[int, int, str, str], str] = {}
        self.lines: list[str] = []
        self.notes: list[str] = []
        # an argument whose span is another event's trigger (labelled with its type) is
        # that event: written as its E id, as brat does for events as arguments of events
        self.e_ids: dict[tuple[int, int, str], str] = {}

    def build(self) -> str:
        entities = sorted_spans(self.doc.spans)
        events = sorted_events(self.doc.events)
        entity_keys = {(s.start, s.end, s.label, "entity") for s in entities}
        trigger_keys = {(e.trigger.start, e.trigger.end, e.type) for e in events}
        keys = set(entity_keys)
        for event in events:
            keys.add((event.trigger.start, event.trigger.end, event.type, "trigger"))
            for arg in event.arguments:
                key = (arg.span.start, arg.span.end, arg.span.label, "entity")
                if key not in entity_keys and key[:3] in trigger_keys:
                    continue
                keys.add(key if key in entity_keys else key[:3] + ("argument",))
        for key in sorted(keys):
            self._text_bound(key)
        writable = [e for e in events if self._writable(e, trigger_keys)]
        while True:  # until every event argument names an event that is written too
            self.e_ids = {}
            for n, event in enumerate(writable, 1):
                key = (event.trigger.start, event.trigger.end, event.type)
                self.e_ids.setdefault(key, f"E{n}")
            kept = [e for e in writable if all(self._arg_id(a.span) for a in e.arguments)]
            if len(kept) == len(writable):
                break
            writable = kept
        self._drop_unused_triggers(writable)
        attr_lines = []
        for n, event in enumerate(writable, 1):
            self.lines.append(f"E{n}\t{self._event_body(event)}")
            attr_lines += self._attributes(event, f"E{n}", len(attr_lines))
        if partial_entities(self.doc.article.meta) and self.t_ids:
            first = min(self.t_ids.values(), key=lambda t: int(t[1:]))
            self.notes.append(f"#{len(self.notes) + 1}\tAnnotatorNotes {first}\t{PARTIAL_NOTE}")
        return "".join(line + "\n" for line in self.lines + attr_lines + self.notes)

    def _text_bound(self, key: tuple[int, int, str, str]) -> None:
        start, end, label, kind = key
        check_name(label, "event type" if kind == "trigger" else "label")
        frags = fragments(self.text, start, end)
        example = span_example(self.doc, Span(start, end, label))
        if not frags:
            self.report.lose(ONLY_BREAKS, example)
            return
        if frags[0][0] != start or frags[-1][1] != end:
            self.report.lose(EDGE_BREAK, example)
        tid = f"T{len(self.t_ids) + 1}"
        self.t_ids[key] = tid
        offsets = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(self.text[a:b] for a, b in frags)
        self.lines.append(f"{tid}\t{label} {offsets}\t{shown}")
        if kind == "argument":
            self.notes.append(f"#{len(self.notes) + 1}\tAnnotatorNotes {tid}\t{ARGUMENT_ONLY}")

    def _drop_unused_triggers(self, written: list[Event]) -> None:
        """A trigger T line of an event that could not be written would read back as an
        entity labelled with the event type: leave it out (the loss is counted already)."""
        used = {(e.trigger.start, e.trigger.end, e.type, "trigger") for e in written}
        unused = {
            self.t_ids.pop(k) for k in list(self.t_ids) if k[3] == "trigger" and k not in used
        }
        self.lines = [line for line in self.lines if line.split("\t", 1)[0] not in unused]

    def _arg_id(self, span: Span) -> str | None:
        key = (span.start, span.end, span.label, "entity")
        found = self.t_ids.get(key) or self.t_ids.get(key[:3] + ("argument",))
        return found or self.e_ids.get(key[:3])

    def _writable(self, event: Event, trigger_keys: set[tuple[int, int, str]]) -> bool:
        trigger = (event.trigger.start, event.trigger.end, event.type, "trigger")
        return trigger in self.t_ids and all(
            self._arg_id(a.span) or (a.span.start, a.span.end, a.span.label) in trigger_keys
            for a in event.arguments
        )

    def _event_body(self, event: Event) -> str:
        trigger = self.t_ids[(event.trigger.start, event.trigger.end, event.type, "trigger")]
        parts = [f"{event.type}:{trigger}"]
        seen: Counter[str] = Counter()
        for arg in event.arguments:
            check_name(arg.role, "role")
            seen[arg.role] += 1
            suffix = str(seen[arg.role]) if seen[arg.role] > 1 else ""
            parts.append(f"{arg.role}{suffix}:{self._arg_id(arg.span)}")
        return " ".join(parts)

    @staticmethod
    def _attributes(event: Event, eid: str, offset: int) -> list[str]:
        lines = []
        for name, value in event.attributes:
            check_name(name, "attribute")
            if value is False or value is None:
                continue  # a binary brat attribute is absent when false
            n = offset + len(lines) + 1
            if value is True:
                lines.append(f"A{n}\t{name} {eid}")
            else:
                check_name(str(value), "attribute value")
                lines.append(f"A{n}\t{name} {eid} {value}")
        return lines


def brat_ann(doc: AnnotatedDoc, report: ExportReport | None = None) -> str:
    """The .ann content for one document."""
    return _AnnWriter(doc, report or ExportReport()).build()


def write_brat(
    items: Iterable[Item],
    out: Path,
    report: ExportReport | None = None,
    schema: BratSchema | None = None,
) -> dict[str, Path]:
    """Write ``ID.txt`` + ``ID.ann`` per document and ``annotation.conf`` per folder.

    Without a split the folder is ``out``; with one, ``out/<split>``. ``schema`` (e.g. the
    project's event schema) is extended with whatever the documents contain.
    """
    report = report or ExportReport()
    schema = schema or BratSchema()
    report.pending_how = PENDING_HOW
    items = list(items)
    check_names(doc for _, doc in items)  # before anything is written
    folders: dict[str, Path] = {}
    names: dict[str, SafeNames] = {}
    for split, doc in items:
        if split not in folders:
            folders[split] = output_path(out, split, "")
            folders[split].mkdir(parents=True, exist_ok=True)
            names[split] = SafeNames()
        report.count(split, doc)
        report.pending(doc)
        ann = brat_ann(doc, report)
        schema.add(doc)
        stem = names[split].claim(doc_stem(doc), doc.annotator)
        _write(folders[split] / f"{stem}.txt", doc.article.text)
        _write(folders[split] / f"{stem}.ann", ann)
    for folder in folders.values() or [Path(out)]:
        folder.mkdir(parents=True, exist_ok=True)
        write_conf(folder / "annotation.conf", schema)
    return folders


def check_names(docs: Iterable[AnnotatedDoc]) -> None:
    """Raise ValueError, one line per unsafe name (with the first article using it), when
    brat cannot hold a label, event type, role or attribute of these documents."""
    lines: dict[str, str] = {}
    for doc in docs:
        for problem in doc_problems(doc):
            lines.setdefault(problem, f"{doc_ref(doc)}: {problem}")
    if lines:
        shown = list(lines.values())[:MAX_NAME_ERRORS]
        more = len(lines) - len(shown)
        raise ValueError("\n".join(shown + ([f"... and {more} more"] if more else [])))


def _write(path: Path, text: str) -> None:
    # newline="": the .txt must keep its exact characters, the offsets count them
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)


# -- reading ------------------------------------------------------------------------------


class BratError(ValueError):
    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason, self.line = reason, line


BratItem = ParsedDoc | ReadError | Skipped
# what the reader leaves out, by line kind: (singular, plural)
SKIP_NAMES = {
    "R": ("relation (R)", "relations (R)"),
    "*": ("equivalence (*)", "equivalences (*)"),
    "N": ("normalization (N)", "normalizations (N)"),
    "#": ("note (#)", "notes (#)"),
    "A": ("attribute of an entity (A/M)", "attributes of entities (A/M)"),
    "?": ("line that is no brat annotation", "lines that are no brat annotation"),
    "NUL": ("line with a NUL character", "lines with NUL characters"),
}


def read_brat(path: str | Path, lang: str | None = None) -> Iterator[BratItem]:
    """Read a brat folder (every ``ID.ann`` / ``ID.txt`` pair, recursively) or one file.

    A ``.txt`` without a ``.ann`` is an article without annotations; a ``.ann`` without its
    ``.txt`` is an error, and so is a T or E id defined twice. Relations, equivalences,
    normalisations, notes, attributes of entities and lines that are no annotation have no
    place in our model: they are counted in ``meta["brat_skipped"]`` and named in one
    :class:`Skipped` per file, after its document.
    """
    root = Path(path)
    if root.is_dir():
        stems = sorted(
            {
                p.with_suffix("")
                for p in root.rglob("*")
                if p.suffix in (".ann", ".txt")
                and not any(part.startswith(".") for part in p.relative_to(root).parts)
            }
        )
        for stem in stems:
            yield from _read_pair(stem, stem.relative_to(root).as_posix(), lang)
    elif root.suffix in (".ann", ".txt"):
        yield from _read_pair(root.with_suffix(""), root.stem, lang)
    else:
        yield ReadError(str(root), "expected a brat folder, a .ann or a .txt file")


def _read_pair(stem: Path, external_id: str, lang: str | None) -> Iterator[BratItem]:
    ann_path, txt_path = stem.parent / f"{stem.name}.ann", stem.parent / f"{stem.name}.txt"
    raw = _read_raw(txt_path)
    if isinstance(raw, str) and "\x00" in raw:
        raw = ReadError(str(txt_path), f"contains a NUL character at offset {raw.index(chr(0))}")
    if isinstance(raw, ReadError):
        yield raw
        return
    ann = _read_raw(ann_path) if ann_path.exists() else ""
    if isinstance(ann, ReadError):
        yield ann
        return
    yield from _parse_or_error(ann, raw, str(ann_path), external_id, lang)


def _read_raw(path: Path) -> str | ReadError:
    try:
        with path.open(encoding="utf-8", newline="") as f:  # offsets count every character
            return f.read()
    except FileNotFoundError:
        return ReadError(str(path), "missing (a .ann needs the .txt it annotates)")
    except (OSError, UnicodeDecodeError) as exc:
        return ReadError(str(path), f"cannot read: {exc}")


def _parse_or_error(
    ann: str, raw: str, source: str, external_id: str, lang: str | None
) -> Iterator[BratItem]:
    reader = _AnnReader(raw, source)
    try:
        doc = reader.parse(ann, external_id, lang)
    except (BratError, ParseError) as err:
        yield ReadError(source, err.reason, err.line)
        return
    yield _with_false_attributes(doc, binary_attributes(Path(source).parent))
    if reader.skipped:
        yield Skipped(source, skipped_reason(reader.skipped, reader.first_skipped))


def _with_false_attributes(doc: ParsedDoc, binary: dict[str, frozenset[str]]) -> ParsedDoc:
    """Events with each binary attribute the conf declares for them and the .ann leaves
    out set to False, as they were exported."""
    if not binary:
        return doc
    events = []
    for event in doc.events:
        attrs = dict(event.attributes)
        for name in binary.get("<EVENT>", frozenset()) | binary.get(event.type, frozenset()):
            attrs.setdefault(name, False)
        events.append(replace(event, attributes=tuple(sorted(attrs.items()))))
    return replace(doc, events=events)


def skipped_reason(counts: Counter[str], first: dict[str, int]) -> str:
    """``left out 2 relations (R) (first: line 4), 1 note (#) (first: line 9)``."""
    parts = []
    for kind, n in sorted(counts.items(), key=lambda kv: first.get(kv[0], 0)):
        one, many = SKIP_NAMES.get(kind, (f"{kind} line", f"{kind} lines"))
        where = f" (first: line {first[kind]})" if kind in first else ""
        parts.append(f"{n} {one if n == 1 else many}{where}")
    return "left out " + ", ".join(parts)


class _AnnReader:
    def __init__(self, raw: str, source: str) -> None:
        self.raw, self.source = raw, source
        self.norm = normalize(raw)
        self.spans: dict[str, Span] = {}
        self.events: list[tuple[str, str, str, list[tuple[str, str]], int]] = []
        self.attrs: dict[str, dict[str, Any]] = {}
        self.arg_only: set[str] = set()
        self.partial = False
        self.skipped: Counter[str] = Counter()
        self.first_skipped: dict[str, int] = {}
        self.ids: dict[str, int] = {}  # T and E ids -> the line defining them
        self.attr_lines: dict[str, int] = {}  # attribute target -> its first A/M line

    def parse(self, ann: str, external_id: str, lang: str | None) -> ParsedDoc:
        for line_no, line in enumerate(ann.removeprefix("\ufeff").split("\n"), 1):
            line = line.rstrip("\r")
            if line.strip():
                self._line(line, line_no)
        text = self.norm.text
        if not text.strip():
            raise BratError("the .txt is empty")
        events = self._events()
        triggers = {trig for _, _, trig, _, _ in self.events}
        spans = [
            s for tid, s in self.spans.items() if tid not in triggers and tid not in self.arg_only
        ]
        meta: dict[str, Any] = {"format": "brat"}
        if self.partial:
            meta["entities"] = PARTIAL
        if self.skipped:
            meta["brat_skipped"] = dict(self.skipped)
        return ParsedDoc(
            text=text,
            title=preview_title(text),
            lang=norm_lang(lang),
            source=self.source,
            external_id=external_id,
            meta=meta,
            spans=list(dict.fromkeys(spans)),
            events=events,
            annotated=bool(self.spans or self.events),
        )

    def _skip(self, kind: str, line_no: int) -> None:
        self.skipped[kind] += 1
        self.first_skipped.setdefault(kind, line_no)

    def _define(self, line: str, line_no: int) -> None:
        """Claim the id of a T or E line: a second definition would silently replace it."""
        ident = line.split("\t", 1)[0]
        if ident in self.ids:
            raise BratError(f"{ident} is defined twice (lines {self.ids[ident]} and {line_no})")
        self.ids[ident] = line_no

    def _line(self, line: str, line_no: int) -> None:
        kind = line[0]
        if "\x00" in line:
            return self._skip("NUL", line_no)
        handler = self._handlers.get(kind)
        if handler is None:
            return self._skip(kind if kind in SKIP_NAMES else "?", line_no)
        try:
            handler(self, line, line_no)
        except BratError:
            raise
        except (ValueError, IndexError):
            raise BratError(f"malformed {kind} line: {line[:60]!r}", line_no) from None
        return None

    def _event(self, line: str, line_no: int) -> None:
        self._define(line, line_no)
        eid, body = line.split("\t", 1)
        etype, _, trigger = body.split()[0].partition(":")
        args = [tuple(p.split(":", 1)) for p in body.split()[1:]]
        if not trigger or any(len(a) != 2 for a in args):
            raise ValueError
        self.events.append((eid, etype, trigger, args, line_no))  # type: ignore[arg-type]

    def _attribute(self, line: str, line_no: int) -> None:
        _, body = line.split("\t", 1)
        name, target, *value = body.split()
        self.attrs.setdefault(target, {})[name] = value[0] if value else True
        self.attr_lines.setdefault(target, line_no)

    def _note(self, line: str, line_no: int) -> None:
        parts = line.split("\t", 2)
        body = parts[1].split() if len(parts) == 3 else []
        note = parts[2].strip() if len(parts) == 3 else ""
        if body[:1] == ["AnnotatorNotes"] and len(body) == 2 and note == ARGUMENT_ONLY:
            self.arg_only.add(body[1])
        elif body[:1] == ["AnnotatorNotes"] and note == PARTIAL_NOTE:
            self.partial = True
        else:
            self._skip("#", line_no)

    def _text_bound(self, line: str, line_no: int) -> None:
        self._define(line, line_no)
        tid, type_offsets, shown = line.split("\t", 2)
        label, offsets = type_offsets.split(" ", 1)
        frags = [tuple(map(int, f.split())) for f in offsets.split(";")]
        n = len(self.raw)
        for frag in frags:
            if len(frag) != 2 or not 0 <= frag[0] < frag[1] <= n:
                raise BratError(f"{tid}: bad offsets {offsets!r} (text length {n})", line_no)
        got = " ".join(self.raw[a:b] for a, b in frags)
        if got.split() != shown.split():
            raise BratError(
                f"{tid}: text {shown[:40]!r} does not match the .txt there ({got[:40]!r})", line_no
            )
        for (_, b), (a, _) in zip(frags, frags[1:]):
            if self.raw[b:a].strip():
                raise BratError(f"{tid}: a discontinuous span is not supported", line_no)
        start, end = self.norm.map_offset(frags[0][0]), self.norm.map_offset(frags[-1][1])
        self.spans[tid] = Span(start, end, label)

    _handlers = {"T": _text_bound, "E": _event, "A": _attribute, "M": _attribute, "#": _note}

    def _events(self) -> list[Event]:
        triggers = {eid: trig for eid, _, trig, _, _ in self.events}
        out = []
        for eid, etype, trig, args, line_no in self.events:
            if trig not in self.spans:
                raise BratError(f"{eid}: unknown trigger {trig}", line_no)
            t = self.spans[trig]
            arguments = []
            for role, ref in zip(_roles([r for r, _ in args]), (ref for _, ref in args)):
                span = self.spans.get(triggers.get(ref, ref))
                if span is None:
                    raise BratError(f"{eid}: unknown argument {ref}", line_no)
                arguments.append(Argument(role, span))
            attrs = tuple(sorted(self.attrs.pop(eid, {}).items()))
            out.append(Event(Span(t.start, t.end, etype), tuple(arguments), attrs))
        for target, attrs in self.attrs.items():  # not on an event: an entity's, left out
            self._skip("A", self.attr_lines[target])
            self.skipped["A"] += len(attrs) - 1
        return out


def _roles(written: list[str]) -> list[str]:
    """Undo brat's numbering of repeated roles: Participant, Participant2 -> Participant x2."""
    seen: set[str] = set()
    out = []
    for role in written:
        base = role
        m = re.search(r"\d+$", role)
        if m:
            digits = m.group()
            for k in range(1, len(digits) + 1):
                prefix, number = role[:-k], role[-k:]
                if prefix in seen and not number.startswith("0") and int(number) >= 2:
                    base = prefix
                    break
        seen.add(base)
        out.append(base)
    return out


def parse_brat_txt(text: str, source: str, lang: str | None = None) -> Iterator[BratItem]:
    """The import registry's reader for a brat document: the ``.txt``, its ``.ann`` beside it.

    Keyed on the text file so that an empty or missing ``.ann`` (an article without
    annotations) imports as such.
    """
    ann_path = Path(source).with_suffix(".ann")
    ann = _read_raw(ann_path) if ann_path.exists() else ""
    if isinstance(ann, ReadError):
        yield ann
        return
    yield from _parse_or_error(ann, text, str(ann_path), Path(source).stem, lang)
