"""brat's ``annotation.conf``, built from what an export contains (and, later, a schema).

``BratSchema`` collects entity labels, event types with their roles and the labels that
fill them, and event attributes. ``add_event_type`` takes declared roles (e.g. from the
project's event schema file) so that roles nothing has filled yet still appear; roles seen
only in the data are written as optional (``?``, or ``*`` when an event repeats them), so
the exported annotations never violate the generated configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from annotator.core.schema import ANY_SPAN, EventSchema

ARGUMENT_ONLY = "argument only"
# brat cannot say "this document's entity gold is partial" (e.g. gold made for events): a
# note on the first text-bound annotation says it, and this reader reads it back
PARTIAL_NOTE = "entities: partial (text without an entity is not known to hold none)"
ANNOTATOR_NOTE = "annotator: "  # + the project annotator whose gold the .ann holds
# brat writes a binary attribute only when it is true, and reads an absent one as false
# (an unticked box), so the reader gives an event each binary attribute annotation.conf
# declares that its .ann leaves out as False: an event whose attributes were set in the
# window (Negation False, as the schema's defaults give) round-trips. An event that never
# had the attribute (imported without attributes) would come back with an invented
# Negation False, so the writer names what it leaves unset in a note on the event, e.g.
# "#3 AnnotatorNotes E2 attributes not set: Negation", and the reader sets none of those.
UNSET_NOTE = "attributes not set: "  # + the binary attribute names, comma-separated

# brat stores a type, role or attribute name in "storage form" (projectconfig.py's
# normalize_to_storage_form): anything else is silently rewritten there, so the .ann and
# annotation.conf would disagree. In annotation.conf a line of hyphens is a separator, and
# brat strips trailing digits from a role (Participant2 is a second Participant).
_STORAGE_FORM = re.compile(r"[A-Za-z0-9_-]+")
_VALUE = re.compile(r"[A-Za-z0-9_.-]+")  # attribute values: one token, no | , : = < >
RULE = "brat names are letters A-Z, digits, _ and -, not only hyphens"
RULES = {
    "role": RULE + ", and may not end in a digit",
    "attribute value": "brat attribute values are letters A-Z, digits, _ . and -",
}


def name_problem(name: str, what: str) -> str | None:
    """Why brat cannot hold ``name`` as a ``what`` (label, event type, role, attribute,
    attribute value); None when it can."""
    pattern = _VALUE if what == "attribute value" else _STORAGE_FORM
    bad = not pattern.fullmatch(name) or (what != "attribute value" and not name.strip("-"))
    if bad or (what == "role" and name[-1].isdigit()):
        return f"brat cannot hold the {what} {name!r} ({RULES.get(what, RULE)})"
    return None


def check_name(name: str, what: str) -> None:
    """Raise ValueError (one line) when brat cannot hold this name."""
    problem = name_problem(name, what)
    if problem:
        raise ValueError(problem)


def doc_names(doc: Any) -> Iterator[tuple[str, str]]:
    """Every (what, name) of one document that goes into a .ann or annotation.conf."""
    for span in doc.spans:
        yield "label", span.label
    for event in doc.events:
        yield "event type", event.type
        for arg in event.arguments:
            yield "role", arg.role
            yield "label", arg.span.label
        for name, value in event.attributes:
            yield "attribute", name
            if isinstance(value, str):
                yield "attribute value", value


def doc_problems(doc: Any) -> list[str]:
    """Why brat cannot hold this document's names (each problem once)."""
    found = (name_problem(name, what) for what, name in doc_names(doc))
    return list(dict.fromkeys(p for p in found if p))


@dataclass
class Role:
    labels: set[str] = field(default_factory=set)
    repeated: bool = False
    cardinality: str | None = None  # declared by a schema: "", "?", "+", "*"
    any_label: bool = False  # the schema lets any span fill it

    def spec(self, name: str) -> str:
        if self.cardinality is None:
            card = "*" if self.repeated else "?"
        else:  # the schema's, widened when the data repeats a single role
            card = self.cardinality
            if self.repeated and card in ("", "?"):
                card = "+" if card == "" else "*"
        labels = "<ENTITY>" if self.any_label else "|".join(sorted(self.labels)) or "<ENTITY>"
        return f"{name}{card}:{labels}"


@dataclass
class BratSchema:
    entities: set[str] = field(default_factory=set)
    events: dict[str, dict[str, Role]] = field(default_factory=dict)
    attributes: dict[str, set[str]] = field(default_factory=dict)  # name -> values (none: binary)

    def add(self, doc: Any) -> None:
        """Take in the labels, event types, roles and attributes of one document.

        Roles only seen here are optional; a role a schema made required stays required
        unless a document repeats it where the schema allows one (then ``+`` / ``*``).
        """
        self.entities.update(s.label for s in doc.spans)
        for event in doc.events:
            roles = self.events.setdefault(event.type, {})
            counts: dict[str, int] = {}
            for arg in event.arguments:
                self.entities.add(arg.span.label)
                role = roles.setdefault(arg.role, Role())
                role.labels.add(arg.span.label)
                counts[arg.role] = counts.get(arg.role, 0) + 1
                role.repeated = role.repeated or counts[arg.role] > 1
            for name, value in event.attributes:
                values = self.attributes.setdefault(name, set())
                if not isinstance(value, bool) and value is not None:
                    values.add(str(value))

    def binary(self) -> frozenset[str]:
        """The binary attributes (no values): absent from a .ann, they read as false."""
        return frozenset(name for name, values in self.attributes.items() if not values)

    def add_event_type(self, etype: str, roles: Iterable[tuple[str, str, Iterable[str]]]) -> None:
        """Declare an event type: (role, cardinality, allowed labels) triples.

        Cardinality as in the event schema ("1", "?", "+", "*"); the label ``SPAN`` means
        any span (brat's ``<ENTITY>``).
        """
        known = self.events.setdefault(etype, {})
        for name, card, labels in roles:
            check_name(name, "role")
            role = known.setdefault(name, Role())
            role.cardinality = "" if card == "1" else card
            labels = set(labels)
            role.any_label = role.any_label or ANY_SPAN in labels
            role.labels.update(labels - {ANY_SPAN})
            self.entities.update(labels - {ANY_SPAN})

    def add_event_schema(self, schema: EventSchema) -> None:
        """Declare the labels, event types, roles and attributes of an event schema."""
        for what, name in _schema_names(schema):
            problem = name_problem(name, what)
            if problem:
                raise ValueError(f"{schema.source or 'event schema ' + schema.name}: {problem}")
        self.entities.update(schema.labels)
        for etype in schema.types.values():
            self.add_event_type(
                etype.name, [(r.name, r.cardinality, r.labels) for r in etype.roles]
            )
        for attr in schema.attributes.values():
            values = self.attributes.setdefault(attr.name, set())
            if attr.kind != "bool":
                values.update(str(v) for v in attr.values)

    def conf_text(self) -> str:
        lines = ["# written by `annotator export`: the labels and events of this export", ""]
        lines += ["[entities]", *sorted(self.entities), ""]
        lines += [
            "[relations]",
            "# no relations; entities may overlap and nest",
            "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
            "",
            "[events]",
        ]
        for etype in sorted(self.events):
            roles = self.events[etype]
            specs = ", ".join(role.spec(name) for name, role in roles.items())
            lines.append(f"{etype}\t{specs}" if specs else etype)
        lines += ["", "[attributes]"]
        for name in sorted(self.attributes):
            values = self.attributes[name]
            value = f", Value:{'|'.join(sorted(values))}" if values else ""
            lines.append(f"{name}\tArg:<EVENT>{value}")
        return "\n".join(lines) + "\n"


def _schema_names(schema: EventSchema) -> Iterator[tuple[str, str]]:
    yield from (("label", label) for label in sorted(schema.labels))
    for etype in schema.types.values():
        yield "event type", etype.name
        for role in etype.roles:
            yield "role", role.name
            yield from (("label", label) for label in role.labels if label != ANY_SPAN)
    for attr in schema.attributes.values():
        yield "attribute", attr.name
        if attr.kind != "bool":
            yield from (("attribute value", str(v)) for v in attr.values)


def write_conf(path: Path, schema: BratSchema) -> None:
    Path(path).write_text(schema.conf_text(), encoding="utf-8")


def binary_attributes(folder: Path) -> dict[str, frozenset[str]]:
    """Binary event attributes declared in the ``annotation.conf`` brat would use for a
    document in ``folder`` (the nearest one, in the folder or above), by event type
    (``<EVENT>``: every type). brat writes a binary attribute only when it is true, so a
    reader needs these to tell "false" from "not annotated"."""
    for d in (folder, *folder.parents):
        conf = d / "annotation.conf"
        if conf.is_file():
            try:
                return _binary_attributes(str(conf), conf.stat().st_mtime_ns)
            except (OSError, UnicodeDecodeError):
                return {}
    return {}


@lru_cache(maxsize=32)
def _binary_attributes(path: str, _mtime: int) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    section = ""
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section != "attributes" or not line or line.startswith("#"):
            continue
        name, _, spec = line.partition("\t")
        fields = dict(f.strip().split(":", 1) for f in spec.split(",") if ":" in f)
        if "Value" in fields:
            continue  # a multi-valued attribute: absent means absent
        for target in fields.get("Arg", "").split("|"):
            found.setdefault(target.strip(), set()).add(name.strip())
    return {k: frozenset(v) for k, v in found.items()}
