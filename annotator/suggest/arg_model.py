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

import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Token

from annotator.core.models import Argument, Span, Suggestion
from annotator.core.paths import resources_dir
from annotator.core.schema import ANY_SPAN, EventType
from annotator.suggest.event_spans import PERSON_TITLES

MODEL_FILE = "arg_model.json"
RULE = "model"
PATH_LIMIT = 4  # longer dependency paths are only "long"
_DISTANCES = (1, 2, 3, 5, 8, 12, 20)
_WORD_POS = frozenset({"PROPN", "NOUN", "NUM", "ADJ", "X"})


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


@dataclass(frozen=True)
class ArgModel:
    """``add`` scores the candidates the rules left out (added at or above its threshold);
    ``keep``, if any, scores the rules' own arguments (dropped below its threshold)."""

    add: Linear
    keep: Linear | None
    roles: frozenset[str]  # "Type.Role" pairs seen in training: only these are candidates
    meta: dict

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
        )

    def to_dict(self) -> dict:
        return {
            "format": 1,
            "meta": self.meta,
            "roles": sorted(self.roles),
            "add": self.add.to_dict(),
            "keep": self.keep.to_dict() if self.keep is not None else None,
        }

    @property
    def digest(self) -> str:
        """Short hash of the weights and thresholds, for the suggester's fingerprint."""
        blob = json.dumps([self.add.to_dict(), self.keep and self.keep.to_dict()], sort_keys=True)
        return hashlib.sha1(blob.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Candidate:
    event: int  # index into the (mention, suggestion) pairs
    role: str
    span: Span
    features: tuple[str, ...]
    limit: int | None = None  # the role's cardinality


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
        for k, (mention, sugg) in enumerate(pairs):
            self.trigger_at[mention.token.i] = sugg.label
            for a in sugg.arguments:
                self.arg_of.setdefault((a.span.start, a.span.end), []).append(
                    (k, sugg.label, a.role)
                )

    def sentence_spans(self, sent) -> list[tuple[Span, Token, str]]:  # noqa: ANN001
        """(span, head token, how it was made) of every entity of the sentence."""
        found = self._spans.get(sent.start)
        if found is not None:
            return found
        mapper = self.mapper
        seen: dict[tuple[int, int, str], tuple[Span, Token, str]] = {}
        for tok in sent:
            if not mapper.in_entity(tok) and tok.pos_ not in _WORD_POS:
                continue
            span = mapper.span_of(tok)
            if span is None:
                continue
            key = (span.start, span.end, span.label)
            if key not in seen:
                how = mapper.how.get((span.start, span.end), "")
                seen[key] = (span, _head(self.doc, span, tok), how)
        found = list(seen.values())
        self._spans[sent.start] = found
        return found


def _head(doc, span: Span, tok: Token) -> Token:  # noqa: ANN001
    """The token of the span whose head lies outside it (the token that found it if none)."""
    inside = [t for t in doc[tok.sent.start : tok.sent.end] if span.start <= t.idx < span.end]
    for t in inside:
        if not (span.start <= t.head.idx < span.end) or t.head.i == t.i:
            return t
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
    event: int  # index into the pairs
    argument: Argument
    features: tuple[str, ...]


def rule_arguments(ctx: _Context, pairs: Sequence[tuple]) -> list[Kept]:
    """Every argument the rules gave, with the features of a candidate and its rule's name."""
    out = []
    for k, (mention, sugg) in enumerate(pairs):
        for arg in sugg.arguments:
            head = _span_head(ctx.doc, arg.span, mention.token)
            if head is None:
                continue
            rest = replace(sugg, arguments=tuple(a for a in sugg.arguments if a is not arg))
            how = ctx.mapper.how.get((arg.span.start, arg.span.end), "")
            feats = features(
                ctx, k, mention, rest, sugg.label, arg.role, arg.span, arg.span.label, head, how
            )
            out.append(Kept(k, arg, feats + rule_features(arg.role, arg.rule)))
    return out


def rule_features(role: str, rule: str) -> tuple[str, ...]:
    parts = rule.replace(":", "+").split("+")
    out = [f"rule={parts[0]}", f"rule-all={rule[:60]}", f"{role}|rule={parts[0]}"]
    out += [f"rule-part={p}" for p in parts[1:4]]
    return tuple(out)


def _span_head(doc, span: Span, near: Token) -> Token | None:  # noqa: ANN001
    sent = near.sent
    inside = sent.start_char <= span.start < sent.end_char
    lo, hi = (sent.start, sent.end) if inside else (0, len(doc))
    for t in doc[lo:hi]:
        if span.start <= t.idx < span.end:
            return _head(doc, span, t)
    return None


def candidates(
    ctx: _Context, pairs: Sequence[tuple], roles: frozenset[str] | None
) -> list[Candidate]:
    """Every (event, role, entity span) the rules did not attach; ``roles`` limits the
    "Type.Role" pairs (None: every role of the schema)."""
    out: list[Candidate] = []
    for k, (mention, sugg) in enumerate(pairs):
        etype: EventType = ctx.run.schema.types.get(sugg.label) or mention.etype
        trigger = mention.token
        taken = {(a.span.start, a.span.end) for a in sugg.arguments}
        filled: dict[str, int] = {}
        for a in sugg.arguments:
            filled[a.role] = filled.get(a.role, 0) + 1
        for span, head, how in ctx.sentence_spans(trigger.sent):
            if (span.start, span.end) in taken or span.start <= trigger.idx < span.end:
                continue
            labels = [(span.label, how)]
            alt = ctx.mapper.alternative(span)
            if alt is not None:
                labels.append((alt[0], how or alt[1]))
            for role, label, made, limit in _open_roles(etype, labels, roles, filled):
                feats = features(ctx, k, mention, sugg, etype.name, role, span, label, head, made)
                out.append(Candidate(k, role, Span(span.start, span.end, label), feats, limit))
    return out


def _open_roles(
    etype: EventType,
    labels: list[tuple[str, str]],
    roles: frozenset[str] | None,
    filled: dict[str, int],
) -> Iterable[tuple[str, str, str, int | None]]:
    """(role, label, how the span was made, cardinality) of the roles the span can fill."""
    for role in etype.roles:
        if role.labels == frozenset({ANY_SPAN}):
            continue
        if roles is not None and f"{etype.name}.{role.name}" not in roles:
            continue
        label, how = next(((lb, h) for lb, h in labels if lb in role.labels), ("", ""))
        limit = role.at_most
        if label and (limit is None or filled.get(role.name, 0) < limit):
            yield role.name, label, how, limit


# -- features -----------------------------------------------------------------------------------


def bucket(n: int) -> str:
    for limit in _DISTANCES:
        if n <= limit:
            return str(limit)
    return "far"


def dep_path(a: Token, b: Token) -> tuple[list[Token], Token, list[Token]]:
    """(tokens from a up to below the common ancestor, the ancestor, tokens from below it
    down to b)."""
    up_a = [a]
    cur = a
    while cur.head.i != cur.i:
        cur = cur.head
        up_a.append(cur)
    where = {t.i: n for n, t in enumerate(up_a)}
    chain_b = [b]
    cur = b
    while cur.i not in where:
        if cur.head.i == cur.i:  # another sentence: no common ancestor
            return up_a, up_a[-1], list(reversed(chain_b))
        cur = cur.head
        chain_b.append(cur)
    lca = cur
    return up_a[: where[lca.i]], lca, list(reversed(chain_b[:-1]))


def _path_length(a: Token, b: Token) -> int:
    up, _lca, down = dep_path(a, b)
    return len(up) + len(down)


def path_features(a: Token, b: Token) -> list[str]:
    up, lca, down = dep_path(a, b)
    if a.i == b.i:
        return ["path=self"]
    n = len(up) + len(down)
    if n > PATH_LIMIT:
        deps = f"long{min(n, 8)}"
        lex = deps
    else:
        deps = "^".join(t.dep_ for t in up) + "|" + "v".join(t.dep_ for t in down)
        words = [t.lower_ if t.dep_ in ("prep", "agent") else t.dep_ for t in down]
        lex = "^".join(t.dep_ for t in up) + f"|{lca.lemma_.lower() if up else '@'}|" + (
            "v".join(words)
        )
    return [f"path={deps}", f"plex={lex}", f"up={min(len(up), 4)}", f"down={min(len(down), 4)}"]


def features(
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
    """Named binary features of one candidate; each also crossed with the role and with
    the type and role."""
    base = _syntax(ctx, mention, head, label, how)
    base += _around(ctx, mention.token, head, etype)
    base += _rule_layer(ctx, k, sugg, etype, role, span, head)
    crossed = [f"{role}|{f}" for f in base] + [f"{etype}.{role}|{f}" for f in base]
    return tuple([f"role={etype}.{role}", f"rl={role}", *base, *crossed])


def _syntax(ctx: _Context, mention, head: Token, label: str, how: str) -> list[str]:  # noqa: ANN001
    """Path, distance and the words around the entity."""
    trigger = mention.token
    source = min([trigger, *mention.support], key=lambda t: _path_length(t, head))
    out = path_features(source, head)
    dist = head.i - trigger.i
    out += [
        f"dir={'after' if dist > 0 else 'before'}",
        f"dist={bucket(abs(dist))}",
        f"label={label}",
        f"tpos={trigger.pos_}",
        f"tdep={trigger.dep_}",
        f"lemma={trigger.lemma_.lower()}",
        f"edep={head.dep_}",
        f"ehead={head.head.lemma_.lower()}",
    ]
    if source.i != trigger.i:
        out.append("via-support")
    if head.dep_ == "pobj" or head.head.dep_ == "agent":
        prep = head.head
        out += [f"prep={prep.lower_}", f"pp={prep.head.lemma_.lower()}:{prep.lower_}"]
    before = ctx.doc[head.i - 1] if head.i > head.sent.start else None
    out.append(f"prev={before.lower_ if before is not None else '<s>'}")
    if before is not None and before.lemma_.lower() in PERSON_TITLES:
        out.append("after-title")
    if how:
        out.append(f"how={how.split('+')[0]}")
    if not any(t.text in ".!?" for t in trigger.sent[-2:]):
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
    nearest = min(
        (i for i in ctx.trigger_at if head.sent.start <= i < head.sent.end),
        key=lambda i: abs(i - head.i),
        default=trigger.i,
    )
    out.append("nearest" if nearest == trigger.i else "not-nearest")
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
    conj = _conjunct_of_argument(head, sugg)
    if conj is not None:
        out.append(f"conj-arg={'same' if conj == role else 'other'}")
    for slot, tok in ctx.run.slots.get(sugg_token(ctx, k).i, ()):
        if tok.i == head.i:
            out.append(f"slot={slot}")
            break
    return out


def sugg_token(ctx: _Context, k: int) -> Token:
    return ctx.mentions[k]


def _conjunct_of_argument(head: Token, sugg: Suggestion) -> str | None:
    """The role of a rule argument the entity is coordinated or in apposition with."""
    cur = head
    for _ in range(6):
        if cur.dep_ not in ("conj", "appos") or cur.head.i == cur.i:
            return None
        cur = cur.head
        for a in sugg.arguments:
            if a.span.start <= cur.idx < a.span.end:
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
        if any((a.span.start, a.span.end) == where for a in new):
            continue
        have = sum(a.role == cand.role for a in (*sugg.arguments, *new))
        if cand.limit is not None and have >= cand.limit:
            continue
        new.append(Argument(cand.role, cand.span, rule=f"{RULE}:{p:.2f}"))
    dropped: dict[int, list[Argument]] = {}
    for item, p in zip(kept, kept_probs, strict=True):
        if p < keep_threshold:
            dropped.setdefault(item.event, []).append(item.argument)
    out = list(pairs)
    for k in set(added) | set(dropped):
        mention, sugg = out[k]
        gone = dropped.get(k, [])
        args = [a for a in sugg.arguments if not any(a is g for g in gone)]
        args = sorted([*args, *added.get(k, [])], key=lambda a: (a.span.start, a.span.end, a.role))
        out[k] = (mention, replace(sugg, arguments=tuple(args)))
    return out


def apply(run, pairs: list[tuple], model: ArgModel) -> list[tuple]:  # noqa: ANN001
    """The pairs with the model's arguments added (and weak rule arguments dropped)."""
    ctx = _Context(run, pairs)
    found = candidates(ctx, pairs, model.roles)
    probs = [model.add.prob(c.features) for c in found]
    if model.keep is None or model.keep.threshold <= 0:
        return extend(pairs, found, probs, model.add.threshold)
    kept = rule_arguments(ctx, pairs)
    kprobs = [model.keep.prob(k.features) for k in kept]
    return extend(pairs, found, probs, model.add.threshold, kept, kprobs, model.keep.threshold)
