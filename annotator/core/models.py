"""Plain data objects shared by every layer.

Offsets are Python code points into the stored article text, end exclusive
(the convention of spaCy's ``Doc.char_span``, Prodigy and brat).
"""

from __future__ import annotations

import re
import uuid
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar

ENTITY = "entity"
EVENT = "event"

# Unicode's control characters (category Cc): exactly U+0000-U+001F and U+007F-U+009F
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# an entity span as plain data: (start, end, label)
SpanRow = tuple[int, int, str]
DERIVED = "_derived"  # ParsedDoc.derived's values
T = TypeVar("T")


class PackedRows:
    """Span rows as columns, the way they cross from an import's worker process to the
    importing one (:meth:`ParsedDoc.__getstate__`): two arrays of offsets and the labels
    as small numbers. A list of ~40 ``(start, end, label)`` tuples per article was ~430k
    tuples to pickle, unpickle and then copy with the article id for the insert (a tenth
    of the importing process's work); the columns pickle as bytes and become insert rows
    in C (:meth:`with_article`), never as a tuple each in Python.

    Iterating gives the rows as tuples, in order; :meth:`ParsedDoc.span_rows` turns them
    back into the list the document had."""

    __slots__ = ("starts", "ends", "labels")

    def __init__(self, rows: list[SpanRow]) -> None:
        self.starts = array("q", map(_START, rows))
        self.ends = array("q", map(_END, rows))
        self.labels = list(map(_LABEL, rows))  # pickled once each: the rest are references

    def __len__(self) -> int:
        return len(self.starts)

    def __iter__(self) -> Iterator[SpanRow]:
        return zip(self.starts, self.ends, self.labels)

    def with_article(self, article_id: int) -> Iterator[tuple[int, int, int, str]]:
        """``(article_id, start, end, label)`` for each row."""
        return zip(repeat(article_id), self.starts, self.ends, self.labels)

    def max_end(self) -> int:
        return max(self.ends, default=0)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpack_rows, (self.starts, self.ends, self.labels))


def _unpack_rows(starts: array, ends: array, labels: list[str]) -> PackedRows:
    packed = PackedRows.__new__(PackedRows)
    packed.starts, packed.ends, packed.labels = starts, ends, labels
    return packed


def rows_with_article(article_id: int, rows: list[SpanRow] | PackedRows) -> Iterator[tuple]:
    """``(article_id, start, end, label)`` for each of a document's span rows."""
    if type(rows) is PackedRows:
        return rows.with_article(article_id)
    return ((article_id, *row) for row in rows)


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int
    label: str

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"invalid span offsets {self.start}..{self.end}")

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return cls(int(data["start"]), int(data["end"]), str(data["label"]))


@dataclass(frozen=True)
class Argument:
    """An event argument: a role filled by a text span (usually an entity)."""

    role: str
    span: Span
    # which suggestion rule proposed it (empty for gold an annotator made): shown in the
    # window's details column and kept in exports, so a rule writer can see why
    rule: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, **self.span.to_dict()}
        if self.rule:
            out["rule"] = self.rule
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Argument:
        return cls(str(data["role"]), Span.from_dict(data), str(data.get("rule") or ""))


def new_uid() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Event:
    """An event mention: a trigger span (its label is the event type) and arguments.

    ``uid`` identifies a gold event across edits and undo; it has no meaning
    outside one dataset.
    """

    trigger: Span
    arguments: tuple[Argument, ...] = ()
    attributes: tuple[tuple[str, Any], ...] = ()
    uid: str = field(default_factory=new_uid, compare=False)

    @property
    def type(self) -> str:
        return self.trigger.label

    @property
    def attrs(self) -> dict[str, Any]:
        return dict(self.attributes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "trigger": self.trigger.to_dict(),
            "type": self.type,
            "arguments": [a.to_dict() for a in self.arguments],
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        trig = dict(data["trigger"])
        trig.setdefault("label", data.get("type"))
        return cls(
            trigger=Span.from_dict(trig),
            arguments=tuple(Argument.from_dict(a) for a in data.get("arguments", [])),
            attributes=tuple(sorted((data.get("attributes") or {}).items())),
            uid=str(data.get("uid") or new_uid()),
        )


@dataclass
class ParsedDoc:
    """What an importer produces: one article before it is stored."""

    text: str
    title: str = ""
    lang: str = ""
    date: str | None = None
    time: str | None = None
    source: str = ""
    external_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    # whether the input states annotations for this text (a brat .ann with lines, a JSONL
    # record with spans/entities/label/events, CoNLL tags): without them, "import as gold"
    # must not turn the text into an empty gold ("no entity anywhere"). None: readers
    # that do not say; then having spans or events counts as annotated.
    annotated: bool | None = None

    # -- spans as rows ------------------------------------------------------------------
    # A bulk import reads ~40 entity spans per article and mostly only stores them: a
    # frozen Span object costs ~1 us to make and as much to pickle. A reader may hand its
    # spans over as rows instead (:meth:`with_span_rows`), and pickling always does: the
    # ``spans`` list is then made from the rows the first time anyone reads it, and code
    # that only needs the numbers (validation, the store's bulk inserts) reads
    # :meth:`span_rows` and never makes one.

    @classmethod
    def with_span_rows(cls, rows: Iterable[SpanRow], **fields: Any) -> ParsedDoc:
        """A document whose entity spans are ``(start, end, label)`` rows (in order); the
        same rule as :class:`Span`'s holds (``0 <= start < end``)."""
        rows = list(rows)
        for start, end, _ in rows:
            if start < 0 or end <= start:
                raise ValueError(f"invalid span offsets {start}..{end}")
        doc = cls(**fields)
        del doc.__dict__["spans"]
        doc.__dict__["_span_rows"] = rows
        return doc

    def __getattr__(self, name: str) -> Any:
        # only called when ``spans`` is not made yet (see with_span_rows)
        state = self.__dict__
        if name == "spans" and "_span_rows" in state:
            state.pop(DERIVED, None)  # a list anyone may change: nothing derived stays
            spans = state["spans"] = [Span(*row) for row in state.pop("_span_rows")]
            return spans
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("text", "spans"):
            self.__dict__.pop(DERIVED, None)
        object.__setattr__(self, name, value)

    def derived(self, key: str, make: Callable[[ParsedDoc], T]) -> T:
        """``make(self)``, a value computed from the text and the span rows, kept under
        ``key`` until either changes; it travels with the document when pickled, so a
        worker process can compute it for the process that stores the document
        (:mod:`annotator.workflows.import_reader`)."""
        cache = self.__dict__.get(DERIVED)
        if cache is None:
            cache = self.__dict__[DERIVED] = {}
        if key not in cache:
            cache[key] = make(self)
        return cache[key]

    def span_rows(self) -> list[SpanRow]:
        """The entity spans as ``(start, end, label)`` rows, in order (do not change it)."""
        state = self.__dict__
        if "spans" in state:
            return [(s.start, s.end, s.label) for s in state["spans"]]
        rows = state["_span_rows"]
        if type(rows) is PackedRows:  # as it came from a worker process: a list again
            rows = state["_span_rows"] = list(rows)
        return rows

    def span_end(self) -> int:
        """The largest end offset of the entity spans (0 without any)."""
        state = self.__dict__
        rows = state.get("_span_rows")
        if type(rows) is PackedRows:
            return rows.max_end()
        return max(map(_END, self.span_rows()), default=0)

    def span_count(self) -> int:
        state = self.__dict__
        return len(state["spans"] if "spans" in state else state["_span_rows"])

    def __getstate__(self) -> dict[str, Any]:
        """For pickling (a worker process hands documents to the import): the spans as
        :class:`PackedRows`, also where a derived value holds the same rows (the cleaned
        or gold rows of the bulk import, usually the very list: packed once)."""
        state = dict(self.__dict__)
        if "spans" in state:
            rows = [(s.start, s.end, s.label) for s in state.pop("spans")]
        else:
            rows = state["_span_rows"]
        if type(rows) is PackedRows:
            packed = rows
        else:
            packed = PackedRows(rows)
        state["_span_rows"] = packed
        derived = state.get(DERIVED)
        if derived:
            state[DERIVED] = {
                key: (packed, *value[1:])
                if type(value) is tuple and value and value[0] is rows
                else value
                for key, value in derived.items()
            }
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def has_annotations(self) -> bool:
        if self.annotated is not None:
            return self.annotated
        return bool(self.span_count() or self.events)

    def _names(self) -> list[tuple[str, str]]:
        """Every label, type, role and attribute the document names (what exports write)."""
        names = [("label", label) for _, _, label in self.span_rows()]
        for e in self.events:
            names.append(("event type", e.type))
            names += [("role", a.role) for a in e.arguments]
            names += [("label", a.span.label) for a in e.arguments]
            for key, value in e.attributes:
                names.append(("attribute", key))
                if isinstance(value, str):
                    names.append(("attribute value", value))
        return names

    def problems(self) -> list[str]:
        """Why this document cannot be stored as is (empty list when it can).

        Checked once per distinct name and once per document for the offsets (a bulk
        import checks ~40 spans per article): a document with a problem is then gone
        through item by item for the messages, in the order of its items."""
        out = [] if self.text.strip() else ["no text"]
        if "\x00" in self.text:  # SQLite's text functions stop at a NUL: offsets would lie
            out.append(f"the text contains a NUL character (at {self.text.index(chr(0))})")
        if "\x00" in self.title and "\x00" not in self.text:  # a title from the text: said
            out.append("the title contains a NUL character")
        rows = self.span_rows()
        names = {name for _, name in self._names()} if self.events else set(map(_LABEL, rows))
        if CONTROL.search("".join(names)):
            out += [
                f"{what} {name!r} holds a control character"
                for what, name in self._names()
                if CONTROL.search(name)
            ]
        if ANY_SPAN in map(_LABEL, rows):  # the phrase label of event arguments
            out += [
                f"entity span {start}..{end} is labelled {ANY_SPAN}, the label of event "
                "argument phrases, not of an entity (label it, or leave it to the event)"
                for start, end, label in rows
                if label == ANY_SPAN
            ][:1]
        n = len(self.text)
        ends = [e.trigger.end for e in self.events]
        ends += [a.span.end for e in self.events for a in e.arguments]
        if (rows and max(map(_END, rows)) > n) or max(ends, default=0) > n:
            spans = [Span(*row) for row in rows] + [e.trigger for e in self.events]
            spans += [a.span for e in self.events for a in e.arguments]
            out += [
                f"span {s.start}..{s.end} ({s.label}) is past the end of the text ({n})"
                for s in spans
                if s.end > n
            ]
        return out


_START, _END, _LABEL = itemgetter(0), itemgetter(1), itemgetter(2)
# the label of an event argument that is a phrase, not an entity (the event schema's "any
# span"): never an entity's label (annotator.core.schema.ANY_SPAN)
ANY_SPAN = "SPAN"

PARTIAL = "partial"


# the key formats without a "meta" object (doccano, Label Studio's task data) mark partial
# entity gold with: true (doccano), or the annotators whose gold is partial (Label Studio)
PARTIAL_KEY = "partial_entities"


def partial_entities(meta: dict[str, Any]) -> bool:
    """Whether an article's gold marks only some entities (``meta["entities"] == "partial"``,
    e.g. gold made for events, holding only the entities its arguments need). Training
    exports then mark unannotated tokens as missing, not as outside any entity, and
    entity scores leave the article out."""
    return meta.get("entities") == PARTIAL


@dataclass(frozen=True)
class Article:
    """A stored article."""

    id: int
    content_hash: str
    text: str
    title: str
    lang: str
    date: str | None
    time: str | None
    source: str
    external_id: str | None
    meta: dict[str, Any]


@dataclass(frozen=True)
class Suggestion:
    """A model's (or an import's) proposal awaiting review.

    For ``kind == EVENT`` the span is the trigger and ``arguments`` its roles.
    """

    span: Span
    kind: str = ENTITY
    arguments: tuple[Argument, ...] = ()
    attributes: tuple[tuple[str, Any], ...] = ()
    score: float | None = None
    source: str = "model"
    model: str = ""
    model_version: str = ""
    id: int | None = None

    @property
    def label(self) -> str:
        return self.span.label

    def as_event(self, uid: str | None = None) -> Event:
        return Event(self.span, self.arguments, self.attributes, uid or new_uid())


@dataclass(frozen=True)
class _Note:
    """One line about one input item: ``source[:line]: reason``."""

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


class ReadError(_Note):
    """An input that could not be read: one line for the user."""


class Skipped(_Note):
    """An input item left out on purpose (e.g. a Prodigy line answered "ignore"): counted
    and named in the import summary, not an error."""
