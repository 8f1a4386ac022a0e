"""Label Studio tasks: ``annotator export --format labelstudio``.

A JSON list of text tasks, as Label Studio imports them (its "import pre-annotated data")
and as :mod:`annotator.io.labelstudio` reads them back::

    [{"id": 12,
      "data": {"text": "...", "title": "...", "id": "ext-id", "lang": "en",
               "date": "2025-04-22", "source": "file.txt"},
      "annotations": [{"created_username": "alice", "result": [
          {"id": "e0", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": 0, "end": 7, "text": "Tokayev", "labels": ["PERSON"]}},
          {"id": "t0", "from_name": "trigger", "to_name": "text", "type": "labels",
           "value": {"start": 8, "end": 11, "text": "met", "labels": ["Meet"]}},
          {"from_id": "t0", "to_id": "e0", "type": "relation", "direction": "right",
           "labels": ["Participant"]}]}]}]

Entities are regions of the control ``label``, event triggers regions of ``trigger``, and
each argument a relation from its trigger to its entity's region, labelled with the role.
The labelling config this needs in Label Studio (``labelstudio_config`` writes it, with
the labels used)::

    <View>
      <Labels name="label" toName="text">...</Labels>
      <Labels name="trigger" toName="text">...</Labels>
      <Relations><Relation value="Participant"/>...</Relations>
      <Text name="text" value="$text"/>
    </View>

An article several people annotated is one task with one annotation each; whose it is
is the annotation's ``created_username`` (Label Studio's ``completed_by`` is a user id of
one installation, which an export cannot know). An event's attributes (negation,
modality) are per-region choices on its trigger region, as Label Studio keeps a
``<Choices perRegion="true">`` answer: the region's id, the attribute's name as the control
and its value as the choice ("true"/"false" for a yes/no attribute)::

    {"id": "t0", "from_name": "Modality", "to_name": "text", "type": "choices",
     "value": {"start": 8, "end": 11, "text": "met", "choices": ["future"]}}
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator.core.models import PARTIAL_KEY, Event, Span, partial_entities
from annotator.io.export_common import (
    AnnotatedDoc,
    ExportReport,
    Item,
    SplitFiles,
    pending_entities,
    sorted_events,
    sorted_spans,
    span_example,
)
from annotator.io.labelstudio import TRIGGER

SUFFIX = ".json"
ENTITY_CONTROL = "label"
ARGUMENT_REGION = "event arguments on a span that is no gold entity: written as an entity region"


def _region(rid: str, control: str, span: Span, text: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "value": {
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "labels": [span.label],
        },
    }


def results(doc: AnnotatedDoc, report: ExportReport | None = None) -> list[dict[str, Any]]:
    """The annotation's result list: entity regions, trigger regions, argument relations."""
    text = doc.article.text
    ids: dict[Span, str] = {}
    out = []
    for i, span in enumerate(sorted_spans(doc.spans)):
        ids[span] = f"e{i}"
        out.append(_region(f"e{i}", ENTITY_CONTROL, span, text))
    for i, event in enumerate(sorted_events(doc.events)):
        out.append(_region(f"t{i}", TRIGGER, event.trigger, text))
        out += _arguments(f"t{i}", event, ids, out, text, doc, report)
        out += [_choice(f"t{i}", name, value, event.trigger, text) for name, value in
                sorted(event.attributes)]  # fmt: skip
    return out


def _choice(rid: str, name: str, value: Any, span: Span, text: str) -> dict[str, Any]:
    """An event attribute as a per-region choice of its trigger region."""
    return {
        "id": rid,
        "from_name": name,
        "to_name": "text",
        "type": "choices",
        "value": {
            "start": span.start,
            "end": span.end,
            "text": text[span.start : span.end],
            "choices": [choice_text(value)],
        },
    }


def choice_text(value: Any) -> str:
    """How an attribute's value is written as a Label Studio choice."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _arguments(
    trigger_id: str,
    event: Event,
    ids: dict[Span, str],
    out: list[dict[str, Any]],
    text: str,
    doc: AnnotatedDoc,
    report: ExportReport | None,
) -> list[dict[str, Any]]:
    relations = []
    for arg in event.arguments:
        if arg.span not in ids:  # an argument stands on an entity; where not, one is made
            ids[arg.span] = f"e{len(ids)}"
            out.append(_region(ids[arg.span], ENTITY_CONTROL, arg.span, text))
            if report is not None:
                report.lose(ARGUMENT_REGION, span_example(doc, arg.span))
        relations.append(
            {
                "from_id": trigger_id,
                "to_id": ids[arg.span],
                "type": "relation",
                "direction": "right",
                "labels": [arg.role],
            }
        )
    return relations


def task(docs: list[AnnotatedDoc], report: ExportReport | None = None) -> dict[str, Any]:
    """One article's task: an annotation per annotator (``docs`` share the article)."""
    art = docs[0].article
    data: dict[str, Any] = {
        "text": art.text,
        "title": art.title,
        "id": art.external_id or str(art.id),
        "lang": art.lang,
    }
    data.update({k: v for k, v in (("date", art.date), ("source", art.source)) if v})
    if report is not None:
        for doc in docs:
            report.pending(doc)
    partial = [d.annotator for d in docs if partial_entities(d.article.meta) or pending_entities(d)]
    if partial:  # whose entity gold is partial (kept in the task's data; an import reads it)
        data[PARTIAL_KEY] = partial
    annotations = [{"created_username": d.annotator, "result": results(d, report)} for d in docs]
    return {"id": art.id, "data": data, "annotations": annotations}


def labelstudio_config(
    report: ExportReport,
    roles: Iterable[str] = (),
    attributes: dict[str, Iterable[Any]] | None = None,
) -> str:
    """A Label Studio labelling config for the labels and event types exported (and the
    event attributes' per-region choices: name -> values)."""
    labels = sorted({label for _, label in report.spans})
    types = sorted({etype for _, etype in report.events})
    lines = ["<View>", f'  <Labels name="{ENTITY_CONTROL}" toName="text">']
    lines += [f"    <Label value={quoteattr(label)}/>" for label in labels]
    lines += ["  </Labels>", f'  <Labels name="{TRIGGER}" toName="text">']
    lines += [f"    <Label value={quoteattr(t)}/>" for t in types]
    lines += ["  </Labels>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(r)}/>" for r in sorted(set(roles))]
    lines += ["  </Relations>"]
    for name, values in sorted((attributes or {}).items()):
        lines.append(
            f'  <Choices name={quoteattr(name)} toName="text" perRegion="true" '
            f'whenTagName="{TRIGGER}">'
        )
        lines += [f"    <Choice value={quoteattr(choice_text(v))}/>" for v in values]
        lines.append("  </Choices>")
    lines += ['  <Text name="text" value="$text"/>', "</View>", ""]
    return "\n".join(lines)


def write_labelstudio(
    items: Iterable[Item], out: Path, report: ExportReport | None = None
) -> dict[str, Path]:
    """One JSON list of tasks (no split: ``out``), or ``out/<split>.json`` per split,
    written a task at a time."""
    report = report or ExportReport()
    started: set[str] = set()
    with SplitFiles(out, SUFFIX) as files:
        for split, docs in _by_article(items):
            for doc in docs:
                report.count(split, doc)
            line = json.dumps(task(docs, report), ensure_ascii=False)
            files.write(split, (",\n" if split in started else "[\n") + line)
            started.add(split)
        for split in started:
            files.write(split, "\n]\n")
    return files.paths


def _by_article(items: Iterable[Item]) -> Iterator[tuple[str, list[AnnotatedDoc]]]:
    """Consecutive documents of one article (the store yields them so) as one group."""
    group: list[AnnotatedDoc] = []
    split = ""
    for item_split, doc in items:
        if group and (doc.article.id != group[0].article.id or item_split != split):
            yield split, group
            group = []
        split = item_split
        group.append(doc)
    if group:
        yield split, group
