"""JSON Lines: one article per line, with optional entity spans and events.

Accepted shapes (offsets are code points into ``text`` as given, end exclusive)::

    {"text": "...", "meta": {"title": .., "lang": .., "date": .., "id": ..},
     "spans": [{"start": 0, "end": 7, "label": "PERSON"}],              # Prodigy
     "label": [[0, 7, "PERSON"]],                                        # doccano (classic)
     "entities": [{"start_offset": 0, "end_offset": 7, "label": "PERSON"}],  # doccano
     "events": [{"trigger": {"start": 8, "end": 12}, "type": "Meet",
                 "arguments": [{"role": "Participant", "start": 0, "end": 7,
                                "label": "PERSON"}],
                 "attributes": {"Negation": false}}]}

The text is normalised (BOM, CRLF) and every offset mapped through the offset map.
Language: ``--lang`` if given, else ``meta.lang`` / ``meta.language`` (or doccano's
top-level ``lang`` / ``language``), else the import detects it from the text
(:mod:`annotator.io.langdetect`: ``xx`` when unsure).

Prodigy's ``answer`` is honoured: ``"ignore"`` lines are skipped (a ``Skipped`` item, counted
by the import), ``"reject"`` lines come in as articles whose spans are not gold
(``annotated`` is False: the annotator said these annotations are wrong), ``"accept"`` lines
are annotated. A record states annotations (``annotated``) when it is accepted or has a
``spans``, ``entities``, ``events`` or doccano ``label`` list, even an empty one. The answer
and Prodigy's underscore fields (``_session_id``, ``_timestamp``, ``_annotator_id``, ...)
are kept in the article's meta, so the JSONL export can write them back.

A line that is a Label Studio task (``{"data": {"text": ...}, "annotations": [...]}``) is
read as one (:mod:`annotator.io.labelstudio`). doccano's ``relations`` (between its
``entities``) have no place in the project: they are counted, said on stderr, not imported.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from sys import intern
from typing import Any

from annotator.core.models import (
    PARTIAL,
    PARTIAL_KEY,
    Argument,
    Event,
    ParsedDoc,
    ReadError,
    Skipped,
    Span,
    SpanRow,
)
from annotator.core.schema import ANY_SPAN
from annotator.core.text import Normalized, normalize
from annotator.io import extras
from annotator.io.errors import ParseError
from annotator.io.json_keys import repeated_key
from annotator.io.langdetect import mark_unstated
from annotator.io.plaintext import norm_lang, preview_title, stem

ACCEPT, REJECT, IGNORE = "accept", "reject", "ignore"
ANSWERS = (ACCEPT, REJECT, IGNORE)
ANNOTATION_KEYS = ("spans", "entities", "events")
RELATIONS = "doccano relations (between entities): not imported"
REJECTED_SPANS = (
    "spans of Prodigy binary answers (view 'ner') answered reject (said to be wrong): not "
    "kept, not even as suggestions"
)


def read_jsonl(
    text: str, source: str = "", lang: str | None = None
) -> Iterator[ParsedDoc | ReadError | Skipped]:
    """Parse every non-blank line; a bad line gives a ReadError and the others still import."""
    text = text.removeprefix("\ufeff")
    # split on "\n" only: str.splitlines() would also break on U+2028 inside JSON strings
    for line_no, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        yield from parse_line_items(line, source, lang, line_no)


def parse_line_items(
    line: str, source: str = "", lang: str | None = None, line_no: int | None = None
) -> list[ParsedDoc | ReadError | Skipped]:
    """Every item of one line: its documents (a Label Studio task may hold several), or
    the one ReadError that says why the line is not imported."""
    try:
        obj = _load(line, line_no)
        if _is_task(obj):
            from annotator.io.labelstudio import parse_task

            return list(parse_task(obj, source, lang, line_no))
        return [parse_object(obj, source, lang, line_no)]
    except ParseError as err:
        return [ReadError(source, err.reason, line_no)]


def _is_task(obj: dict[str, Any]) -> bool:
    return isinstance(obj.get("data"), dict) and "text" not in obj


def parse_jsonl_line(
    line: str, source: str = "", lang: str | None = None, line_no: int | None = None
) -> ParsedDoc | Skipped:
    """Parse one JSON object into a document; raise ``ParseError`` naming the bad field.

    A line Prodigy's annotator answered "ignore" gives a ``Skipped`` item instead.
    """
    return parse_object(_load(line, line_no), source, lang, line_no)


def parse_object(
    obj: dict[str, Any], source: str = "", lang: str | None = None, line_no: int | None = None
) -> ParsedDoc | Skipped:
    """:func:`parse_jsonl_line` of a line already parsed as JSON."""
    answer = _answer(obj, line_no)
    if answer == IGNORE:
        return Skipped(source, 'answered "ignore" in Prodigy: not imported', line_no)
    rejected = 0
    if answer == REJECT and obj.get("_view_id") == "ner":
        # a binary answer rejects its one proposed span: it is wrong, not a suggestion (a
        # manual view's reject says the example is unfit: its spans stay suggestions)
        kept = {k: v for k, v in obj.items() if k not in (*ANNOTATION_KEYS, "label")}
        said = [obj.get(k) for k in ANNOTATION_KEYS]
        rejected = sum(len(v) for v in said if isinstance(v, list))
        obj = kept
    doc = _document(obj, source, lang, line_no)
    extras.note(doc, REJECTED_SPANS, rejected)
    doc.annotated = answer == ACCEPT or (answer is None and _states_annotations(obj))
    doc.meta.update(_kept_fields(obj))
    who = obj.get("_annotator_id")
    if isinstance(who, str) and who.strip():  # Prodigy's and annotator's own exports name
        doc.meta[extras.ANNOTATOR] = who.strip()  # whose answer it is (without --annotator)
    if obj.get("_view_id") == "ner" and doc.annotated and not doc.events:
        # Prodigy's binary NER (ner.teach): this line judges one span of the text; the
        # other lines on the same text add theirs (the store merges them): partial gold
        doc.meta["entities"] = PARTIAL
    relations = obj.get("relations")
    if isinstance(relations, list):
        extras.note(doc, RELATIONS, len(relations))
    return doc


def _load(line: str, line_no: int | None) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        raise ParseError(f"invalid JSON: {err.msg} (column {err.colno})", line_no) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply", line_no) from None
    if not isinstance(obj, dict):
        raise ParseError(f"expected a JSON object, found {_kind(obj)}", line_no)
    if "\\ud" in line.lower():  # only then can a lone surrogate (unstorable as UTF-8) hide here
        _reject_lone_surrogates(obj, line_no)
    if not _is_task(obj) and (repeated := repeated_key(line, obj)):
        raise ParseError(
            f"{repeated} (JSON keeps only the last value: which one was meant cannot be told)",
            line_no,
        )
    return obj


def _answer(obj: dict[str, Any], line_no: int | None) -> str | None:
    answer = obj.get("answer")
    if answer is None or answer in ANSWERS:
        return answer
    shown = answer[:40] if isinstance(answer, str) else _kind(answer)
    raise ParseError(f"field 'answer' must be accept, reject or ignore, found {shown!r}", line_no)


def _states_annotations(obj: dict[str, Any]) -> bool:
    labels = obj.get("label")  # doccano: [[start, end, label]]; a list of strings classifies
    spans = isinstance(labels, list) and not any(isinstance(x, str) for x in labels)
    return spans or any(key in obj for key in ANNOTATION_KEYS)


def _kept_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Prodigy's answer and underscore fields, for the article's meta."""
    return {k: v for k, v in obj.items() if k == "answer" or k.startswith("_")}


def _document(obj: dict[str, Any], source: str, lang: str | None, line_no: int | None) -> ParsedDoc:
    raw = obj.get("text")
    if raw is None:
        raise ParseError("missing field 'text'", line_no)
    if not isinstance(raw, str):
        raise ParseError(f"field 'text' must be a string, found {_kind(raw)}", line_no)
    meta = obj.get("meta")
    meta = {} if meta is None else meta
    if not isinstance(meta, dict):
        raise ParseError(f"field 'meta' must be an object, found {_kind(meta)}", line_no)
    norm = normalize(raw)
    mapper = _Mapper(norm, raw, line_no)
    file_lang = _file_lang(obj, meta, line_no)
    fields: dict[str, Any] = dict(  # in this order: the first bad field is the one named
        text=norm.text,
        title=_str(meta, "title", line_no) or preview_title(norm.text),
        lang=norm_lang(lang, file_lang, line_no),
        date=_date(meta, line_no),
        time=_str(meta, "time", line_no),
        source=source,
        external_id=_external_id(obj, meta, source, line_no),
        meta={**meta, "format": "jsonl", "source_line": line_no, **_partial(obj, meta)},
    )
    rows = dict.fromkeys(_spans(obj, mapper))  # once each, in order; no Span objects
    events = _list(obj, "events", line_no)
    labels = {(start, end): label for start, end, label in rows} if events else {}
    fields["events"] = [_event(e, f"events[{i}]", mapper, labels) for i, e in enumerate(events)]
    doc = ParsedDoc.with_span_rows(rows, **fields)
    problems = doc.problems()
    if problems:
        raise ParseError("; ".join(problems), line_no)
    return mark_unstated(doc, lang, file_lang)


def _partial(obj: dict[str, Any], meta: dict[str, Any]) -> dict[str, str]:
    """doccano keeps no "meta" object: the export marks partial entity gold at the top
    level (``"partial_entities": true``), read back as ``meta.entities = "partial"``."""
    if obj.get(PARTIAL_KEY) is True and "entities" not in meta:
        return {"entities": PARTIAL}
    return {}


def _file_lang(obj: dict[str, Any], meta: dict[str, Any], line_no: int | None) -> str | None:
    """The record's own language: ``meta.lang``/``meta.language``, else a top-level
    ``lang``/``language`` (doccano keeps extra keys at the top level)."""
    code = _str(meta, "lang", line_no) or _str(meta, "language", line_no)
    if code:
        return code
    top = (obj.get("lang"), obj.get("language"))  # other top-level keys may be anything
    return next((v for v in top if isinstance(v, str) and v.strip()), None)


class _Mapper:
    """Validates original offsets and maps them into the normalised text."""

    def __init__(self, norm: Normalized, raw: str, line_no: int | None) -> None:
        self.norm, self.raw, self.raw_len, self.line_no = norm, raw, len(raw), line_no

    def check_text(self, item: Any, where: str) -> None:
        """A span's own ``text`` (Prodigy writes it) must be what its offsets cover: when
        it is not, the offsets were counted another way (bytes, UTF-16) or belong to
        another text, and the span would be gold on the wrong words."""
        said = item.get("text") if isinstance(item, dict) else None
        if not isinstance(said, str):
            return
        start, end = (
            item.get("start", item.get("start_offset")),
            item.get("end", item.get("end_offset")),
        )
        covered = self.raw[start:end]
        if covered != said:
            raise self.error(
                f"{where}: its text is {_short(said)} but offsets {start}..{end} cover "
                f"{_short(covered)} (offsets counted in bytes or UTF-16, or of another text?)"
            )

    def error(self, message: str) -> ParseError:
        return ParseError(message, self.line_no)

    def span(self, start: Any, end: Any, label: Any, where: str) -> Span:
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise self.error(f"{where}: {name} must be an integer, found {_kind(value)}")
        if not isinstance(label, str) or not label.strip():
            raise self.error(f"{where}: label must be a non-empty string")
        if label != label.strip():  # " GPE " is another label than "GPE" to every export
            raise self.error(f"{where}: label {label!r} has spaces at its edge")
        if start < 0 or end > self.raw_len:
            raise self.error(
                f"{where}: offsets {start}..{end} outside the text (0..{self.raw_len})"
            )
        if start >= end:
            raise self.error(f"{where}: start {start} is not before end {end}")
        new_start, new_end = self.norm.map_offset(start), self.norm.map_offset(end)
        if new_start >= new_end:
            raise self.error(f"{where}: covers only a removed BOM or carriage return")
        return Span(new_start, new_end, label)

    def field(self, item: Any, where: str, start: str, end: str, label: Any = None) -> Span:
        if not isinstance(item, dict):
            raise self.error(f"{where} must be an object, found {_kind(item)}")
        return self.span(item.get(start), item.get(end), item.get("label", label), where)


def _spans(obj: dict[str, Any], m: _Mapper) -> list[SpanRow]:
    """The entity spans as ``(start, end, label)`` rows (no Span object for each)."""
    items = _list(obj, "spans", m.line_no)
    rows = _plain_rows(items, m) if items and not m.norm._removed else None
    if rows is None:  # each checked, the first bad one named
        rows = [_row(m.field(item, f"spans[{i}]", "start", "end")) for i, item in enumerate(items)]
    raw = m.raw
    if any(  # the spans' own texts: one pass, then the first bad one named
        type(t := item.get("text")) is str and raw[item["start"] : item["end"]] != t
        for item in items
    ):
        for i, item in enumerate(items):
            m.check_text(item, f"spans[{i}]")
    for i, item in enumerate(_list(obj, "entities", m.line_no)):
        keys = (
            ("start_offset", "end_offset")
            if isinstance(item, dict) and "start_offset" in item
            else ("start", "end")
        )
        rows.append(_row(m.field(item, f"entities[{i}]", *keys)))
    labels = obj.get("label")
    if not isinstance(labels, list):  # a Prodigy/doccano text-classification label: not ours
        return rows
    for i, item in enumerate(labels):
        if isinstance(item, str):  # doccano text classification: ["POSITIVE", ...]
            continue
        if not isinstance(item, list) or len(item) != 3:
            raise m.error(f'label[{i}] must be [start, end, "LABEL"], found {_kind(item)}')
        rows.append(_row(m.span(*item, f"label[{i}]")))
    return rows


def _plain_rows(items: list[Any], m: _Mapper) -> list[SpanRow] | None:
    """Prodigy's spans all at once when every one is the common case (the checks of
    :meth:`_Mapper.span`, in a text with nothing removed, where every offset maps to
    itself); None when any is not. Labels are interned: a batch of documents pickled for
    the import holds each label once (see import_reader)."""
    n = m.raw_len
    try:
        rows = [
            (start, end, intern(label))
            for item in items
            for start, end, label in ((item["start"], item["end"], item["label"]),)
            if type(start) is int
            and type(end) is int
            and type(label) is str
            and 0 <= start < end <= n
            and label.strip() == label != ""
        ]
    except (KeyError, TypeError):  # a field missing, or an item that is no object
        return None
    return rows if len(rows) == len(items) else None


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _row(span: Span) -> SpanRow:
    return span.start, span.end, span.label


NO_LABEL = "\x00no label"  # an argument without its own label (never a real one: NUL)


def _event(item: Any, where: str, m: _Mapper, labels: dict[tuple[int, int], str]) -> Event:
    """An event; an argument without a "label" takes the entity's on its offsets, else it
    is a phrase (``SPAN``, no entity): a role name is no entity label (it was taken as
    one, and became NER gold)."""
    if not isinstance(item, dict):
        raise m.error(f"{where} must be an object, found {_kind(item)}")
    trigger = item.get("trigger")
    etype = item.get("type") or (trigger.get("label") if isinstance(trigger, dict) else None)
    if not isinstance(etype, str) or not etype.strip():
        raise m.error(f"{where}: missing event 'type'")
    span = m.field(trigger, f"{where}.trigger", "start", "end", etype)
    args = []
    for i, arg in enumerate(_list(item, "arguments", m.line_no, where)):
        role = arg.get("role") if isinstance(arg, dict) else None
        if not isinstance(role, str) or not role.strip():
            raise m.error(f"{where}.arguments[{i}]: missing 'role'")
        here = f"{where}.arguments[{i}]"
        found = m.field(arg, here, "start", "end", NO_LABEL)
        if found.label == NO_LABEL:  # no label of its own: the entity's on those offsets,
            # else a phrase (SPAN: an argument that is no entity), never the role's name
            label = labels.get((found.start, found.end), ANY_SPAN)
            found = Span(found.start, found.end, label)
        args.append(Argument(role, found))
    attrs = item.get("attributes")
    attrs = {} if attrs is None else attrs
    if not isinstance(attrs, dict):
        raise m.error(f"{where}.attributes must be an object, found {_kind(attrs)}")
    for name, value in attrs.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise m.error(
                f"{where}.attributes.{name} must be a string, number, true/false or null, "
                f"found {_kind(value)}"
            )
    uid = item.get("uid")
    extra = {"uid": str(uid)} if uid else {}
    return Event(
        Span(span.start, span.end, etype), tuple(args), tuple(sorted(attrs.items())), **extra
    )


def _list(obj: dict[str, Any], key: str, line_no: int | None, where: str = "") -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        name = f"{where}.{key}" if where else f"field '{key}'"
        raise ParseError(f"{name} must be a list, found {_kind(value)}", line_no)
    return value


def _str(meta: dict[str, Any], key: str, line_no: int | None) -> str | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(f"field 'meta.{key}' must be a string, found {_kind(value)}", line_no)
    return value


def _date(meta: dict[str, Any], line_no: int | None) -> str | None:
    """meta.date as YYYY-MM-DD; a datetime keeps its date part."""
    value = _str(meta, "date", line_no)
    if value is None:
        return None
    day = value[:10] if len(value) > 10 and value[10] in "T " else value
    try:
        return dt.date.fromisoformat(day).isoformat()
    except ValueError:
        reason = f"field 'meta.date': {value[:40]!r} is not a valid YYYY-MM-DD date"
        raise ParseError(reason, line_no) from None


def _external_id(
    obj: dict[str, Any], meta: dict[str, Any], source: str, line_no: int | None
) -> str | None:
    for value in (meta.get("id"), obj.get("id")):
        if value is not None and value != "" and not isinstance(value, (dict, list, bool)):
            return str(value)
    name = stem(source)
    return f"{name}:{line_no}" if name and line_no else None


def _reject_lone_surrogates(obj: dict[str, Any], line_no: int | None) -> None:
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError(
            "contains an unpaired surrogate escape (\\ud800-\\udfff)", line_no
        ) from None


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }
    return names.get(type(value), "a number")
