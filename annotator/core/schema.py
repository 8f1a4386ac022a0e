"""The event schema: types, trigger words, roles with cardinality and labels, attributes.

Read from a TOML file (``resources/events/schema.toml`` or a project's own). Loading checks
the whole file and reports every mistake on its own line (file, type, field, reason), so a
user fixes them all in one go instead of one per run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.models import ANY_SPAN, Argument, Event
from annotator.core.paths import resources_dir

# The entity labels of spaCy's English OntoNotes pipelines (en_core_web_sm/md/lg/trf).
ONTONOTES_LABELS = frozenset(
    "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE "
    "DATE TIME PERCENT MONEY QUANTITY ORDINAL CARDINAL".split()
)
# ANY_SPAN ("SPAN", from core.models), a role label: any span the annotator marks (a
# phrase, never an entity)
CARDINALITIES = {"1": (1, 1), "?": (0, 1), "+": (1, None), "*": (0, None)}
NAMED_SLOTS = frozenset({"subject", "object", "poss", "modifier", "attr", "any"})

_TYPE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_ROLE_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_-]*[A-Za-z_-])?$")  # no final digit
_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")
_TOP_FIELDS = {"name", "version", "description", "labels", "light_verbs", "not_triggers",
               "attributes", "types"}  # fmt: skip
_TYPE_FIELDS = {"description", "verbs", "nouns", "phrases", "roles", "slots", "lemma_slots",
                "requires", "lemma_requires", "overrides", "cues"}  # fmt: skip


class SchemaError(ValueError):
    """Every mistake found in a schema file, one line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Role:
    name: str
    cardinality: str
    labels: frozenset[str]

    def allows(self, label: str) -> bool:
        return ANY_SPAN in self.labels or label in self.labels

    @property
    def at_most(self) -> int | None:
        return CARDINALITIES[self.cardinality][1]

    @property
    def at_least(self) -> int:
        return CARDINALITIES[self.cardinality][0]


@dataclass(frozen=True)
class Phrase:
    """A multi-word trigger matched on lemmas; ``head`` indexes the trigger word."""

    words: tuple[str, ...]
    head: int


@dataclass(frozen=True)
class EventType:
    name: str
    description: str = ""
    verbs: tuple[str, ...] = ()
    nouns: tuple[str, ...] = ()
    phrases: tuple[Phrase, ...] = ()
    roles: tuple[Role, ...] = ()
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lemma_slots: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)
    requires: tuple[str, ...] = ()  # a rule suggestion needs one of these roles filled
    lemma_requires: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    overrides: str | None = None  # retype that type's triggers when a cue word is attached
    cues: tuple[str, ...] = ()

    def required(self, lemma: str) -> tuple[str, ...]:
        """Roles of which a rule suggestion of this trigger word needs at least one."""
        return self.lemma_requires.get(lemma, self.requires)

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)

    @property
    def role_names(self) -> list[str]:
        return [r.name for r in self.roles]

    def slot_roles(self, slot: str, lemma: str = "") -> tuple[str, ...]:
        """Roles to try, in order, for an argument found in ``slot`` of trigger ``lemma``."""
        special = self.lemma_slots.get(lemma, {})
        if slot in special:
            return special[slot]
        return self.slots.get(slot, ())


@dataclass(frozen=True)
class Attribute:
    name: str
    kind: str  # "bool" or "choice"
    values: tuple[Any, ...]
    default: Any
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class EventSchema:
    name: str
    types: Mapping[str, EventType]
    light_verbs: frozenset[str] = frozenset()
    not_triggers: frozenset[tuple[str, str]] = frozenset()  # (verb, object) idioms
    attributes: Mapping[str, Attribute] = field(default_factory=dict)
    labels: frozenset[str] = ONTONOTES_LABELS
    version: int = 1
    source: str = ""

    def get(self, name: str) -> EventType | None:
        return self.types.get(name)

    @property
    def type_names(self) -> list[str]:
        return list(self.types)

    def to_dict(self) -> dict[str, Any]:
        """A canonical, JSON-ready form (sets sorted), without the file it came from."""
        data = json.loads(json.dumps(dataclasses.asdict(self), default=sorted))
        data.pop("source")
        return data

    @property
    def digest(self) -> str:
        """Short hash of the schema's meaning: stored with rule suggestions as their version."""
        data = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]

    def check_event(self, event: Event) -> list[str]:
        """Why an event does not fit the schema (empty when it fits).

        Only upper bounds of cardinality are checked: a mention may leave a "+" role empty
        ("the leaders discussed ..." names no participant).
        """
        etype = self.types.get(event.type)
        if etype is None:
            return [f"unknown event type {event.type!r}"]
        out = []
        counts: dict[str, int] = {}
        for arg in event.arguments:
            role = etype.role(arg.role)
            if role is None:
                out.append(f"{event.type}: unknown role {arg.role!r}")
                continue
            counts[role.name] = counts.get(role.name, 0) + 1
            if not role.allows(arg.span.label):
                out.append(f"{event.type}: role {role.name} does not take {arg.span.label}")
        for role in etype.roles:
            n, most = counts.get(role.name, 0), role.at_most
            if most is not None and n > most:
                out.append(f"{event.type}: role {role.name} filled {n} times (at most {most})")
        return out


def misfit_arguments(schema: EventSchema, events: Iterable[Event]) -> list[tuple[Event, Argument]]:
    """Arguments whose entity label their (known) role does not take — e.g. after the
    entity was relabelled: the window flags them, ``stats`` and ``export`` count them."""
    out = []
    for event in events:
        etype = schema.get(event.type)
        for arg in event.arguments:
            role = etype.role(arg.role) if etype else None
            if role is not None and not role.allows(arg.span.label):
                out.append((event, arg))
    return out


def default_schema_path() -> Path:
    return resources_dir() / "events" / "schema.toml"


def load_schema(path: str | Path | None = None) -> EventSchema:
    """Read and check a schema file (the default one without a path)."""
    path = Path(path) if path else default_schema_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemaError([f"{path}: cannot read the schema ({exc.strerror or exc})"]) from None
    except UnicodeDecodeError as exc:
        raise SchemaError(
            [f"{path}: not a schema: not UTF-8 text (byte {exc.start}: {exc.reason})"]
        ) from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError([_toml_error(str(path), str(exc))]) from None
    return parse_schema(data, str(path))


def _toml_error(source: str, message: str) -> str:
    dup = re.match(r"Cannot declare \('types', '([^']+)'\) twice \(at line (\d+)", message)
    if dup:
        return f"{source}:{dup[2]}: type {dup[1]} is declared twice"
    at = re.search(r"\(at line (\d+), column \d+\)", message)
    reason = message[: at.start()].strip() if at else message
    return f"{source}{':' + at[1] if at else ''}: not valid TOML ({reason})"


def parse_schema(data: Mapping[str, Any], source: str = "schema") -> EventSchema:
    """Build a schema from parsed TOML; raise SchemaError listing every mistake."""
    errs = _Errors(source)
    errs.unknown_fields(data, _TOP_FIELDS, "")
    extra = errs.words(data.get("labels", []), "labels", keep_case=True)
    labels = ONTONOTES_LABELS | frozenset(extra)
    light = frozenset(errs.words(data.get("light_verbs", []), "light_verbs"))
    idioms = frozenset(_idioms(errs, data.get("not_triggers", [])))
    attributes = _attributes(errs, data.get("attributes", {}))
    types = _types(errs, data.get("types"), labels)
    errs.raise_if_any()
    return EventSchema(
        name=str(data.get("name", "")),
        types=types,
        light_verbs=light,
        not_triggers=idioms,
        attributes=attributes,
        labels=labels,
        version=int(data.get("version", 1)) if isinstance(data.get("version", 1), int) else 1,
        source=source,
    )


class _Errors:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, where: str, reason: str) -> None:
        self.items.append(f"{self.source}: {where + ': ' if where else ''}{reason}")

    def raise_if_any(self) -> None:
        if self.items:
            raise SchemaError(self.items)

    def unknown_fields(self, table: Mapping[str, Any], known: set[str], where: str) -> None:
        for key in table:
            if key not in known:
                self.add(
                    where, f"unknown field {key!r} (expected one of {', '.join(sorted(known))})"
                )

    def words(self, value: Any, where: str, *, keep_case: bool = False) -> list[str]:
        """A list of single words; report non-strings and repeats."""
        if not isinstance(value, list):
            self.add(where, "must be a list of words")
            return []
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not _WORD.match(item.strip()):
                self.add(where, f"{item!r} is not a single word")
                continue
            word = item.strip() if keep_case else item.strip().lower()
            if word in out:
                self.add(where, f"{word!r} is listed twice")
            else:
                out.append(word)
        return out


def _idioms(errs: _Errors, value: Any) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        errs.add("not_triggers", 'must be a list such as ["pay attention"]')
        return []
    out = []
    for item in value:
        parts = item.lower().split() if isinstance(item, str) else []
        if len(parts) != 2:
            errs.add("not_triggers", f"{item!r} must be two words: a verb and its object")
        else:
            out.append((parts[0], parts[1]))
    return out


def _attributes(errs: _Errors, table: Any) -> dict[str, Attribute]:
    if not isinstance(table, dict):
        errs.add("attributes", "must be a table of attributes")
        return {}
    return {name: a for name, spec in table.items() if (a := _attribute(errs, name, spec))}


def _attribute(errs: _Errors, name: str, spec: Any) -> Attribute | None:
    where = f"attribute {name}"
    if not isinstance(spec, dict):
        errs.add(where, "must be a table")
        return None
    kind = spec.get("type", "bool")
    if kind == "bool":
        values: tuple[Any, ...] = (False, True)
    elif kind == "choice":
        values = tuple(errs.words(spec.get("values", []), f"{where}: values"))
        if not values:
            errs.add(where, "a choice attribute needs a non-empty 'values' list")
    else:
        errs.add(where, f'type {kind!r} must be "bool" or "choice"')
        return None
    default = spec.get("default", values[0] if values else None)
    if default not in values or (kind == "bool" and not isinstance(default, bool)):
        errs.add(where, f"default {default!r} is not one of {list(values)}")
    cues = {}
    for key, value in spec.items():
        if key in ("type", "values", "default", "description"):
            continue
        if kind == "choice" and key not in values:
            errs.add(where, f"cue list {key!r} is not one of its values {list(values)}")
        cues[key] = tuple(errs.words(value, f"{where}: {key}"))
    return Attribute(name, kind, values, default, cues)


def _types(errs: _Errors, table: Any, labels: frozenset[str]) -> dict[str, EventType]:
    if not isinstance(table, dict) or not table:
        errs.add("types", "the schema needs at least one [types.<Name>] table")
        return {}
    seen: dict[str, str] = {}
    out: dict[str, EventType] = {}
    for name, spec in table.items():
        if not _TYPE_NAME.match(name):
            errs.add(f"type {name!r}", "names start with a letter and use letters, digits, _ or -")
        if name.lower() in seen:
            errs.add(f"type {name}", f"duplicates type {seen[name.lower()]} (case is ignored)")
        seen[name.lower()] = name
        if not isinstance(spec, dict):
            errs.add(f"type {name}", "must be a table")
            continue
        out[name] = _event_type(errs, name, spec, labels)
    for etype in out.values():
        if etype.overrides is not None and etype.overrides not in out:
            errs.add(f"type {etype.name}: overrides", f"unknown type {etype.overrides!r}")
    return out


def _event_type(
    errs: _Errors, name: str, spec: dict[str, Any], labels: frozenset[str]
) -> EventType:
    where = f"type {name}"
    errs.unknown_fields(spec, _TYPE_FIELDS, where)
    verbs = errs.words(spec.get("verbs", []), f"{where}: verbs")
    nouns = errs.words(spec.get("nouns", []), f"{where}: nouns")
    phrases = _phrases(errs, spec.get("phrases", []), f"{where}: phrases")
    if not (verbs or nouns or phrases):
        errs.add(where, "needs at least one trigger (verbs, nouns or phrases)")
    roles = _roles(errs, spec.get("roles"), where, labels)
    names = {r.name for r in roles}
    slots = _slots(errs, spec.get("slots", {}), f"{where}: slots", names)
    triggers = {*verbs, *nouns, *(p.words[p.head] for p in phrases)}
    lemma_slots = {}
    raw_ls = spec.get("lemma_slots", {})
    for lemma, table in raw_ls.items() if isinstance(raw_ls, dict) else ():
        if lemma not in triggers:
            errs.add(f"{where}: lemma_slots", f"{lemma!r} is not one of the type's triggers")
        lemma_slots[lemma] = _slots(errs, table, f"{where}: lemma_slots.{lemma}", names)
    requires = tuple(_role_list(errs, spec.get("requires", []), f"{where}: requires", names))
    lemma_requires = {}
    raw_lr = spec.get("lemma_requires", {})
    if not isinstance(raw_lr, dict):
        errs.add(f"{where}: lemma_requires", "must be a table of word = [roles]")
        raw_lr = {}
    for lemma, value in raw_lr.items():
        if lemma not in triggers:
            errs.add(f"{where}: lemma_requires", f"{lemma!r} is not one of the type's triggers")
        at = f"{where}: lemma_requires.{lemma}"
        lemma_requires[lemma] = tuple(_role_list(errs, value, at, names))
    overrides = spec.get("overrides")
    cues = tuple(errs.words(spec.get("cues", []), f"{where}: cues"))
    if (overrides is None) != (not cues):
        errs.add(where, "'overrides' and 'cues' go together")
    return EventType(
        name, str(spec.get("description", "")), tuple(verbs), tuple(nouns), tuple(phrases),
        tuple(roles), slots, lemma_slots, requires, lemma_requires,
        str(overrides) if overrides is not None else None, cues,
    )  # fmt: skip


def _role_list(errs: _Errors, value: Any, where: str, roles: set[str]) -> list[str]:
    names = errs.words(value, where, keep_case=True)
    for role in names:
        if role not in roles:
            errs.add(where, f"unknown role {role!r}")
    return [r for r in names if r in roles]


def _phrases(errs: _Errors, value: Any, where: str) -> list[Phrase]:
    if not isinstance(value, list):
        errs.add(where, 'must be a list of strings such as "phone *call*"')
        return []
    out: list[Phrase] = []
    for item in value:
        words = item.lower().split() if isinstance(item, str) else []
        starred = [i for i, w in enumerate(words) if w.startswith("*") and w.endswith("*")]
        clean = tuple(w.strip("*") for w in words)
        if len(words) < 2 or len(starred) > 1 or not all(_WORD.match(w) for w in clean):
            errs.add(where, f"{item!r} must be two or more words with at most one *trigger* word")
            continue
        phrase = Phrase(clean, starred[0] if starred else len(clean) - 1)
        if phrase in out:
            errs.add(where, f"{item!r} is listed twice")
        else:
            out.append(phrase)
    return out


def _roles(errs: _Errors, table: Any, where: str, labels: frozenset[str]) -> list[Role]:
    if not isinstance(table, dict) or not table:
        errs.add(where, "needs a [roles] table with at least one role")
        return []
    out = []
    for name, spec in table.items():
        at = f"{where}: roles.{name}"
        if not _ROLE_NAME.match(name):
            errs.add(at, "role names use letters, _ or - and do not end in a digit "
                         "(brat numbers repeated roles)")  # fmt: skip
        if not isinstance(spec, dict):
            errs.add(at, 'must be a table such as { cardinality = "?", labels = ["GPE"] }')
            continue
        errs.unknown_fields(spec, {"cardinality", "labels", "description"}, at)
        card = spec.get("cardinality", "*")
        if card not in CARDINALITIES:
            errs.add(at, f'cardinality {card!r} must be one of "1", "?", "+", "*"')
        names = errs.words(spec.get("labels", []), f"{at}: labels", keep_case=True)
        if not names:
            errs.add(at, "needs a non-empty 'labels' list")
        for label in names:
            if label != ANY_SPAN and label not in labels:
                errs.add(at, f"unknown label {label!r} (use an OntoNotes label, SPAN, "
                             "or declare it in the top-level 'labels' list)")  # fmt: skip
        out.append(Role(name, card if card in CARDINALITIES else "*", frozenset(names)))
    return out


def _slots(
    errs: _Errors, table: Any, where: str, roles: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        errs.add(where, "must be a table of slot = [roles]")
        return {}
    known = set(roles)
    out = {}
    for slot, value in table.items():
        if slot not in NAMED_SLOTS and not (slot.isalpha() and slot.islower()):
            errs.add(where, f"unknown slot {slot!r} (one of {', '.join(sorted(NAMED_SLOTS))} "
                            "or a preposition)")  # fmt: skip
        names = value if isinstance(value, list) else []
        if not isinstance(value, list):
            errs.add(f"{where}.{slot}", "must be a list of role names")
        for role in names:
            if role not in known:
                errs.add(f"{where}.{slot}", f"unknown role {role!r}")
        out[slot] = tuple(r for r in names if r in known)
    return out
