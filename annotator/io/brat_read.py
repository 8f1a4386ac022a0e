"""brat standoff, the reader: ``ID.txt`` + ``ID.ann`` pairs as parsed documents.

What our model has no place for (relations, equivalences, normalisations, notes, entity
attributes, garbage lines) is counted and named in one :class:`Skipped` per file; a T or
E id defined twice is an error. Notes the writer (:mod:`annotator.io.brat`) leaves are read
back: ``argument only`` spans are no entities, a partial-entities note marks the gold as
partial, and binary event attributes the ``annotation.conf`` declares come back false when
the ``.ann`` leaves them out (brat writes only true ones), except those a note on the event
says are not set (:data:`~annotator.io.brat_conf.UNSET_NOTE`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.core.models import (
    ANY_SPAN,
    PARTIAL,
    Argument,
    Event,
    ParsedDoc,
    ReadError,
    Skipped,
    Span,
)
from annotator.core.text import normalize
from annotator.io import extras
from annotator.io.brat_conf import (
    ANNOTATOR_NOTE,
    ARGUMENT_ONLY,
    PARTIAL_NOTE,
    UNSET_NOTE,
    binary_attributes,
)
from annotator.io.errors import ParseError
from annotator.io.plaintext import norm_lang, preview_title


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
    yield _with_false_attributes(doc, binary_attributes(Path(source).parent), reader.unset)
    if reader.skipped:
        yield Skipped(source, skipped_reason(reader.skipped, reader.first_skipped))


def _with_false_attributes(
    doc: ParsedDoc, binary: dict[str, frozenset[str]], unset: list[frozenset[str]]
) -> ParsedDoc:
    """Events with each binary attribute the conf declares for them and the .ann leaves
    out set to False, as brat means it and as they were exported, but for those a note
    says the event does not set (``unset``: per event, in order)."""
    if not binary:
        return doc
    events = []
    for event, left_out in zip(doc.events, unset):
        attrs = dict(event.attributes)
        declared = binary.get("<EVENT>", frozenset()) | binary.get(event.type, frozenset())
        for name in declared - left_out:
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
        self.annotator: str | None = None  # whose gold, as annotator's own export notes it
        self.skipped: Counter[str] = Counter()
        self.first_skipped: dict[str, int] = {}
        self.ids: dict[str, int] = {}  # T and E ids -> the line defining them
        self.attr_lines: dict[str, int] = {}  # attribute target -> its first A/M line
        self.unset_notes: dict[str, tuple[frozenset[str], int]] = {}  # E id -> names, line
        self.unset: list[frozenset[str]] = []  # per event read: the attributes it does not set

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
        if self.annotator:
            meta[extras.ANNOTATOR] = self.annotator
            meta[extras.NAMED_BY_EXPORT] = True
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
        elif body[:1] == ["AnnotatorNotes"] and len(body) == 2 and note.startswith(UNSET_NOTE):
            names = frozenset(n.strip() for n in note.removeprefix(UNSET_NOTE).split(","))
            self.unset_notes[body[1]] = (names, line_no)
        elif body[:1] == ["AnnotatorNotes"] and note.startswith(ANNOTATOR_NOTE):
            self.annotator = note.removeprefix(ANNOTATOR_NOTE).strip() or None
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
                if ref in triggers:  # another event ("Cause:E2"): the phrase of its trigger,
                    # never an entity labelled with the event type (the export writes E2)
                    span = Span(span.start, span.end, ANY_SPAN)
                arguments.append(Argument(role, span))
            attrs = tuple(sorted(self.attrs.pop(eid, {}).items()))
            out.append(Event(Span(t.start, t.end, etype), tuple(arguments), attrs))
            self.unset.append(self.unset_notes.pop(eid, (frozenset(), 0))[0])
        for target, attrs in self.attrs.items():  # not on an event: an entity's, left out
            self._skip("A", self.attr_lines[target])
            self.skipped["A"] += len(attrs) - 1
        for _, line_no in self.unset_notes.values():  # on no event: an ordinary note
            self._skip("#", line_no)
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
    if Path(source).suffix.lower() != ".txt" and not ann_path.exists():
        # --format brat on another kind of file (a .jsonl, ...): not an article text
        yield ReadError(
            source,
            f"not a brat document: brat reads ID.txt with ID.ann beside it, and "
            f"{ann_path.name} is not there (choose another --format)",
        )
        return
    ann = _read_raw(ann_path) if ann_path.exists() else ""
    if isinstance(ann, ReadError):
        yield ann
        return
    yield from _parse_or_error(ann, text, str(ann_path), Path(source).stem, lang)
