"""A learned trigger model next to the trigger lexicon: event words the lexicon lacks.

Every content word (a verb or a noun outside the entities, not a modifier of a noun) that the
lexicon did not take as a trigger of any type is a candidate. A logistic regression over
sparse binary features that reach beyond the word itself (its part of speech and dependency,
its head and its children: the labels of the entities around it, a figure or a date below
it, a lexicon trigger above or below it, auxiliaries and negation) gives the probability that
the word is a trigger of some type (the "gate"); a second, multinomial regression over the
same features, trained on the triggers only, gives the type. A word whose gate probability
times the probability of its best type is at or above the threshold becomes a trigger of
that type; its event then goes through the rules like a lexicon trigger's (arguments,
attributes, the light-verb rule, the roles its type requires) and carries the probability as
the suggestion's ``score`` (lexicon triggers have none; ``rule_name`` spells it
"trigger-model p=.73" for display).

Inference is plain Python over a dict of weights per class: scikit-learn is needed only to
train (``python -m annotator.suggest.trigger_train``), which writes
``resources/events/trigger_model.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

from annotator.core.paths import resources_dir
from annotator.suggest.arg_model import Linear

MODEL_FILE = "trigger_model.json"
RULE = "trigger-model"
CANDIDATE_POS = frozenset({"VERB", "NOUN"})
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
_NOMINAL = frozenset({"NOUN", "PROPN"})
# values and dates below a word (a figure, a transfer, a dated event)
_FIGURE_LABELS = frozenset({"MONEY", "PERCENT", "CARDINAL", "QUANTITY", "DATE", "TIME"})
# children whose word (when no entity) is a feature: "offered support", "said that"
_WORD_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "attr", "xcomp", "ccomp"})
_AUX_DEPS = frozenset({"aux", "auxpass"})


def default_path() -> Path:
    return resources_dir() / "events" / MODEL_FILE


def rule_name(p: float) -> str:
    """How a model-added trigger names its origin: "trigger-model p=.73"."""
    return f"{RULE} p={p:.2f}".replace("0.", ".", 1)


@dataclass(frozen=True)
class TriggerModel:
    """``gate``: is the word a trigger of some type; ``types``: which one (a multinomial
    regression, one row of weights per type); a word is added when gate x type >=
    ``threshold``."""

    gate: Linear
    types: dict[str, Linear]
    threshold: float
    meta: dict

    @classmethod
    def load(cls, path: str | Path | None = None) -> TriggerModel:
        path = Path(path) if path is not None else default_path()
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @classmethod
    def from_dict(cls, data: dict) -> TriggerModel:
        types = {k: Linear.from_dict({**v, "threshold": 0.0}) for k, v in data["types"].items()}
        return cls(Linear.from_dict(data["gate"]), types, float(data["threshold"]), data["meta"])

    def to_dict(self) -> dict:
        types = {}
        for name, lin in sorted(self.types.items()):
            types[name] = {"bias": lin.bias, "weights": lin.weights}
        return {
            "format": 1,
            "meta": self.meta,
            "threshold": self.threshold,
            "gate": self.gate.to_dict(),
            "types": types,
        }

    @property
    def digest(self) -> str:
        data = self.to_dict()
        keys = ("threshold", "gate", "types")
        blob = json.dumps([data[k] for k in keys], sort_keys=True)
        return hashlib.sha1(blob.encode()).hexdigest()[:8]

    def type_probs(self, feats: list[str]) -> dict[str, float]:
        """Softmax over the types' scores."""
        scores = {}
        for name, lin in self.types.items():
            w = lin.weights
            scores[name] = lin.bias + sum(w.get(f, 0.0) for f in feats)
        top = max(scores.values())
        exp = {k: math.exp(v - top) for k, v in scores.items()}
        total = sum(exp.values())
        return {k: v / total for k, v in exp.items()}

    def best(self, feats: list[str]) -> tuple[str, float]:
        """(type, gate x type probability) of one candidate."""
        gate = self.gate.prob(feats)
        if gate < self.threshold:
            return "", gate
        probs = self.type_probs(feats)
        name = max(sorted(probs), key=probs.get)
        return name, gate * probs[name]

    def find(self, run, found: dict) -> dict[tuple[int, str], float]:  # noqa: ANN001
        """(token index, type) -> probability of the words to add as triggers."""
        out = {}
        for i, feats in candidates(run, found, light_verbs=run.schema.light_verbs):
            name, p = self.best(feats)
            if name and p >= self.threshold:
                out[(i, name)] = p
        return out


def load_default() -> TriggerModel | None:
    path = default_path()
    return TriggerModel.load(path) if path.exists() else None


# -- candidates and features ------------------------------------------------------------------


def candidates(
    run,  # noqa: ANN001
    found: dict,
    light_verbs: frozenset[str] | tuple = (),
) -> list[tuple[int, list[str]]]:
    """(token index, features) of every word the model may add: a verb or noun outside the
    entities and the lexicon's triggers, not a modifier of a noun."""
    parse, ent_at = run.parse, run.mapper.ent_at
    pos, dep, head, lemma = parse.pos, parse.dep, parse.head, parse.lemma
    taken = {i for i, _ in found}
    out = []
    ctx = None
    for i, p in enumerate(pos):
        if p not in CANDIDATE_POS or i in taken or ent_at[i] is not None:
            continue
        if dep[i] in _MODIFIER_DEPS and pos[head[i]] in _NOMINAL:
            continue
        word = lemma[i]
        if len(word) < 3 or not word.isalpha():
            continue
        if ctx is None:
            ctx = _Doc(run, found, light_verbs)
        out.append((i, ctx.features(i)))
    return out


class _Doc:
    """What the features of one document's candidates read: children lists, entity labels,
    the lexicon's triggers by token."""

    def __init__(self, run, found: dict, light_verbs) -> None:  # noqa: ANN001
        parse = run.parse
        self.parse = parse
        head = parse.head
        self.children: list[list[int]] = [[] for _ in head]
        for j, h in enumerate(head):
            if h != j:
                self.children[h].append(j)
        self.label = [ent.label_ if ent is not None else "" for ent in run.mapper.ent_at]
        self.lex: dict[int, list[str]] = {}
        for i, name in found:
            self.lex.setdefault(i, []).append(name)
        self.light = frozenset(light_verbs)

    def features(self, i: int) -> list[str]:
        """The word, its head, its children and what hangs on their prepositions."""
        parse = self.parse
        word, p, d = parse.lemma[i], parse.pos[i], parse.dep[i]
        out = [
            f"lemma={word}",
            f"pos={p}",
            f"tag={parse.tag[i]}",
            f"dep={d}",
            f"pd={p}:{d}",
            f"suf={word[-3:]}",
            f"suf4={word[-4:]}",
        ]
        self._head(i, out)
        values: set[str] = set()
        for c in self.children[i]:
            self._child(c, out, values)
        out += [f"val={v}" for v in sorted(values)]
        return out

    def _head(self, i: int, out: list[str]) -> None:
        parse, label = self.parse, self.label
        lemma, d, h = parse.lemma, parse.dep[i], parse.head[i]
        if h == i:
            out.append("root")
            return
        out += [f"hl={lemma[h]}", f"hd={d}:{lemma[h]}", f"hpos={d}:{parse.pos[h]}"]
        if label[h]:
            out.append(f"hlabel={label[h]}")
        for name in self.lex.get(h, ()):
            out += [f"hlex={name}", f"hlexd={d}:{name}"]
        if d == "dobj" and lemma[h] in self.light:
            out.append("light-obj")

    def _child(self, c: int, out: list[str], values: set[str]) -> None:
        parse, label = self.parse, self.label
        lemma, dep = parse.lemma, parse.dep
        cd = dep[c]
        out.append(f"cd={cd}")
        if cd in _AUX_DEPS:
            out.append(f"aux={lemma[c]}")
        elif cd == "neg":
            out.append("neg")
        if label[c]:
            out.append(f"c={cd}:{label[c]}")
            if label[c] in _FIGURE_LABELS:
                values.add(label[c])
        out += [f"clex={cd}:{name}" for name in self.lex.get(c, ())]
        if cd in ("prep", "agent"):
            self._prep(c, out, values)
        elif cd in _WORD_DEPS and not label[c]:
            out.append(f"cw={cd}:{lemma[c]}")

    def _prep(self, c: int, out: list[str], values: set[str]) -> None:
        """ "by 9%", "in Astana", "with the minister": what the preposition governs."""
        parse, label = self.parse, self.label
        prep = parse.lower[c]
        out.append(f"prep={prep}")
        for g in self.children[c]:
            if parse.dep[g] != "pobj":
                continue
            if label[g]:
                out.append(f"pp={prep}:{label[g]}")
                if label[g] in _FIGURE_LABELS:
                    values.add(label[g])
            else:
                out.append(f"ppw={prep}:{parse.lemma[g]}")
            out += [f"pplex={prep}:{name}" for name in self.lex.get(g, ())]
