"""A learned argument model on top of the event rules: entities the rules left unattached.

For each suggested event, every entity span of the trigger's sentence (the suggester's own
entity layer: the model's entities with the repairs and fallbacks of ``SpanMapper``) times
every role of the event type whose labels take the span's label is a candidate, unless the
rules already attached that span to the event. A logistic regression over sparse binary
features (the dependency path from the trigger to the entity, distance, labels, the
preposition before the entity, other triggers and arguments around it, hints of the rule
layer) gives each candidate a probability; those at or above the model's threshold become
arguments with the rule ``model:<probability>``.

Inference is plain Python (a dict of feature weights): scikit-learn is needed only to train
(``python -m annotator.suggest.arg_train``), which writes ``resources/events/arg_model.json``.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from spacy.tokens import Token

from annotator.core.models import Argument, Span, Suggestion
from annotator.core.paths import resources_dir
from annotator.core.schema import ANY_SPAN, EventType, Role
from annotator.suggest.event_spans import PERSON_TITLES
from annotator.suggest.parse_lists import Parse

MODEL_FILE = "arg_model.json"
RULE = "model"
_DISTANCES = (1, 2, 3, 5, 8, 12, 20)
_WORD_POS = frozenset({"PROPN", "NOUN", "NUM", "ADJ", "X"})
# features of single words and exact distances: too sparse for the few wrong rule arguments
# to learn from (the model that drops arguments leaves them out)
LEXICAL = ("lemma=", "prev=", "ehead=", "pp=", "plex=", "top=", "dist=", "path=")


def default_path() -> Path:
    return resources_dir() / "events" / MODEL_FILE


@dataclass(frozen=True)
class Linear:
    """A logistic regression over named binary features, and its decision threshold."""

    weights: dict[str, float]
    bias: float
    threshold: float

    @classmethod
    def from_dict(cls, data: dict) -> Linear:
        weights = {k: float(v) for k, v in data["weights"].items()}
        return cls(weights, float(data["bias"]), float(data["threshold"]))

    def to_dict(self) -> dict:
        return {"threshold": self.threshold, "bias": self.bias, "weights": self.weights}

    def prob(self, features: Iterable[str]) -> float:
        w = self.weights
        z = self.bias + sum(w.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def crossed_prob(
        self, base: Sequence[str], prefixes: Sequence[str], plain: Sequence[str]
    ) -> float:
        """:meth:`prob` of ``plain`` + ``base`` + each base feature crossed with each prefix
        ("Role|feature"), without making the crossed names: the weights of each prefix are
        looked up by the base feature's own name (:attr:`by_prefix`)."""
        get = self.weights.get
        z = self.bias + sum(map(get, plain, repeat(0.0))) + sum(map(get, base, repeat(0.0)))
        for prefix in prefixes:
            part = self.by_prefix.get(prefix)
            if part:
                z += sum(map(part.get, base, repeat(0.0)))
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    @cached_property
    def by_prefix(self) -> dict[str, dict[str, float]]:
        """The weights of crossed features ("Meet.Participant|dir=after": a prefix without
        "=" before the first "|"), by prefix, then by the base feature's name."""
        out: dict[str, dict[str, float]] = {}
        for name, weight in self.weights.items():
            prefix, bar, rest = name.partition("|")
            if bar and "=" not in prefix:
                out.setdefault(prefix, {})[rest] = weight
        return out


@dataclass(frozen=True)
class ArgModel:
    """``add`` scores the candidates the rules left out (added at or above its threshold);
    ``keep``, if any, scores the rules' own arguments (dropped below its threshold)."""

    add: Linear
    keep: Linear | None
    roles: frozenset[str]  # "Type.Role" pairs seen in training: only these are candidates
    meta: dict
    # the "Type.Role" pairs whose rule arguments ``keep`` scores (None: all of them); the
    # others' rules were right often enough to be kept as they are
    keep_roles: frozenset[str] | None = None

    @classmethod
    def load(cls, path: str | Path | None = None) -> ArgModel:
        path = Path(path) if path is not None else default_path()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict) -> ArgModel:
        keep = data.get("keep")
        return cls(
            add=Linear.from_dict(data["add"]),
            keep=Linear.from_dict(keep) if keep else None,
            roles=frozenset(data["roles"]),
            meta=dict(data.get("meta", {})),
            keep_roles=frozenset(data["keep_roles"]) if data.get("keep_roles") else None,
        )

    def to_dict(self) -> dict:
        return {
            "format": 1,
            "meta": self.meta,
            "roles": sorted(self.roles),
            "add": self.add.to_dict(),
            "keep": self.keep.to_dict() if self.keep is not None else None,
            "keep_roles": sorted(self.keep_roles) if self.keep_roles is not None else None,
        }

    @property
    def digest(self) -> str:
        """Short hash of the weights, thresholds and roles (which model a suggester holds)."""
        data = self.to_dict()
        blob = json.dumps([data[k] for k in ("add", "keep", "roles", "keep_roles")], sort_keys=True)
        return hashlib.sha1(blob.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Candidate:
    event: int  # index into the (mention, suggestion) pairs
    role: str
    span: Span
    base: tuple[str, ...]  # its features before crossing with the role (see crossed)
    limit: int | None = None  # the role's cardinality
    etype: str = ""  # the event's type

    @property
    def features(self) -> tuple[str, ...]:
        return crossed(self.etype, self.role, self.base)

    def prob(self, model: Linear) -> float:
        """``model.prob(self.features)``, without making the crossed names."""
        role = self.role
        prefixes = (role, f"{self.etype}.{role}")
        return model.crossed_prob(self.base, prefixes, (f"role={self.etype}.{role}", f"rl={role}"))


def load_default() -> ArgModel | None:
    path = default_path()
    return ArgModel.load(path) if path.exists() else None


# -- candidates ---------------------------------------------------------------------------------


class _Context:
    """What every candidate of one document looks at: entity spans by sentence, triggers,
    the arguments the rules gave each span."""

    def __init__(self, run, pairs: Sequence[tuple]) -> None:  # noqa: ANN001
        self.run = run
        self.mapper = run.mapper
        self.doc = run.doc
        self._spans: dict[int, list[tuple[Span, Token, str]]] = {}
        self.trigger_at: dict[int, str] = {}  # token index -> event type
        self.arg_of: dict[tuple[int, int], list[tuple[int, str, str]]] = {}
        self.mentions = [mention.token for mention, _ in pairs]
        # token index -> its sentence's (start, end): Token.sent walks the parse each time
        self.parse: Parse = run.parse
        self.idx: list[int] = self.parse.idx  # token -> its first character
        self.bounds: list[tuple[int, int]] = self.parse.bounds
        self._triggers_in: dict[tuple[int, int], list[int]] = {}
        self._slots: dict[int, dict[int, str]] = {}  # anchor -> token -> its first slot
        # (event, span start, end, label, how) -> its features that do not depend on the role
        self.common: dict[tuple[int, int, int, str, str], list[str]] = {}
        for k, (mention, sugg) in enumerate(pairs):
            self.trigger_at[mention.token.i] = sugg.label
            for a in sugg.arguments:
                self.arg_of.setdefault((a.span.start, a.span.end), []).append(
                    (k, sugg.label, a.role)
                )

    def triggers_in(self, i: int) -> list[int]:
        """Token indexes of the triggers in the sentence of token ``i``."""
        lo, hi = self.bounds[i]
        found = self._triggers_in.get((lo, hi))
        if found is None:
            found = self._triggers_in[(lo, hi)] = [j for j in self.trigger_at if lo <= j < hi]
        return found

    def slot_of(self, anchor: int, i: int) -> str | None:
        """The first slot of the word ``anchor`` that token ``i`` fills (None: none)."""
        slots = self._slots.get(anchor)
        if slots is None:
            slots = self._slots[anchor] = {}
            for slot, tok in self.run.slots.get(anchor, ()):
                slots.setdefault(tok.i, slot)
        return slots.get(i)

    def token_at(self, char: int) -> int:
        """Index of the token that starts at (or covers) a character offset."""
        return max(bisect.bisect_right(self.idx, char) - 1, 0)

    def sentence_spans(self, i: int) -> list[tuple[Span, Token, str]]:
        """(span, head token, how it was made) of every entity of token ``i``'s sentence."""
        lo, hi = self.bounds[i]
        found = self._spans.get(lo)
        if found is not None:
            return found
        mapper, doc, pos = self.mapper, self.doc, self.parse.pos
        seen: dict[tuple[int, int, str], tuple[Span, Token, str]] = {}
        for j in range(lo, hi):
            if mapper.ent_at[j] is None and pos[j] not in _WORD_POS:
                continue
            tok = doc[j]
            span = mapper.span_of(tok)
            if span is None:
                continue
            key = (span.start, span.end, span.label)
            if key not in seen:
                how = mapper.how.get((span.start, span.end), "")
                seen[key] = (span, _head(self, span, tok), how)
        found = list(seen.values())
        self._spans[lo] = found
        return found


def _head(ctx: _Context, span: Span, tok: Token) -> Token:
    """The token of the span whose head lies outside it (the token that found it if none);
    only the span's tokens in ``tok``'s sentence count."""
    idx, head = ctx.idx, ctx.parse.head
    lo, hi = ctx.bounds[tok.i]
    start, end = span.start, span.end
    i = max(ctx.token_at(start), lo)
    while i < hi and idx[i] < end:
        if idx[i] >= start:
            h = head[i]
            if not (start <= idx[h] < end) or h == i:
                return ctx.doc[i]
        i += 1
    return tok


def examine(
    run,  # noqa: ANN001
    pairs: Sequence[tuple],
    roles: frozenset[str] | None,
) -> tuple[list[Candidate], list[Kept]]:
    """The candidates the rules did not attach and the rules' own arguments, with features."""
    ctx = _Context(run, pairs)
    return candidates(ctx, pairs, roles), rule_arguments(ctx, pairs)


@dataclass(frozen=True)
class Kept:
    """One of the rules' arguments, as the model that drops weak ones sees it."""

    event: int  # index into the pairs
    argument: Argument
    base: tuple[str, ...]  # its general features before crossing (see crossed)
    etype: str = ""
    rule: tuple[str, ...] = ()  # its rule's features (rule_features)

    @property
    def features(self) -> tuple[str, ...]:
        return crossed(self.etype, self.argument.role, self.base) + self.rule

    def prob(self, model: Linear) -> float:
        """``model.prob(self.features)``, without making the crossed names."""
        role, etype = self.argument.role, self.etype
        plain = (f"role={etype}.{role}", f"rl={role}", *self.rule)
        return model.crossed_prob(self.base, (role, f"{etype}.{role}"), plain)


def rule_arguments(
    ctx: _Context, pairs: Sequence[tuple], roles: frozenset[str] | None = None
) -> list[Kept]:
    """Every argument the rules gave (of the "Type.Role" pairs ``roles``; None: all), with
    the features of a candidate and its rule's name."""
    out = []
    for k, (mention, sugg) in enumerate(pairs):
        for arg in sugg.arguments:
            if roles is not None and f"{sugg.label}.{arg.role}" not in roles:
                continue
            head = _span_head(ctx, arg.span, mention.token)
            if head is None:
                continue
            rest = _Others(tuple(a for a in sugg.arguments if a is not arg))
            how = ctx.mapper.how.get((arg.span.start, arg.span.end), "")
            base = base_features(
                ctx, k, mention, rest, sugg.label, arg.role, arg.span, arg.span.label, head, how
            )
            # a crossed feature is dropped with its base one (the same last "|" part)
            general = tuple([f for f in base if _general(f)])
            out.append(Kept(k, arg, general, sugg.label, rule_features(arg.role, arg.rule)))
    return out


class _Others(NamedTuple):
    """The event's other arguments, as the features of one of them read the event (a
    Suggestion copied per argument cost more than the features)."""

    arguments: tuple[Argument, ...]


def _general(feature: str) -> bool:
    return not feature.rpartition("|")[2].startswith(LEXICAL)


def rule_features(role: str, rule: str) -> tuple[str, ...]:
    parts = rule.replace(":", "+").split("+")
    out = [f"rule={parts[0]}", f"rule-all={rule[:60]}", f"{role}|rule={parts[0]}"]
    out += [f"rule-part={p}" for p in parts[1:4]]
    return tuple(out)


def _span_head(ctx: _Context, span: Span, near: Token) -> Token | None:
    """The head token of ``span``, looked for in ``near``'s sentence when it starts there."""
    lo, hi = ctx.bounds[near.i]
    idx = ctx.idx
    inside = idx[lo] <= span.start < idx[hi - 1] + len(ctx.parse.text[hi - 1])
    if not inside:
        lo, hi = 0, len(idx)
    i = max(ctx.token_at(span.start), lo)
    while i < hi and idx[i] < span.end:
        if idx[i] >= span.start:
            return _head(ctx, span, ctx.doc[i])
        i += 1
    return None


def candidates(
    ctx: _Context, pairs: Sequence[tuple], roles: frozenset[str] | None
) -> list[Candidate]:
    """Every (event, role, entity span) the rules did not attach; ``roles`` limits the
    "Type.Role" pairs (None: every role of the schema)."""
    out: list[Candidate] = []
    for k, (mention, sugg) in enumerate(pairs):
        etype: EventType = ctx.run.schema.types.get(sugg.label) or mention.etype
        if roles is not None and not any(f"{etype.name}.{r.name}" in roles for r in etype.roles):
            continue  # a type the model adds nothing to (Statement): no candidate
        trigger = mention.token
        taken = {(a.span.start, a.span.end) for a in sugg.arguments}
        filled: dict[str, int] = {}
        for a in sugg.arguments:
            filled[a.role] = filled.get(a.role, 0) + 1
        open_roles = _open_roles(etype, roles, filled)
        at = trigger.idx
        for span, head, how in ctx.sentence_spans(trigger.i):
            if (span.start, span.end) in taken or span.start <= at < span.end:
                continue
            labels = [(span.label, how)]
            alt = ctx.mapper.alternative(span)
            if alt is not None:
                labels.append((alt[0], how or alt[1]))
            for role, label, made, limit in _fitting(open_roles, labels):
                feats = base_features(
                    ctx, k, mention, sugg, etype.name, role, span, label, head, made
                )
                out.append(
                    Candidate(k, role, Span(span.start, span.end, label), feats, limit, etype.name)
                )
    return out


_FREE_TEXT = frozenset({ANY_SPAN})


def _open_roles(
    etype: EventType, roles: frozenset[str] | None, filled: dict[str, int]
) -> list[Role]:
    """The roles of an event that take entities and are candidate roles (``roles``; None:
    all) and not filled up to their cardinality, in the schema's order."""
    return [
        role
        for role in etype.roles
        if role.labels != _FREE_TEXT
        and (roles is None or f"{etype.name}.{role.name}" in roles)
        and (role.at_most is None or filled.get(role.name, 0) < role.at_most)
    ]


def _fitting(
    open_roles: list[Role], labels: list[tuple[str, str]]
) -> Iterable[tuple[str, str, str, int | None]]:
    """(role, label, how the span was made, cardinality) of the open roles a span with
    these (label, how) choices can fill: the first label a role takes."""
    for role in open_roles:
        for label, how in labels:
            if label in role.labels:
                if label:
                    yield role.name, label, how, role.at_most
                break


# -- features -----------------------------------------------------------------------------------


def bucket(n: int) -> str:
    for limit in _DISTANCES:
        if n <= limit:
            return str(limit)
    return "far"


def dep_path(a: Token, b: Token) -> tuple[list[Token], Token, list[Token]]:
    """:meth:`Parse.path` with tokens."""
    doc = a.doc
    up, lca, down = Parse(doc).path(a.i, b.i)
    return [doc[i] for i in up], doc[lca], [doc[i] for i in down]


def path_features(a: Token, b: Token) -> list[str]:
    """:meth:`Parse.path_features` with tokens."""
    return Parse(a.doc).path_features(a.i, b.i)


def base_features(
    ctx: _Context,
    k: int,
    mention,  # noqa: ANN001
    sugg: Suggestion,
    etype: str,
    role: str,
    span: Span,
    label: str,
    head: Token,
    how: str,
) -> tuple[str, ...]:
    """The features of one candidate before they are crossed with its role."""
    key = (k, span.start, span.end, label, how)
    common = ctx.common.get(key)  # the same for every role the span is a candidate of
    if common is None:
        common = _syntax(ctx, mention, head, span, label, how)
        common += _around(ctx, mention.token, head, etype)
        ctx.common[key] = common
    return (*common, *_rule_layer(ctx, k, sugg, etype, role, span, head))


def crossed(etype: str, role: str, base: Sequence[str]) -> tuple[str, ...]:
    """The role's features, the base ones, and each base one crossed with the role and
    with the type and role."""
    both = f"{etype}.{role}"
    return (
        f"role={both}",
        f"rl={role}",
        *base,
        *[f"{role}|{f}" for f in base],
        *[f"{both}|{f}" for f in base],
    )


def _syntax(ctx: _Context, mention, head: Token, span: Span, label: str, how: str) -> list[str]:  # noqa: ANN001
    """Path, distance and the words around the entity."""
    parse = ctx.parse
    t, h = mention.token.i, head.i
    source = t
    if mention.support:
        source = min([t, *(s.i for s in mention.support)], key=lambda i: parse.length(i, h))
    out = parse.path_features(source, h)
    dist = h - t
    hh = parse.head[h]
    out += [
        f"dir={'after' if dist > 0 else 'before'}",
        f"dist={bucket(abs(dist))}",
        f"label={label}",
        f"tpos={parse.pos[t]}",
        f"tdep={parse.dep[t]}",
        f"lemma={parse.lemma[t]}",
        f"edep={parse.dep[h]}",
        f"ehead={parse.lemma[hh]}",
    ]
    if source != t:
        out.append("via-support")
    if parse.dep[h] == "pobj" or parse.dep[hh] == "agent":
        prep = parse.lower[hh]
        out += [f"prep={prep}", f"pp={parse.lemma[parse.head[hh]]}:{prep}"]
    first = ctx.token_at(span.start)
    before = first - 1 if first > ctx.bounds[h][0] else None
    out.append(f"prev={parse.lower[before] if before is not None else '<s>'}")
    if before is not None and parse.lemma[before] in PERSON_TITLES:
        out.append("after-title")
    if how:
        out.append(f"how={how.split('+')[0]}")
    lo, end = ctx.bounds[t]
    if not any(ctx.parse.text[i] in ".!?" for i in range(max(end - 2, lo), end)):
        out.append("headline")
    return out


def _around(ctx: _Context, trigger: Token, head: Token, etype: str) -> list[str]:
    """Other triggers between the two, and whether this trigger is the entity's nearest."""
    out = []
    lo, hi = sorted((trigger.i, head.i))
    between = [ctx.trigger_at[i] for i in range(lo + 1, hi) if i in ctx.trigger_at]
    if between:
        out.append("trigger-between")
        if etype in between:
            out.append("same-type-between")
    nearest = min(ctx.triggers_in(head.i), key=lambda i: abs(i - head.i), default=trigger.i)
    out.append("nearest" if nearest == trigger.i else "not-nearest")
    count = len(ctx.triggers_in(trigger.i))
    out.append(f"triggers={min(count, 4)}")
    return out


def _rule_layer(
    ctx: _Context, k: int, sugg: Suggestion, etype: str, role: str, span: Span, head: Token
) -> list[str]:
    """What the rules did with this span (in other events) and with this role."""
    out = []
    others = [o for o in ctx.arg_of.get((span.start, span.end), []) if o[0] != k]
    if others:
        out.append("arg-elsewhere")
        for _k, otype, orole in others[:3]:
            out.append(f"elsewhere-role={orole}")
            if otype == etype:
                out.append("elsewhere-same-type")
                if orole == role:
                    out.append("elsewhere-same-role")
    if any(a.role == role for a in sugg.arguments):
        out.append("role-filled")
    if not sugg.arguments:
        out.append("no-args")
    conj = _conjunct_of_argument(ctx, head.i, sugg)
    if conj is not None:
        out.append(f"conj-arg={'same' if conj == role else 'other'}")
    slot = ctx.slot_of(ctx.mentions[k].i, head.i)
    if slot is not None:
        out.append(f"slot={slot}")
    return out


def _conjunct_of_argument(ctx: _Context, i: int, sugg: Suggestion) -> str | None:
    """The role of a rule argument the entity (head token ``i``) is coordinated or in
    apposition with."""
    dep, head, idx = ctx.parse.dep, ctx.parse.head, ctx.idx
    cur = i
    for _ in range(6):
        if dep[cur] not in ("conj", "appos") or head[cur] == cur:
            return None
        cur = head[cur]
        for a in sugg.arguments:
            if a.span.start <= idx[cur] < a.span.end:
                return a.role
    return None


# -- applying ---------------------------------------------------------------------------------


def extend(
    pairs: list[tuple],
    found: Sequence[Candidate],
    probs: Sequence[float],
    threshold: float,
    kept: Sequence[Kept] = (),
    kept_probs: Sequence[float] = (),
    keep_threshold: float = 0.0,
) -> list[tuple]:
    """Add each candidate at or above the threshold (best first; one role per span, the
    role's cardinality kept) as an argument with the rule ``model:<probability>``; drop the
    rules' arguments below ``keep_threshold``."""
    ranked = sorted(
        (p, n) for n, p in enumerate(probs) if p >= threshold
    )[::-1]  # fmt: skip
    added: dict[int, list[Argument]] = {}
    for p, n in ranked:
        cand = found[n]
        mention, sugg = pairs[cand.event]
        new = added.setdefault(cand.event, [])
        where = (cand.span.start, cand.span.end)
        if any((a.span.start, a.span.end) == where for a in (*sugg.arguments, *new)):
            continue
        have = sum(a.role == cand.role for a in (*sugg.arguments, *new))
        if cand.limit is not None and have >= cand.limit:
            continue
        new.append(Argument(cand.role, cand.span, rule=f"{RULE}:{p:.2f}"))
    dropped: dict[int, list[Argument]] = {}
    for item, p in zip(kept, kept_probs, strict=True):
        if p < keep_threshold:
            dropped.setdefault(item.event, []).append(item.argument)
    for k, gone in list(dropped.items()):
        dropped[k] = _with_their_lists(pairs[k][1].arguments, gone)
    out = list(pairs)
    for k in set(added) | set(dropped):
        mention, sugg = out[k]
        gone = dropped.get(k, [])
        args = [a for a in sugg.arguments if not any(a is g for g in gone)]
        args = sorted([*args, *added.get(k, [])], key=lambda a: (a.span.start, a.span.end, a.role))
        out[k] = (mention, replace(sugg, arguments=tuple(args)))
    return out


CONJUNCT = "+conj-list"  # the part of a rule that reached a conjunct of its argument


def _with_their_lists(arguments: Sequence[Argument], gone: list[Argument]) -> list[Argument]:
    """The dropped rule arguments, less the conjuncts whose list stays: an argument the
    rules reached as a conjunct of another (rule ``<rule>+conj-list...``) goes only when no
    argument of the same role that the same rule reached (the list's head, or another of
    its conjuncts) is kept — "by Kazakhstan and Uzbekistan" gives both or neither."""

    def base(a: Argument) -> str:
        return (a.rule or "").split(CONJUNCT, 1)[0]

    staying = [a for a in arguments if not any(a is g for g in gone)]
    return [
        g
        for g in gone
        if CONJUNCT not in (g.rule or "")
        or not any(a.role == g.role and base(a) == base(g) for a in staying)
    ]


def apply(run, pairs: list[tuple], model: ArgModel) -> list[tuple]:  # noqa: ANN001
    """The pairs with the model's arguments added (and weak rule arguments dropped)."""
    ctx = _Context(run, pairs)
    found = candidates(ctx, pairs, model.roles)
    probs = [c.prob(model.add) for c in found]
    if model.keep is None or model.keep.threshold <= 0:
        return extend(pairs, found, probs, model.add.threshold)
    kept = rule_arguments(ctx, pairs, model.keep_roles)
    kprobs = [k.prob(model.keep) for k in kept]
    return extend(pairs, found, probs, model.add.threshold, kept, kprobs, model.keep.threshold)
