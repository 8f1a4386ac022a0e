"""brat standoff, the writer (``ID.txt`` + ``ID.ann`` + ``annotation.conf``); the reader is
:mod:`annotator.io.brat_read`.

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
  other value is written as is (``Modality E1 future``). A binary attribute that
  ``annotation.conf`` declares and an event does not have at all is named in a note on the
  event (``attributes not set: Negation``): brat reads an absent one as false, and an
  event without attributes must not come back with ``Negation: false`` (see
  :data:`~annotator.io.brat_conf.UNSET_NOTE`).
- An event argument is the entity's T line (gold arguments always stand on a gold
  entity, see :mod:`annotator.core.links`): one mention, one T line, as brat itself does.
  Only a ``SPAN`` phrase argument (a topic, an indicator) — or, in an export of
  suggestions, an argument the model found without an entity — has a T line of its own,
  with an ``argument only`` note, so that reading it back adds no entity.
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
from collections.abc import Iterable
from pathlib import Path

from annotator.core.models import (
    ANY_SPAN,
    Event,
    Span,
    partial_entities,
)
from annotator.io.brat_conf import (
    ANNOTATOR_NOTE,
    ARGUMENT_ONLY,
    PARTIAL_NOTE,
    UNSET_NOTE,
    BratSchema,
    check_name,
    doc_problems,
    write_conf,
)
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

    def __init__(
        self,
        doc: AnnotatedDoc,
        report: ExportReport,
        name_annotator: bool = False,
        binary: frozenset[str] = frozenset(),
    ) -> None:
        self.name_annotator = name_annotator
        self.binary = binary  # the binary attributes annotation.conf declares
        self.doc, self.report, self.text = doc, report, doc.article.text
        self.t_ids: dict[tuple[int, int, str, str], str] = {}
        self.lines: list[str] = []
        self.notes: list[str] = []
        # an argument whose span is another event's trigger (labelled with its type, or a
        # SPAN phrase on exactly its words: how an import keeps "Cause:E2") is that event:
        # written as its E id, as brat does for events as arguments of events
        self.e_ids: dict[tuple[int, int, str], str] = {}
        self.trigger_at: dict[tuple[int, int], list[tuple[int, int, str]]] = {}

    def build(self) -> str:
        entities = sorted_spans(self.doc.spans)
        events = sorted_events(self.doc.events)
        entity_keys = {(s.start, s.end, s.label, "entity") for s in entities}
        trigger_keys = {(e.trigger.start, e.trigger.end, e.type) for e in events}
        for key in sorted(trigger_keys):
            self.trigger_at.setdefault(key[:2], []).append(key)
        for key in sorted(self._text_bound_keys(events, entity_keys, trigger_keys)):
            self._text_bound(key)
        writable = [e for e in events if self._writable(e, trigger_keys)]
        while True:  # until every event argument names an event that is written too
            self.e_ids = {}
            for n, event in enumerate(writable, 1):
                key = (event.trigger.start, event.trigger.end, event.type)
                self.e_ids.setdefault(key, f"E{n}")
            kept = [e for e in writable if all(self._arg_id(a.span, e) for a in e.arguments)]
            if len(kept) == len(writable):
                break
            writable = kept
        self._drop_unused_triggers(writable)
        attr_lines = []
        for n, event in enumerate(writable, 1):
            self.lines.append(f"E{n}\t{self._event_body(event)}")
            attr_lines += self._attributes(event, f"E{n}", len(attr_lines))
            if unset := sorted(self.binary - {name for name, _ in event.attributes}):
                note = UNSET_NOTE + ", ".join(unset)
                self.notes.append(f"#{len(self.notes) + 1}\tAnnotatorNotes E{n}\t{note}")
        self._notes()
        return "".join(line + "\n" for line in self.lines + attr_lines + self.notes)

    def _text_bound_keys(
        self,
        events: list[Event],
        entity_keys: set[tuple[int, int, str, str]],
        trigger_keys: set[tuple[int, int, str]],
    ) -> set[tuple[int, int, str, str]]:
        """The T lines to write: entities, triggers, and arguments that are neither (an
        argument that is another event is written as its E id)."""
        keys = set(entity_keys)
        for event in events:
            keys.add((event.trigger.start, event.trigger.end, event.type, "trigger"))
            for arg in event.arguments:
                key = (arg.span.start, arg.span.end, arg.span.label, "entity")
                if key not in entity_keys and key[:3] in trigger_keys:
                    continue
                if self._other_trigger(arg.span, event):
                    continue
                keys.add(key if key in entity_keys else key[:3] + ("argument",))
        return keys

    def _notes(self) -> None:
        """Notes on the first T line: partial entity gold, and whose gold this is (a team's
        files import back to each annotator)."""
        if not self.t_ids:
            return
        first = min(self.t_ids.values(), key=lambda t: int(t[1:]))
        if partial_entities(self.doc.article.meta):
            self.notes.append(f"#{len(self.notes) + 1}\tAnnotatorNotes {first}\t{PARTIAL_NOTE}")
        who = " ".join(self.doc.annotator.split())
        if who and self.name_annotator:
            note = f"{ANNOTATOR_NOTE}{who}"
            self.notes.append(f"#{len(self.notes) + 1}\tAnnotatorNotes {first}\t{note}")

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

    def _other_trigger(self, span: Span, event: Event) -> tuple[int, int, str] | None:
        """The trigger (start, end, type) of another event that a SPAN phrase argument of
        ``event`` covers exactly: that event is the argument."""
        if span.label != ANY_SPAN:
            return None
        own = (event.trigger.start, event.trigger.end, event.type)
        return next((k for k in self.trigger_at.get((span.start, span.end), ()) if k != own), None)

    def _arg_id(self, span: Span, event: Event) -> str | None:
        key = (span.start, span.end, span.label, "entity")
        found = self.t_ids.get(key) or self.t_ids.get(key[:3] + ("argument",))
        if found:
            return found
        other = self._other_trigger(span, event)
        return self.e_ids.get(other if other is not None else key[:3])

    def _writable(self, event: Event, trigger_keys: set[tuple[int, int, str]]) -> bool:
        trigger = (event.trigger.start, event.trigger.end, event.type, "trigger")
        return trigger in self.t_ids and all(
            self._arg_id(a.span, event)
            or (a.span.start, a.span.end, a.span.label) in trigger_keys
            or self._other_trigger(a.span, event)
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
            parts.append(f"{arg.role}{suffix}:{self._arg_id(arg.span, event)}")
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


def brat_ann(
    doc: AnnotatedDoc,
    report: ExportReport | None = None,
    *,
    name_annotator: bool = False,
    binary: frozenset[str] = frozenset(),
) -> str:
    """The .ann content for one document; ``name_annotator``: with a note saying whose
    gold it is (an export of several annotators' gold, so that it imports back to each);
    ``binary``: the binary attributes annotation.conf declares (an event without one of
    them gets a note naming it: :data:`~annotator.io.brat_conf.UNSET_NOTE`)."""
    return _AnnWriter(doc, report or ExportReport(), name_annotator, binary).build()


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
    team = len({doc.annotator for _, doc in items}) > 1  # each file then names its annotator
    for _, doc in items:  # annotation.conf as written, before any event's notes need it
        schema.add(doc)
    binary = schema.binary()
    folders: dict[str, Path] = {}
    names: dict[str, SafeNames] = {}
    for split, doc in items:
        if split not in folders:
            folders[split] = output_path(out, split, "")
            folders[split].mkdir(parents=True, exist_ok=True)
            names[split] = SafeNames()
        report.count(split, doc)
        report.pending(doc)
        ann = brat_ann(doc, report, name_annotator=team, binary=binary)
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
