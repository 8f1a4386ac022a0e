"""Label Studio text tasks: its JSON export (a list of tasks) or JSONL (a task per line).

A task in Label Studio's documented shape::

    {"id": 7, "data": {"text": "Tokayev met Mirziyoyev."},
     "annotations": [{"id": 3, "completed_by": 1, "was_cancelled": false,
                      "created_at": "2025-04-22T10:00:00Z",
                      "result": [{"id": "r1", "from_name": "label", "to_name": "text",
                                  "type": "labels",
                                  "value": {"start": 0, "end": 7, "text": "Tokayev",
                                            "labels": ["PERSON"]}},
                                 {"type": "relation", "from_id": "r1", "to_id": "r2",
                                  "direction": "right", "labels": ["Participant"]}]}],
     "predictions": [{"model_version": "ner-v2", "score": 0.8, "result": [...]}]}

- The text is ``data.text`` (a config whose ``<Text value="$other">`` names another field
  is reported per task: rename the field); ``data.title``,
  ``data.lang`` / ``data.language``, ``data.date`` and ``data.id`` fill the article's fields.
  Without ``--lang`` or ``data.lang`` the import detects the language
  (:mod:`annotator.io.langdetect`).
- Each annotation that was not cancelled is one document: with ``--as-gold`` it becomes
  the gold of the person who made it (``completed_by``: an e-mail where the export has one,
  else ``labelstudio-user-<id>``) unless ``--annotator`` names one person for all; then the
  task's latest annotation is taken and the others counted. Cancelled annotations are
  counted, not imported.
- ``labels`` regions are entities (a region with two labels is two spans); regions from a
  control named ``trigger`` are event triggers, and relations from a trigger to a region
  are its arguments, the relation's label the role (how ``export --format labelstudio``
  writes events); a per-region choice on a trigger region is an attribute of its event
  (the choice's control the attribute, "true"/"false" a yes/no value). Other relations,
  other choices and other result types (text areas, ...) are counted on stderr, not
  imported.
- Predictions become suggestions of the model ``labelstudio:<model_version>``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from annotator.core.models import (
    EVENT,
    PARTIAL,
    PARTIAL_KEY,
    Argument,
    ParsedDoc,
    Span,
    Suggestion,
)
from annotator.core.schema import ANY_SPAN
from annotator.core.text import normalize
from annotator.io import extras
from annotator.io.errors import ParseError
from annotator.io.jsonl import _kind, _Mapper
from annotator.io.langdetect import mark_unstated
from annotator.io.plaintext import norm_lang, preview_title, stem

TRIGGER = "trigger"  # the control name of event triggers in our Label Studio config
MODEL_PREFIX = "labelstudio:"
CANCELLED = "Label Studio annotations cancelled (skipped) by their annotator: not imported"
RELATIONS = "Label Studio relations that are not event arguments: not imported"
OTHER_TYPES = "Label Studio results of types other than labels and relation: not imported"
LONE_PHRASES = (
    f"Label Studio regions labelled {ANY_SPAN} (a phrase an event argument may be, not an "
    "entity) that no event uses: not imported"
)
SHADOWED = (
    "older Label Studio annotations of a task not imported: --annotator names one person, "
    "who gets the task's latest annotation"
)
NOT_GOLD = "Label Studio annotations after a task's latest: not imported (without --as-gold)"


def is_task(obj: Any) -> bool:
    """Whether a JSON object is a Label Studio task (``data``, no top-level ``text``)."""
    return isinstance(obj, dict) and isinstance(obj.get("data"), dict) and "text" not in obj


def task_label(obj: Any, index: int | None) -> str:
    """How error lines name a task: its place in a JSON file (``index``, 1-based; a JSONL
    line names its line instead) and its ``id``: ``task 17 (id 4242): `` (or ``""``)."""
    tid = obj.get("id") if isinstance(obj, dict) else None
    shown = "" if tid is None or isinstance(tid, (dict, list)) else str(tid)[:40]
    if index is None:
        return f"task id {shown}: " if shown else ""
    return f"task {index} (id {shown}): " if shown else f"task {index}: "


def parse_task(
    obj: dict[str, Any], source: str, lang: str | None, where: int | None, index: int | None = None
) -> list[ParsedDoc]:
    """The documents of one task: one per annotation (latest first), or one without.

    ``where`` is the task's line in a JSONL file, ``index`` its place in a JSON list: a
    ParseError names the task by them and its id (:func:`task_label`)."""
    try:
        return _parse_task(obj, source, lang, where)
    except ParseError as err:
        raise ParseError(f"{task_label(obj, index)}{err.reason}", err.line) from None


def _parse_task(
    obj: dict[str, Any], source: str, lang: str | None, line: int | None
) -> list[ParsedDoc]:
    if not isinstance(obj.get("data"), dict):
        raise ParseError(f"'data' must be an object, found {_kind(obj.get('data'))}", line)
    raw, data = _text(obj["data"], line), obj["data"]
    norm = normalize(raw)
    mapper = _Mapper(norm, raw, line)
    annotations = _list(obj, "annotations", line) or _list(obj, "completions", line)
    kept = [a for a in annotations if not _cancelled(a, line)]
    kept.sort(key=_when, reverse=True)  # the latest first, as Label Studio's converter
    base = _base(obj, data, norm.text, source, lang, line)
    docs = [_annotated(base, a, i, mapper, "annotations") for i, a in enumerate(kept)]
    if not docs:
        docs = [_copy(base)]
        docs[0].annotated = False
    first = docs[0]
    extras.note(first, CANCELLED, len(annotations) - len(kept))
    predictions = _list(obj, "predictions", line)
    first.meta[extras.PREDICTIONS] = [
        _prediction(p, i, mapper, f"predictions[{i}]") for i, p in enumerate(predictions)
    ]
    for doc in docs:
        problems = doc.problems()
        if problems:
            raise ParseError("; ".join(problems), line)
    return docs


def _text(data: dict[str, Any], line: int | None) -> str:
    value = data.get("text")
    if value is None:
        keys = ", ".join(sorted(data)[:10]) or "nothing"
        raise ParseError(f"no text (data.text is missing; data has: {keys})", line)
    if not isinstance(value, str):
        raise ParseError(f"data.text must be a string, found {_kind(value)}", line)
    if not value.strip():
        raise ParseError("no text (data.text is empty)", line)
    return value


def _list(obj: dict[str, Any], key: str, line: int | None) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParseError(f"'{key}' must be a list, found {_kind(value)}", line)
    return value


def _cancelled(annotation: Any, line: int | None) -> bool:
    if not isinstance(annotation, dict):
        raise ParseError(f"an annotation must be an object, found {_kind(annotation)}", line)
    return bool(annotation.get("was_cancelled") or annotation.get("skipped"))


def _when(annotation: dict[str, Any]) -> str:
    return str(annotation.get("updated_at") or annotation.get("created_at") or "")


def _base(
    obj: dict[str, Any],
    data: dict[str, Any],
    text: str,
    source: str,
    lang: str | None,
    line: int | None,
) -> ParsedDoc:
    title = _field(data, "title", line) or preview_title(text)
    code = _field(data, "lang", line) or _field(data, "language", line)
    task_id = obj.get("id")
    ext = data.get("id") if data.get("id") not in (None, "") else task_id
    meta: dict[str, Any] = {"format": "labelstudio"}
    if line is not None:
        meta["source_line"] = line
    if task_id is not None:
        meta["labelstudio"] = {"task": task_id}
    partial = data.get(PARTIAL_KEY)  # annotator's export: whose entity gold is partial
    if isinstance(partial, list):
        names = [p for p in partial if isinstance(p, str)]
        meta.setdefault("labelstudio", {})[PARTIAL_KEY] = names
    annotator = (
        (obj.get("meta") or {}).get("annotator") if isinstance(obj.get("meta"), dict) else None
    )
    if isinstance(annotator, str):
        meta[extras.ANNOTATOR] = annotator
    doc = ParsedDoc(
        text=text,
        title=title,
        lang=norm_lang(lang, code, line),
        date=_date(data, line),
        source=source,
        external_id=str(ext)
        if ext is not None and not isinstance(ext, (dict, list))
        else stem(source),
        meta=meta,
    )
    return mark_unstated(doc, lang, code)  # no language given: the import detects it


def _field(data: dict[str, Any], key: str, line: int | None) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ParseError(f"data.{key} must be a string, found {_kind(value)}", line)
    return value


def _date(data: dict[str, Any], line: int | None) -> str | None:
    value = _field(data, "date", line)
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise ParseError(f"data.date: {value[:40]!r} is not a YYYY-MM-DD date", line) from None


def _copy(base: ParsedDoc) -> ParsedDoc:
    return ParsedDoc(
        text=base.text,
        title=base.title,
        lang=base.lang,
        date=base.date,
        source=base.source,
        external_id=base.external_id,
        meta={**base.meta, "labelstudio": dict(base.meta.get("labelstudio", {}))},
    )


def _annotated(
    base: ParsedDoc, annotation: dict[str, Any], rank: int, m: _Mapper, where: str
) -> ParsedDoc:
    doc = _copy(base)
    results = annotation.get("result")
    results = [] if results is None else results
    if not isinstance(results, list):
        raise m.error(f"{where}[{rank}].result must be a list, found {_kind(results)}")
    entities, events, notes = read_results(results, m, f"{where}[{rank}].result")
    # an empty result is a submitted "nothing to label"; results that are all of other
    # kinds (a text classification's choices, ...) answered another question: not gold
    other_only = bool(results) and notes.get(OTHER_TYPES, 0) == len(results)
    doc.spans, doc.events, doc.annotated = entities, events, not other_only
    for what, n in notes.items():
        extras.note(doc, what, n)
    who = _annotator(annotation)
    if who:
        doc.meta[extras.ANNOTATOR] = who
    partial = base.meta.get("labelstudio", {}).get(PARTIAL_KEY)
    if isinstance(partial, list) and who in partial:  # as the export marks it
        doc.meta["entities"] = PARTIAL
    doc.meta[extras.RANK] = rank
    doc.meta["labelstudio"]["annotation"] = annotation.get("id")
    return doc


def _annotator(annotation: dict[str, Any]) -> str | None:
    """A name for whoever made an annotation: e-mail, else ``labelstudio-user-<id>``."""
    username = annotation.get("created_username")
    if isinstance(username, str) and username.split(",")[0].strip():
        return username.split(",")[0].strip()
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        email = who.get("email")
        if isinstance(email, str) and email.strip():
            return email.strip()
        who = who.get("id")
    if isinstance(who, str) and who.strip():
        return who.strip()
    if isinstance(who, int) and not isinstance(who, bool):
        return f"labelstudio-user-{who}"
    return None


def read_results(
    results: list[Any], m: _Mapper, where: str
) -> tuple[list[Span], list[Any], dict[str, int]]:
    """Entity spans, events and counts of what was left out, from one result list."""
    from annotator.core.models import Event

    regions: dict[str, tuple[str, Span]] = {}  # region id -> (control name, span)
    spans: list[Span] = []
    triggers: dict[str, Span] = {}
    relations: list[tuple[str, str, str]] = []
    phrases: set[str] = set()  # regions labelled SPAN: arguments, never entities
    choices: list[tuple[str, str, str]] = []  # (region id, control, choice): attributes
    notes: dict[str, int] = {}
    for i, item in enumerate(results):
        here = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise m.error(f"{here} must be an object, found {_kind(item)}")
        kind = str(item.get("type") or "").lower()
        if kind == "relation":
            rel = _relation(item)
            if rel is None:
                notes[RELATIONS] = notes.get(RELATIONS, 0) + 1
            else:
                relations.append(rel)
            continue
        picked = _region_choice(item) if kind == "choices" else None
        if picked is not None:
            choices.append(picked)
            continue
        if kind != "labels":
            notes[OTHER_TYPES] = notes.get(OTHER_TYPES, 0) + 1
            continue
        control = str(item.get("from_name") or "")
        for span in _region_spans(item, m, here):
            if control == TRIGGER:
                triggers.setdefault(str(item.get("id", here)), span)
            elif span.label == ANY_SPAN:  # a phrase only an event's argument may be
                phrases.add(str(item.get("id", here)))
            else:
                spans.append(span)
            regions.setdefault(str(item.get("id", here)), (control, span))
    args = _arguments(relations, set(triggers), regions, phrases, notes)
    attrs = _attributes(choices, triggers, notes)
    events = [
        Event(t, tuple(args.get(rid, ())), tuple(sorted(attrs.get(rid, {}).items())))
        for rid, t in triggers.items()
    ]
    return list(dict.fromkeys(spans)), events, notes


def _attributes(
    choices: list[tuple[str, str, str]], triggers: dict[str, Span], notes: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """Each trigger region's attributes (its per-region choices); a choice about something
    else (a text classification, an entity) is counted in ``notes``."""
    attrs: dict[str, dict[str, Any]] = {}
    for rid, control, choice in choices:
        if rid in triggers:
            attrs.setdefault(rid, {})[control] = _attribute_value(choice)
        else:
            notes[OTHER_TYPES] = notes.get(OTHER_TYPES, 0) + 1
    return attrs


def _region_choice(item: dict[str, Any]) -> tuple[str, str, str] | None:
    """(region id, control, choice) of a per-region choice with one choice, else None."""
    value = item.get("value")
    rid, control = item.get("id"), item.get("from_name")
    if not isinstance(value, dict) or not isinstance(rid, str) or not isinstance(control, str):
        return None
    picked = value.get("choices")
    if not isinstance(picked, list) or len(picked) != 1 or not isinstance(picked[0], str):
        return None
    return rid, control, picked[0]


def _attribute_value(choice: str) -> Any:
    """An attribute's value from its choice: "true"/"false" are a yes/no attribute's."""
    return {"true": True, "false": False}.get(choice, choice)


def _arguments(
    relations: list[tuple[str, str, str]],
    triggers: set[str],
    regions: dict[str, tuple[str, Span]],
    phrases: set[str],
    notes: dict[str, int],
) -> dict[str, list[Argument]]:
    """Each trigger region's arguments (relations from it to a region); what is left out
    is counted in ``notes``."""
    args: dict[str, list[Argument]] = {}
    used: set[str] = set()
    for source_id, target_id, role in relations:
        if source_id in triggers and target_id in regions:
            args.setdefault(source_id, []).append(Argument(role, regions[target_id][1]))
            used.add(target_id)
        else:
            notes[RELATIONS] = notes.get(RELATIONS, 0) + 1
    if phrases - used:
        notes[LONE_PHRASES] = len(phrases - used)
    return args


def _relation(item: dict[str, Any]) -> tuple[str, str, str] | None:
    labels = item.get("labels")
    if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
        return None
    source, target = item.get("from_id"), item.get("to_id")
    if source is None or target is None or not labels[0].strip():
        return None
    if item.get("direction") == "left":
        source, target = target, source
    return str(source), str(target), labels[0]


def _region_spans(item: dict[str, Any], m: _Mapper, where: str) -> Iterator[Span]:
    value = item.get("value")
    if not isinstance(value, dict):
        raise m.error(f"{where}.value must be an object, found {_kind(value)}")
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        raise m.error(f"{where}.value.labels must be a non-empty list of labels")
    for label in labels:
        yield m.span(value.get("start"), value.get("end"), label, f"{where}.value")


def _prediction(pred: Any, i: int, m: _Mapper, where: str) -> tuple[str, str, list[Suggestion]]:
    if not isinstance(pred, dict):
        raise m.error(f"{where} must be an object, found {_kind(pred)}")
    results = pred.get("result")
    results = [] if results is None else results
    if not isinstance(results, list):
        raise m.error(f"{where}.result must be a list, found {_kind(results)}")
    spans, events, _notes = read_results(results, m, f"{where}.result")
    score = pred.get("score")
    score = float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None
    version = str(pred.get("model_version") or "")
    found = [Suggestion(s, score=score) for s in spans]
    found += [Suggestion(e.trigger, EVENT, e.arguments, score=score) for e in events]
    return MODEL_PREFIX + (version or "prediction"), version, found
