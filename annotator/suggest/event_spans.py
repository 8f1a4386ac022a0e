"""Which text spans an argument token stands for: entities, names and free phrases.

English-specific: which nouns name a group ("Korean companies"), a person by title ("the
Kyrgyz leader") or an actor by proxy ("by decree of the Head of State"). Works on a parsed
spaCy ``Doc`` with entities.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Doc, Token

from annotator.core.models import Span
from annotator.core.schema import ANY_SPAN

NOMINAL = frozenset({"NOUN", "PROPN"})
# Nouns for a group of people or a part of an organisation: "Korean companies", "the Kazakh
# side", "ministers of Kazakhstan and Uzbekistan", "the press service of Akorda" stand for
# the entity inside them.
GROUP_NOUNS = frozenset(
    "delegation side government party company business investor enterprise entrepreneur "
    "minister representative official service office administration ministry bank diaspora "
    "exporter producer country state authority".split()
)
# A single person named by a title: "the Kyrgyz leader" is a person, not the nation.
PERSON_TITLES = frozenset(
    "president leader head chairman chairwoman counterpart guest spokesman spokeswoman "
    "director akim ambassador premier chief secretary governor mayor king emir envoy "
    "minister deputy".split()
)
# Nouns whose "of" object is who acts: "by decree of the Head of State"
PROXY_NOUNS = frozenset("decree resolution order decision invitation initiative".split())
RELATIVE = frozenset({"who", "which", "that", "whom"})
NAME_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT"})
# children that end the phrase a name or title stands for
CLAUSES = frozenset({"relcl", "acl", "advcl", "parataxis", "conj", "cc"})
CUT_DEPS = CLAUSES | {"appos"}
SEPARATORS = frozenset({",", "(", ")", ";", ":", "–", "—"})
FALLBACK_PREPS = frozenset({"of", "from", "between"})
CURRENCY = frozenset("$ € £ ¥ ₸ kzt usd eur rub tenge som soms dollar dollars euro euros".split())


class SpanMapper:
    """Maps an argument token to the entity spans it stands for.

    Repairs two common slips of a small model on news, using what the same document says
    elsewhere: a name the model missed in a headline ("Sadyr Japarov arrives") that it found
    further down, and a country glued to the name after a title ("President of Türkiye
    Recep Tayyip Erdoğan" tagged as one PERSON).
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.ent_at: list = [None] * len(doc)
        self.known: dict[str, str] = {}
        self.places: set[str] = set()
        for ent in doc.ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent
            if ent.label_ in NAME_LABELS:
                self.known.setdefault(ent.text, ent.label_)
            if ent.label_ in ("GPE", "LOC"):
                self.places.add(ent.text)
        for ent in doc.ents:  # a surname alone: "Japarov" after "Sadyr Japarov"
            if ent.label_ == "PERSON" and len(ent) > 1:
                self.known.setdefault(ent[-1].text, "PERSON")

    def in_entity(self, token: Token) -> bool:
        return self.ent_at[token.i] is not None

    def span_of(self, token: Token, trim: bool = True) -> Span | None:
        """The entity a token belongs to, cut to the token's own phrase."""
        ent = self.ent_at[token.i]
        if ent is None:
            return self._known_name(token)
        start, end = ent.start, ent.end
        if trim:
            lo, hi = phrase_bounds(token)
            start, end = max(start, lo), min(end, hi + 1)
        label = ent.label_
        if label not in ("DATE", "TIME"):
            start = self._strip_place(start, end)
            while end - start > 1 and self.doc[start].lower_ == "the":
                start += 1
        if label == "CARDINAL":  # "more than 120 million soms", "KZT 18 billion"
            start, end = self._currency(start, end)
        span = self.doc[start:end]
        if not any(c.isalnum() for c in span.text):
            return None
        if label != "PERSON" and self.known.get(span.text) == "PERSON":
            label = "PERSON"
        return Span(span.start_char, span.end_char, value_label(span, label))

    def _currency(self, start: int, end: int) -> tuple[int, int]:
        doc = self.doc
        if end < len(doc) and doc[end].lower_ in CURRENCY:
            return start, end + 1
        before = start - 1
        while before >= 0 and doc[before].is_space:
            before -= 1
        if before >= 0 and doc[before].lower_ in CURRENCY:
            return before, end
        return start, end

    def _strip_place(self, start: int, end: int) -> int:
        """ "Kyrgyz Republic Sadyr Japarov" -> "Sadyr Japarov" when the rest is a known
        person, or the part cut off a known place."""
        for k in range(1, end - start - 1):
            head, rest = self.doc[start : start + k], self.doc[start + k : end]
            if not all(t.pos_ == "PROPN" or t.text == "-" for t in rest):
                continue
            if head.text in self.places or self.known.get(rest.text) == "PERSON":
                return start + k
        return start

    def _known_name(self, token: Token) -> Span | None:
        if token.pos_ != "PROPN":
            return None
        lo = token.i
        while lo > 0 and self.doc[lo - 1].dep_ == "compound" and self.doc[lo - 1].is_title:
            lo -= 1  # "Sadyr Japarov arrives", with "Sadyr" read as a noun
        for start in range(lo, token.i + 1):
            span = self.doc[start : token.i + 1]
            label = self.known.get(span.text)
            if label is not None and not any(self.in_entity(t) for t in span):
                return Span(span.start_char, span.end_char, label)
        return None

    def entities(self, token: Token, preps: bool = False, depth: int = 0) -> list[Span]:
        """The entity spans a token stands for: its own, else ones inside its phrase.

        ``preps``: also the objects of "of", "from", "between" (the entities around an
        indicator: "trade between Kazakhstan and China").
        """
        token = antecedent(token)
        own = self.span_of(token)
        if own is not None:
            return [own]
        if token.pos_ not in NOMINAL:
            return []
        lemma = token.lemma_.lower()
        if lemma in PERSON_TITLES and token.tag_ in ("NN", "NNP"):
            return self._titled(token)
        out: list[Span] = []
        group = lemma in GROUP_NOUNS or token.tag_ in ("NNS", "NNPS")
        for child in token.children:
            if child.dep_ in ("poss", "compound", "nmod", "amod") and depth < 2:
                for kid in expand(child):
                    if self.in_entity(kid):
                        out += [s for s in [self.span_of(kid, trim=False)] if s is not None]
                    else:
                        out += self.entities(kid, False, depth + 1)
            elif child.dep_ == "prep" and depth == 0 and child.lower_ in FALLBACK_PREPS:
                if preps or group or lemma in PROXY_NOUNS:
                    objs = [t for c in child.children if c.dep_ == "pobj" for t in expand(c)]
                    out += [s for t in objs for s in self.entities(t, False, depth + 1)]
        return list(dict.fromkeys(out))

    def _titled(self, title: Token) -> list[Span]:
        """ "Minister of Energy Almassadam Satkaliyev": the person after the title."""
        lo, hi = phrase_bounds(title, CLAUSES)
        found = [s for i in range(lo, hi + 1) if (s := self.span_of(self.doc[i]))]
        people = [s for s in found if s.label == "PERSON"]
        if people:
            return people[-1:]
        # a name the model called an organisation, right at the end of the title
        end = self.doc[hi].idx + len(self.doc[hi])
        return [s for s in found if s.label == "ORG" and s.end == end][-1:]

    def phrase(self, token: Token, full: bool) -> Span | None:
        """A free (SPAN) argument: the whole phrase for titles, the base noun otherwise."""
        if token.pos_ not in NOMINAL or self.in_entity(token) and not full:
            return None
        if full:
            lo, hi = phrase_bounds(token)
        else:
            lo = hi = token.i
            for child in reversed(list(token.lefts)):
                if child.i != lo - 1 or child.dep_ not in ("compound", "amod", "nmod"):
                    break
                if self.in_entity(child):
                    break
                lo = child.left_edge.i if child.dep_ == "compound" else child.i
        while lo < hi and self.doc[lo].dep_ in ("det", "poss", "case", "punct"):
            lo += 1
        span = self.doc[lo : hi + 1]
        return Span(span.start_char, span.end_char, ANY_SPAN)


def value_label(span, label: str) -> str:  # noqa: ANN001
    """A number with a currency ("KZT 18 billion", sometimes tagged LAW) is MONEY."""
    has_number = any(t.like_num for t in span)
    if label != "MONEY" and has_number and any(t.lower_ in CURRENCY for t in span):
        return "MONEY"
    return label


def phrase_bounds(token: Token, cut_deps: frozenset[str] = CUT_DEPS) -> tuple[int, int]:
    """Token range of the phrase a token heads, without appositions, clauses and lists."""
    lo, hi = token.left_edge.i, token.right_edge.i
    for child in token.children:
        cut = child.dep_ in cut_deps or child.dep_ == "punct" and child.text in SEPARATORS
        if cut and child.i > token.i:
            hi = min(hi, child.left_edge.i - 1)
        elif cut:
            lo = max(lo, child.right_edge.i + 1)
    return lo, hi


def antecedent(token: Token) -> Token:
    """ "who" in "Erdoğan, who conveyed" stands for Erdoğan."""
    if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
        return token.head.head
    return token


def expand(token: Token) -> Iterator[Token]:
    """The token and its coordinated and apposed names ("A, B and C", "X (EBRD)")."""
    yield token
    for child in token.children:
        if child.dep_ == "conj":
            yield from expand(child)
        elif child.dep_ == "appos" and child.pos_ == "PROPN":
            if child.lemma_.lower() not in PERSON_TITLES | GROUP_NOUNS:
                yield from expand(child)
