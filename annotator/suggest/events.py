"""Rule-based event suggestions from a parsed spaCy ``Doc``, driven by the event schema.

Needs a pipeline with parser, tagger, attribute_ruler, lemmatizer and ner (en_core_web_sm);
add the ``annotator_paragraph_breaks`` component before the parser (``add_paragraph_breaks``)
so that a headline without a full stop is not parsed as part of the lead sentence.

1. Triggers: a ``Matcher`` on lemma (or the word as written) and part of speech; words
   inside names, nouns used as modifiers ("loan agreement") and verb-object idioms
   ("paid attention") are no triggers. The learned trigger model (``trigger_model``) adds
   verbs and nouns the word lists lack; their events go through the steps below as well.
2. Light verbs: a noun trigger that is the object of a light verb ("hold talks", "talks were
   held") or of a verb of its own type ("signed an agreement") takes the verb's arguments;
   the verb gives up its own event. A noun after "on" ("arrived on a visit") shares them.
3. Arguments: one pass over the parse collects the slots of the trigger and of those verbs
   (subject, object, poss, modifier, prepositions ...), expanded over coordination and
   apposition, mapped to the entity spans and given the first role of the slot whose labels
   allow the entity's label. Subjects pass through "plan to", "and", "invited X to".
4. Attributes from the parse: negation and modality cues (see the schema).

Every mention is its own event; one trigger gets at most one suggestion per type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.tokens import Doc, Token

from annotator.core.models import EVENT, Argument, Span, Suggestion
from annotator.core.schema import EventSchema, EventType, load_schema
from annotator.suggest import arg_model
from annotator.suggest import event_rules as rules
from annotator.suggest import event_spans as spans
from annotator.suggest.arg_model import ArgModel, load_default
from annotator.suggest.parse_lists import Parse
from annotator.suggest.trigger_model import TriggerModel
from annotator.suggest.trigger_model import load_default as load_trigger_model

RULES_VERSION = "9"
OBJECT_PLACE_PREPS = frozenset({"in", "at"})
PARAGRAPH_BREAKS = "annotator_paragraph_breaks"
# the marks a list item starts with in press releases ("– 24 agreements were signed;")
BULLETS = frozenset({"–", "—", "-", "•", "*", "·", "▪"})
_NOMINAL_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "pobj", "conj", "appos", "attr", "ROOT"})
# how a source of arguments relates to the trigger
TRIGGER, SUPPORT, SHARED, AROUND, GOVERNING = range(5)
# slots a verb governing a nominal event by a preposition lends it: places and dates
GOVERNING_SLOTS = frozenset({"in", "at", "on", "during", "any"})
# "invest in X": what the preposition names is where the money goes, a region is a place
IN_RULES = frozenset({"pp-in", "pp-into"})
RECIPIENTS = frozenset({"Recipient"})
# a meeting noun in these phrases lends its place and date to what is done there
AT_PREPS = frozenset({"at", "during"})
# types whose participants "the sides" stand for, and the roles that take them
MEETINGS = frozenset({"Meet", "Contact"})
# plural descriptions of the parties of a meeting: "the two sides", "the leaders"
SIDES = frozenset({"side", "party", "leader", "president", "minister", "delegation"})
PARTY_ROLES = ("Party", "Participant")
# roles of a doer that take part in the meeting it acts at
SUBJECT_ROLES = frozenset({"Party", "Participant", "Giver"})
# participant slots whose phrase may hide the event's place and date, and the way down
VALUE_SLOTS = frozenset({"by", "to", "at"})
DEEP_SLOTS = frozenset({"object", "agent", "with", "between"})
DEEP_PLACE_PREPS = frozenset({"in", "at"})
DEEP_THROUGH = frozenset({"of", "by", "with", "and"})
# trigger word (lemma or form) -> [(type, as a verb)]
_Lexicon = dict[str, list[tuple[str, bool]]]
# first word of a trigger phrase -> [(its words, index of the trigger word, type)]
_Phrases = dict[str, list[tuple[tuple[str, ...], int, str]]]


@Language.component(PARAGRAPH_BREAKS)
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every blank line (title and paragraphs are joined by them)
    and at every item of a bulleted list (a line that starts with a dash or a bullet)."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        gap = prev.whitespace_ or (prev.text if prev.is_space else "")
        if "\n\n" in gap:
            token.is_sent_start = True
        elif "\n" in gap and token.text in BULLETS:
            token.is_sent_start = True
    return doc


def add_paragraph_breaks(nlp: Language) -> None:
    """Add the paragraph-break component before the parser (once)."""
    if PARAGRAPH_BREAKS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")


@dataclass
class _Mention:
    token: Token
    etype: EventType
    support: list[Token] = field(default_factory=list)  # verbs whose event this absorbs
    shared: list[Token] = field(default_factory=list)  # verbs whose participants it shares
    around: list[Token] = field(default_factory=list)  # verbs whose places and dates it shares
    governing: list[Token] = field(default_factory=list)  # "after [talks] in Astana, X flew"
    of_object: Token | None = None  # "a meeting of the commission in Seoul"
    score: float | None = None  # the trigger model's probability (None: the lexicon's word)

    @property
    def sources(self) -> list[tuple[Token, int]]:
        out = [(self.token, TRIGGER), *((v, SUPPORT) for v in self.support)]
        out += [(v, SHARED) for v in self.shared] + [(v, AROUND) for v in self.around]
        return out + [(v, GOVERNING) for v in self.governing]


class EventSuggester:
    """Suggests events in parsed documents; callable as a pipeline extractor."""

    def __init__(
        self,
        schema: EventSchema | None = None,
        arg_model: ArgModel | None | str = "default",
        trigger_model: TriggerModel | None | str = "default",
    ) -> None:
        """``arg_model``: the learned argument model that adds the entities the rules left
        unattached ("default": the bundled one; None: rules only); ``trigger_model``: the
        learned trigger model that adds the event words the lexicon lacks (the same)."""
        self.schema = schema or load_schema()
        self.arg_model = load_default() if arg_model == "default" else arg_model
        self.trigger_model = load_trigger_model() if trigger_model == "default" else trigger_model
        self._lexicon = _lexicon(self.schema)
        self._phrases = _phrases(self.schema)

    def __call__(self, doc: Doc) -> list[Suggestion]:
        return self.suggest(doc)

    def suggest(self, doc: Doc) -> list[Suggestion]:
        """Event suggestions for one parsed document (offsets into ``doc.text``)."""
        if not doc.has_annotation("DEP"):
            raise ValueError("event suggestions need a dependency parse (a pipeline with a parser)")
        run, pairs = self.rule_pairs(doc)
        if self.arg_model is not None:
            pairs = arg_model.apply(run, pairs, self.arg_model)
        return _unique([s for _, s in pairs])

    def rule_pairs(
        self, doc: Doc, added: dict[tuple[int, str], float] | None = None
    ) -> tuple[_Run, list[tuple[_Mention, Suggestion]]]:
        """The rules' (mention, suggestion) pairs before the argument model, and the run.
        ``added``: (token index, type) -> probability of the words the trigger model adds
        (None: ask the suggester's trigger model, if any)."""
        run = _Run(self.schema, doc)
        found = run.candidates(self._phrases, self._lexicon)
        if added is None:
            added = self.trigger_model.find(run, found) if self.trigger_model else {}
        run.add_triggers(found, added)
        out = [(m, s) for m in run.mentions(found) if (s := run.suggestion(m)) is not None]
        pairs = self._follow_up(self._partners(self._at_events(out)))
        return run, _at_which(_on_behalf(run, _listed(run, pairs)))

    def _partners(
        self, pairs: list[tuple[_Mention, Suggestion]]
    ) -> list[tuple[_Mention, Suggestion]]:
        """ "X held talks with Y on Monday, and the ministry said that the two sides agreed
        ...": a plural description of the parties ("the sides", "the leaders") as the subject
        stands for the participants of the latest meeting or call of two or three in the same
        sentence (sides-of-meeting:...)."""
        out = []
        last: Suggestion | None = None  # the latest meeting of the sentence
        sent = None
        for mention, sugg in sorted(pairs, key=lambda p: p[0].token.i):
            verb = mention.token
            if verb.sent.start != sent:
                last, sent = None, verb.sent.start
            role = _party_role(mention.etype)
            if role is not None and last is not None and _sides_subject(mention):
                sugg = _lend_partners(sugg, last, role)
            if mention.etype.name in MEETINGS:
                count = sum(a.role == "Participant" for a in sugg.arguments)
                # "the sides" of a meeting of two or three; a larger one names no sides
                last = sugg if 2 <= count <= 3 else last
            out.append((mention, sugg))
        return out

    def _at_events(
        self, pairs: list[tuple[_Mention, Suggestion]]
    ) -> list[tuple[_Mention, Suggestion]]:
        """ "X and Y did not sign a protocol at the talks held in Bishkek on April 8": what is
        done at (or during) a meeting happens at its place and date, and who does it takes
        part in the meeting ("at" only). The parser often hangs the "at" phrase deep inside
        the clause, so the verb is the first one above the meeting noun."""
        by_verb: dict[int, list[int]] = {}
        for k, (mention, _sugg) in enumerate(pairs):
            for tok in (mention.token, *mention.support):
                by_verb.setdefault(tok.i, []).append(k)
        out = list(pairs)
        for k, (mention, _sugg) in enumerate(pairs):
            noun = mention.token
            verb = _meeting_verb(mention)
            if verb is None:
                continue
            for j in by_verb.get(verb.i, ()):
                other, theirs = out[j]
                if j == k or other.etype.name == mention.etype.name:
                    continue
                if other.etype.role("Indicator") is None:  # figures keep their own periods
                    out[j] = (other, _lend(theirs, out[k][1], other.etype, ("Place", "Time")))
                if noun.head.lower_ == "at" and not rules.reports_only(verb):
                    out[k] = (mention, _lend_subjects(out[k][1], theirs))
        return out

    def _follow_up(
        self, pairs: list[tuple[_Mention, Suggestion]]
    ) -> list[tuple[_Mention, Suggestion]]:
        """After "held a telephone conversation", "the leaders discussed ..." continues the
        call: a verb without a place of the overridden type (Meet) takes the overriding
        type (Contact) while the last actual mention of either was of that type."""
        special = {t.overrides: t.name for t in self.schema.types.values() if t.overrides}
        ongoing: dict[str, bool] = {}
        out = []
        for mention, sugg in sorted(pairs, key=lambda p: p[1].span.start):
            actual = dict(sugg.attributes).get("Modality", "actual") == "actual"
            for base, over in special.items():
                if sugg.label == over and actual:
                    ongoing[base] = True
                elif sugg.label == base and ongoing.get(base) and _continues(mention, sugg):
                    sugg = replace(sugg, span=Span(sugg.span.start, sugg.span.end, over))
                elif sugg.label == base and actual:
                    ongoing[base] = False
            out.append((mention, sugg))
        return out


class _Run:
    """The work on one document."""

    def __init__(self, schema: EventSchema, doc: Doc) -> None:
        self.schema = schema
        self.doc = doc
        self.parse = Parse(doc)
        self.mapper = spans.SpanMapper(doc, self.parse)
        self.text = self.mapper.text  # Doc.text joins every token: once per document
        self.slots = rules.slot_index(doc, self.parse)
        self.triggers: dict[int, set[str]] = {}
        self.added: dict[tuple[int, str], float] = {}  # the trigger model's words

    # -- triggers -------------------------------------------------------------------------

    def candidates(self, phrases: _Phrases, lexicon: _Lexicon) -> dict[tuple[int, str], bool]:
        """(token index, type) -> matched as a verb."""
        found: dict[tuple[int, str], bool] = {}
        lemmas, lowers, pos, doc = self.parse.lemma_, self.parse.lower, self.parse.pos, self.doc
        ent_at = self.mapper.ent_at
        for i, (lemma, lower) in enumerate(zip(lemmas, lowers, strict=True)):
            # phrases: each word as its lemma or as written ("exchanged views"); what a
            # spaCy Matcher with a pattern per choice did at ~30x the cost
            for words, head, name in (*phrases.get(lemma, ()), *phrases.get(lower, ())):
                end = i + len(words)
                if end <= len(lemmas) and all(
                    w == lemmas[j] or w == lowers[j] for j, w in zip(range(i, end), words)
                ):
                    if ent_at[i + head] is None:
                        found[(i + head, name)] = pos[i + head] == "VERB"
        for i, (lemma, lower) in enumerate(zip(lemmas, lowers, strict=True)):
            entries = lexicon.get(lemma, []) + lexicon.get(lower, [])
            if not entries:  # single words: a dict lookup per token
                continue
            token = doc[i]
            for name, as_verb in entries:
                if self._is_trigger(token, as_verb):
                    # a word that passes as a noun too ("meeting" tagged VERB) is a noun
                    found[(i, name)] = found.get((i, name), True) and as_verb
        self.triggers = {}
        for i, name in found:
            self.triggers.setdefault(i, set()).add(name)
        return found

    def add_triggers(
        self, found: dict[tuple[int, str], bool], added: dict[tuple[int, str], float]
    ) -> None:
        """The trigger model's words join the lexicon's (as verbs when tagged so)."""
        self.added = added
        for i, name in added:
            found[(i, name)] = self.parse.pos[i] == "VERB"
            self.triggers.setdefault(i, set()).add(name)

    def _is_trigger(self, token: Token, as_verb: bool) -> bool:
        if self.mapper.in_entity(token):
            return False  # part of a name: "Business Forum", "Cooperation Council"
        if token.dep_ in ("compound", "amod", "nmod") and token.head.pos_ in spans.NOMINAL:
            # "loan agreement", "visit centre", "the welcoming ceremony" -- but "the newly
            # appointed ambassador" reports an appointment
            if not (as_verb and token.tag_ == "VBN" and rules.recent(token)):
                return False
        if as_verb:
            if token.pos_ != "VERB" and not rules.misread_verb(token):
                return False
            objs = {c.lemma_.lower() for c in token.children if c.dep_ in ("dobj", "nsubjpass")}
            return not any((token.lemma_.lower(), o) in self.schema.not_triggers for o in objs)
        if token.pos_ in rules.VERBAL and token.dep_ not in _NOMINAL_DEPS:
            return False
        return not (token.is_title and not token.is_sent_start and not _title_case(token.sent))

    def mentions(self, found: dict[tuple[int, str], bool]) -> list[_Mention]:
        mentions: dict[tuple[int, str], _Mention] = {}
        absorbed: set[tuple[int, str]] = set()
        for (i, name), as_verb in sorted(found.items()):
            token = self.doc[i]
            mention = _Mention(token, self.schema.types[name], score=self.added.get((i, name)))
            if as_verb:
                mention.around += rules.controllers(token)
            else:
                absorbed |= self._attach_verbs(mention, found)
            mentions[(i, name)] = mention
        for (i, name), mention in mentions.items():
            obj = mention.of_object  # "the signing of the agreement": one event, on "agreement"
            if obj is not None and (obj.i, name) in mentions and not found[(i, name)]:
                if self.doc[i].lemma_.lower() in rules.ACT_NOUNS:
                    absorbed.add((i, name))
                    target = mentions[(obj.i, name)]
                    target.support += [self.doc[i], *mention.support]
                    target.shared += mention.shared
                    target.around += mention.around
                    target.governing += mention.governing
        return [m for k, m in mentions.items() if k not in absorbed]

    def _attach_verbs(self, mention: _Mention, found: dict[tuple[int, str], bool]) -> set:
        """Find the verbs around a noun trigger; return the verb events it absorbs."""
        absorbed = set()
        name, noun = mention.etype.name, mention.token
        outer = rules.topic_head(noun)
        for verb in rules.support_verbs(noun, outer is not None and outer.i in self.triggers):
            if verb.lemma_.lower() in self.schema.light_verbs:
                absorbed |= {k for k in found if k[0] == verb.i}
                mention.support.append(verb)
            elif (verb.i, name) in found and rules.sole_object(verb, noun):
                absorbed.add((verb.i, name))
                mention.support.append(verb)
            elif verb.pos_ == "VERB" and verb.i not in self.triggers:
                mention.around.append(verb)  # "a meeting is scheduled for May"
        if mention.etype.role("Participant") is not None:
            mention.support += _deep_attended(noun, self.triggers)
        mention.shared += rules.sharing_verbs(noun)
        mention.governing += rules.governing_verbs(noun)
        obj = rules.of_object(noun)
        if obj is not None:
            mention.of_object = obj
            lights = self.schema.light_verbs
            verbs = rules.clause_verbs(obj)  # "of the commission, held in Bishkek"
            if any(v.lemma_.lower() in lights for v in verbs):
                mention.around += [v for v in verbs if v.i not in self.triggers]
        return absorbed

    # -- one event ------------------------------------------------------------------------

    def suggestion(self, mention: _Mention) -> Suggestion | None:
        etype = self._retype(mention)
        token = mention.token
        lemma = token.lemma_.lower()
        if not self._object_fits(mention, etype):
            return None
        arguments = self._arguments(mention, etype)
        if any(a.role == "Indicator" and _not_indicator(self.text, a.span) for a in arguments):
            return None  # "the cost of the project, estimated at": no economic figure
        required = etype.required(lemma)
        if required and not any(a.role in required for a in arguments):
            return None  # a word of the trigger model too (a figure needs its value)
        base = [token, *mention.support]
        attrs = []
        for attr in self.schema.attributes.values():
            check = rules.negated if attr.kind == "bool" else rules.modality
            attrs.append((attr.name, check(base, attr)))
        trigger = Span(_hyphen_start(token), token.idx + len(token.text), etype.name)
        return Suggestion(
            trigger, EVENT, tuple(arguments), tuple(sorted(attrs)), mention.score, source="model"
        )

    def _retype(self, mention: _Mention) -> EventType:
        """A Meet "by phone" is a Contact: types that override this one on a cue word."""
        words = set()
        for tok in (mention.token, *mention.support):
            words |= {c.lemma_.lower() for c in tok.children}
            words |= {t.lemma_.lower() for _, t in self.slots.get(tok.i, ())}
        for other in self.schema.types.values():
            if other.overrides == mention.etype.name and words & set(other.cues):
                return other
        return mention.etype

    def _object_fits(self, mention: _Mention, etype: EventType) -> bool:
        """ "Kazakhstan will receive 42%": a figure as the object of a verb whose type takes
        no figures means the verb is used in another sense."""
        token = mention.token
        if token.pos_ == "VERB" and token.lemma_.lower() in rules.CLAUSE_REPORTS:
            # "the ministry added", "adding that ..." report; "add capacity" does not
            return not any(c.dep_ == "dobj" for c in token.children)
        if token.pos_ == "VERB" and token.lemma_.lower() in rules.ACCEPTING:
            objs = [c for c in token.children if c.dep_ == "dobj"]
            return not any(o.like_num or any(c.dep_ == "nummod" for c in o.children) for o in objs)
        if etype.role("Indicator") is not None and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in rules.NOT_INDICATORS
            for c in token.children
        ):
            return False  # "the cost of which is estimated at $3.5 billion"
        if token.pos_ != "VERB" or any(r.labels & rules.VALUE_LABELS for r in etype.roles):
            return True
        objs = [c for c in token.children if c.dep_ == "dobj"]
        return not any(s.label in rules.VALUE_LABELS for o in objs for s in self.mapper.entities(o))

    def _arguments(self, mention: _Mention, etype: EventType) -> list[Argument]:
        lemma = mention.token.lemma_.lower()
        taken: dict[str, list[Span]] = {}
        out: list[Argument] = []
        skip = {mention.token.i, *(v.i for v in mention.support)}
        for fill in self._fills(mention, etype):
            if fill.token.i in skip:
                continue
            for role, span, rule in self._candidate_args(etype, fill, lemma):
                limit = etype.role(role).at_most
                if limit is not None and len(taken.get(role, [])) >= limit:
                    continue
                where = (span.start, span.end)
                if span.start <= mention.token.idx < span.end or any(
                    where == (s.start, s.end) for spans in taken.values() for s in spans
                ):
                    continue  # one span, one role; never the trigger itself
                taken.setdefault(role, []).append(span)
                out.append(Argument(role, span, rule=rule))
        return sorted(out, key=lambda a: (a.span.start, a.span.end, a.role))

    def _fills(self, mention: _Mention, etype: EventType) -> Iterable[rules.SlotFill]:
        predicative = "attr" in etype.slots
        for tok, kind in mention.sources:
            passive = rules.headline_passive(tok, predicative)
            for slot, arg in self.slots.get(tok.i, ()):
                if kind == GOVERNING and slot == "object":  # "adopted a declaration in X"
                    yield from self._object_places(arg, kind, "obj")
                if slot == "object" and kind == TRIGGER and etype.role("Indicator") is not None:
                    yield from self._counted_of(arg, kind)
                if _lent(slot, kind):
                    logical, rule = self._logical(slot, tok, arg, kind, passive)
                    yield rules.SlotFill(logical, arg, kind, rule)
                    yield from self._hung_on(slot, logical, arg, kind)
            if kind in (TRIGGER, SUPPORT, SHARED):
                yield from self._implicit_subject(tok, kind)
        if mention.of_object is not None:
            yield from self._object_places(mention.of_object, TRIGGER, "of-obj")
        for tok, kind in mention.sources:
            if kind in (TRIGGER, SUPPORT):
                yield from self._when_clause(tok, kind)

    def _when_clause(self, tok: Token, kind: int) -> Iterable[rules.SlotFill]:
        """ "... will meet in Astana in May, when a new programme will be signed": a clause
        opened by "when" on a date happens on that date, at the place of the verb the date
        belongs to."""
        date = rules.when_date(tok)
        if date is None:
            return
        span = self.mapper.span_of(date)
        if span is None or span.label not in ("DATE", "TIME"):
            return
        yield rules.SlotFill("in", date, AROUND, "when-clause")
        prep = date.head
        if date.dep_ == "pobj" and prep.dep_ == "prep" and prep.head.pos_ == "VERB":
            for slot, arg in self.slots.get(prep.head.i, ()):
                if slot in OBJECT_PLACE_PREPS and arg.i != date.i:
                    yield rules.SlotFill(slot, arg, AROUND, "when-clause")

    def _hung_on(self, slot: str, logical: str, arg: Token, kind: int) -> Iterable[rules.SlotFill]:
        """Places and dates the parser hung on an argument instead of the trigger."""
        if kind == TRIGGER and (logical == "object" or slot == "agent"):
            yield from self._object_places(arg, kind, "obj" if slot != "agent" else "agent")
        elif kind == TRIGGER and logical == "subject" and slot != "agent":
            # "trade between A and B in 2024 reached ...", "talks in Astana were"
            yield from self._object_places(arg, kind, "subj")
        elif kind == TRIGGER and slot in VALUE_SLOTS and self._value(arg):
            # "fell by 4% in the first quarter": the date hangs on the figure
            yield from self._object_places(arg, kind, f"{slot}-value")
        if kind in (TRIGGER, SUPPORT) and slot in DEEP_SLOTS:
            yield from self._deep_places(arg, kind)

    def _logical(
        self, slot: str, tok: Token, arg: Token, kind: int, passive: bool
    ) -> tuple[str, str]:
        """The logical slot of a syntactic one, and the rule that says so."""
        logical = _voice(slot, tok, passive)
        if kind == SUPPORT and logical == "subject" and _receiving(tok):
            return "to", "subj-recipient"  # "X received a loan"
        if slot == "agent" and self._value(arg):
            return "by", "by-value-passive"  # "was cut by almost a fifth"
        if kind == TRIGGER and slot == "object" and rules.inverted_report(tok):
            return "subject", "inverted-speaker"  # "..., informs the press service"
        return logical, rules.slot_rule(slot, logical, arg)

    def _value(self, token: Token) -> bool:
        span = self.mapper.span_of(token)
        return span is not None and span.label in rules.VALUE_LABELS

    def _object_places(self, obj: Token, kind: int, what: str) -> Iterable[rules.SlotFill]:
        """ "met Mirziyoyev in Astana", "was received by X in Tashkent", "a meeting of the
        commission in Seoul": the parser often hangs the place on the object."""
        for slot, arg in self.slots.get(obj.i, ()):
            if slot in OBJECT_PLACE_PREPS:
                yield rules.SlotFill(slot, arg, kind, f"{what}-pp-{slot}")

    def _counted_of(self, obj: Token, kind: int) -> Iterable[rules.SlotFill]:
        """ "exported 300,000 tonnes of flour": what a quantity counts is the indicator (not
        what a share is of: "5% of GDP")."""
        own = self.mapper.span_of(obj)
        if own is None or own.label != "QUANTITY":
            return
        for slot, arg in self.slots.get(obj.i, ()):
            if slot == "of" and arg.pos_ in spans.NOMINAL and not self.mapper.in_entity(arg):
                yield rules.SlotFill("of", arg, kind, "obj-value-of")

    def _deep_places(self, obj: Token, kind: int) -> Iterable[rules.SlotFill]:
        """ "met with a delegation of Korea led by Vice Minister X in Astana on May 27": the
        parser hangs the clause-final place and date deep inside the participant's phrase
        (on a name, or on the "led by" participle); they are the event's."""
        stack = [(c, 1) for c in obj.children]
        while stack:
            tok, depth = stack.pop()
            if tok.dep_ == "acl" and tok.lemma_.lower() in spans.LEADING_VERBS:
                preps = DEEP_PLACE_PREPS | {"on"}
            elif tok.dep_ in ("pobj", "conj", "appos") and tok.pos_ in spans.NOMINAL:
                preps = DEEP_PLACE_PREPS
            elif tok.dep_ in ("prep", "agent") and tok.lower_ in DEEP_THROUGH:
                stack += [(c, depth) for c in tok.children if c.dep_ == "pobj"]
                continue
            else:
                continue
            for slot, arg in self.slots.get(tok.i, ()):
                if slot in preps:
                    yield rules.SlotFill(slot, arg, kind, f"deep-pp-{slot}")
            if depth < 4:
                stack += [(c, depth + 1) for c in tok.children]

    def _implicit_subject(self, tok: Token, kind: int) -> Iterable[rules.SlotFill]:
        if tok.pos_ in rules.VERBAL and not rules.has_subject(tok):
            subj, rule = rules.report_conj_subject(tok), "subj-report-conj"
            if subj is None:
                subj, rule = rules.side_agent(tok), "side-passive"
            if subj is None:
                subj, rule = rules.inherited_subject(tok), "subj-inherited"
            if subj is None and kind == TRIGGER and not rules.inverted_report(tok):
                subj, rule = rules.reporter(tok, self.mapper.in_entity)
            if subj is not None:
                yield rules.SlotFill("subject", subj, kind, rule)
        if rules.misread_verb(tok):  # "the Akorda press service reports"
            for child in tok.children:
                if child.dep_ == "compound":
                    yield rules.SlotFill("subject", child, kind, "subj-compound")

    def _candidate_args(
        self, etype: EventType, fill: rules.SlotFill, lemma: str
    ) -> Iterable[tuple[str, Span, str]]:
        """(role, span, rule) for one slot filler: a free phrase, then the entities."""
        free = rules.span_role(etype, fill.slot, lemma)
        phrase = None
        referent = self._referent(fill)
        if referent is None:
            return
        token, person, rule = referent
        rule = rules.SOURCE_PREFIX[fill.source] + fill.rule + rule
        if free:
            token, phrase, rule = self._free_phrase(etype, fill, free, token, rule)
            if phrase is not None:
                yield free[0], phrase, rule
        todo = list(spans.expand(token))
        for tok in todo:
            listed = "+conj-list" if tok.i != token.i else ""
            found = self.mapper.entities(tok, preps=phrase is not None)
            todo += spans.name_conjuncts(found, tok, todo)
            for span in found:
                if person and span.label != "PERSON":
                    continue
                role = rules.role_for(etype, fill.slot, lemma, span.label)
                how = self.mapper.how.get((span.start, span.end))
                if role is None and (alt := self.mapper.alternative(span)) is not None:
                    role = rules.role_for(etype, fill.slot, lemma, alt[0])  # a facility
                    span, how = Span(span.start, span.end, alt[0]), alt[1]
                if role is not None and fill.rule in IN_RULES:  # on the verb itself
                    role, how = self._in_slot(etype, tok, span, role, how)
                if role is not None:
                    yield role, span, rule + listed + (f"+{how}" if how else "")

    def _free_phrase(
        self,
        etype: EventType,
        fill: rules.SlotFill,
        free: tuple[str, bool],
        token: Token,
        rule: str,
    ) -> tuple[Token, Span | None, str]:
        """The phrase of a free (SPAN) role, unless the filler is a name, an event or a
        value ("1.9 trillion tenge"); a counted noun ("reached 2 million people") gives its
        number instead."""
        counted = self._counted(token)
        if counted is not None:
            return counted, None, rule + "+counted"
        own = self.mapper.span_of(token)
        if own is not None and own.label in rules.VALUE_LABELS:
            return token, None, rule
        event = etype.name in self.triggers.get(token.i, ())  # "totalled ..., an increase"
        titled = free[1] and self.mapper.titled_phrase(token)
        named = self.mapper.in_entity(token) and not titled  # a title the model read as a name
        if named or token.lemma_.lower() in spans.WHERE_NOUNS:
            head = spans.relative_indicator(fill.token, token, self.mapper.in_entity)
            if head.i != token.i and not self.mapper.in_entity(head):
                token, named, rule = head, False, rule + "+relcl-phrase-head"
                event = etype.name in self.triggers.get(token.i, ())
        if named or event or rules.reports(token):
            return token, None, rule
        return token, self.mapper.phrase(token, full=free[1]), rule

    def _counted(self, token: Token) -> Token | None:
        """The number that counts a noun outside any entity ("2 million" of "2 million
        people"), if it is a value."""
        if self.mapper.in_entity(token) or token.pos_ not in spans.NOMINAL:
            return None
        for child in token.children:
            if child.dep_ == "nummod":
                own = self.mapper.span_of(child)
                if own is not None and own.label in rules.VALUE_LABELS:
                    return child
        return None

    def _referent(self, fill: rules.SlotFill) -> tuple[Token, bool, str] | None:
        """The token a filler stands for, whether it must be a person, and the rule suffix:
        a relative pronoun's antecedent ("trade, which grew"), "he" ("X met Y, with whom he
        discussed"), "whom" after a comma; None for a pronoun with no named antecedent."""
        token = spans.antecedent(fill.token)
        if token is not fill.token:
            return token, False, ""
        if fill.slot == "subject" and rules.personal(token):
            found = rules.pronoun_antecedent(token)
            return None if found is None else (found, True, "+pronoun-subject")
        found = spans.relative_after_comma(token)
        if found is None:
            return token, False, ""
        own = self.mapper.span_of(found)
        title = spans.title_above(found)
        if (own is None or own.label != "PERSON") and title is not None:
            found = title  # "President of Mongolia Ukhnaa Khurelsukh"
        return found, False, "+pp-relative"

    def _in_slot(
        self, etype: EventType, tok: Token, span: Span, role: str, how: str
    ) -> tuple[str | None, str]:
        """ "invested in Kazakh energy projects" names no recipient; "invest in the
        Turkestan region" names a place."""
        if spans.modifier_of(span, tok):
            return None, how
        if role in RECIPIENTS and etype.role("Place") is not None:
            if spans.region(span, self.text, self.mapper.region_words):
                return "Place", f"{how}+region-place" if how else "region-place"
        return role, how


LISTED = "listed-after-colon"  # the rule of a participant named in a list after "with:"
LIST_PREPS = frozenset({"with", "between"})
# the words that end a list item's lead: a relative clause about the one named
ITEM_ENDS = frozenset({"who", "which", "whose", "whom", "where", "when", ";", ":"})
COMPANY_SUFFIXES = frozenset(
    "ASA AS AB AG SA SE NV BV GmbH Ltd LLC LLP Inc Corp JSC PJSC plc PLC".split()
)
ITEM_TITLES = spans.PERSON_TITLES | frozenset("undersecretary executive officer ceo rector".split())


def _listed(
    run: _Run, pairs: list[tuple[_Mention, Suggestion]]
) -> list[tuple[_Mention, Suggestion]]:
    """ "X held talks with:" and a bulleted list: each item names one party of the talks
    (a press release's style) — the person after the title ("– Minister of Agriculture of
    Ethiopia Abebe Tadesse;"), or the organisations when no person is named ("– the
    management of A, B and C."); a relative clause about them names no one else."""
    if ":" not in run.text:
        return pairs  # no list after a colon (one search instead of one per meeting)
    out = []
    for mention, sugg in pairs:
        role = _party_role(mention.etype)
        if role is not None and mention.etype.name in MEETINGS:
            items = _list_items(mention)
            named = [span for item in items for span in _item_parties(run, item)]
            sugg = _with_parties(sugg, role, named)
        out.append((mention, sugg))
    return out


def _party_role(etype: EventType) -> str | None:
    """The role of the sides of an event type (Party, Participant), if it has one."""
    return next((r for r in PARTY_ROLES if etype.role(r) is not None), None)


def _with_parties(sugg: Suggestion, role: str, named: list[Span], rule: str = LISTED) -> Suggestion:
    return _with_new(sugg, [Argument(role, span, rule=rule) for span in named])


def _with_new(sugg: Suggestion, extra: Iterable[Argument]) -> Suggestion:
    """``sugg`` with each argument of ``extra`` on a span it has none on yet (one span, one
    role: the first), in text order."""
    have = {(a.span.start, a.span.end) for a in sugg.arguments}
    new = []
    for arg in extra:
        where = (arg.span.start, arg.span.end)
        if where not in have:
            have.add(where)
            new.append(arg)
    if not new:
        return sugg
    args = sorted([*sugg.arguments, *new], key=lambda a: (a.span.start, a.span.end, a.role))
    return replace(sugg, arguments=tuple(args))


BEHALF = "on-behalf"  # the rule of "signed on behalf of X by Y"
# the types whose parties sign for others ("on behalf of President Tokayev, the minister met
# the delegation": the president takes no part in the meeting)
SIGNED = frozenset({"Agreement"})


def _on_behalf(
    run: _Run, pairs: list[tuple[_Mention, Suggestion]]
) -> list[tuple[_Mention, Suggestion]]:
    """ "The document was signed on behalf of the Kazakh side by Minister X, on behalf of
    Uzbekistan by Minister Y": each side named after "on behalf of" is a party, and so is
    the one who signs for it ("by" on "behalf", where the parser hangs the later ones)."""
    if "behalf" not in run.text:
        return pairs
    out = []
    for mention, sugg in pairs:
        role = "Party" if mention.etype.name in SIGNED else None  # who is represented signs
        if role is not None and mention.etype.role(role) is not None:
            named = []
            for behalf in _behalfs(mention):
                for prep in behalf.children:
                    if prep.dep_ == "prep" and prep.lower_ in ("of", "by"):
                        for obj in prep.children:
                            if obj.dep_ == "pobj":
                                named += run.mapper.entities(obj)
            labels = mention.etype.role(role).labels
            sugg = _with_parties(sugg, role, [s for s in named if s.label in labels], BEHALF)
        out.append((mention, sugg))
    return out


def _behalfs(mention: _Mention) -> list[Token]:
    """The "behalf" words of "on behalf of" phrases that hang on the trigger (or its verb),
    also through a list of them ("on behalf of X ..., and on behalf of Y")."""
    anchors = {mention.token.i, *(v.i for v in mention.support)}
    found = []
    for tok in mention.token.sent:
        if tok.lower_ != "behalf" or tok.dep_ != "pobj" or tok.head.lower_ != "on":
            continue
        cur = tok.head
        for _ in range(4):
            if cur.i in anchors:
                found.append(tok)
                break
            if cur.dep_ not in ("conj", "prep", "agent") or cur.head.i == cur.i:
                break
            cur = cur.head
    return found


def _list_items(mention: _Mention) -> list:
    """The bulleted lines after the trigger's sentence when it ends in "with:" (or
    "between:") that hangs on the trigger or its verb; the list ends at a blank line."""
    sent = mention.token.sent
    words = [t for t in sent if not t.is_space]
    if len(words) < 2 or words[-1].text != ":" or words[-2].lower_ not in LIST_PREPS:
        return []
    if words[-2].head not in (mention.token, *mention.support):
        return []
    doc, items = mention.token.doc, []
    i = sent.end
    while True:  # line by line: the parser's sentences cut list items anywhere
        gap = doc[i - 1].whitespace_ if i > 0 else ""
        while i < len(doc) and doc[i].is_space:
            gap += doc[i].text
            i += 1
        if i >= len(doc) or doc[i].text not in BULLETS or items and gap.count("\n") > 1:
            return items
        end = i + 1
        while end < len(doc) and not (doc[end].is_space and "\n" in doc[end].text):
            if "\n" in doc[end].whitespace_:
                end += 1
                break
            end += 1
        items.append(doc[i + 1 : end])
        i = end


def _item_parties(run: _Run, item) -> list[Span]:  # noqa: ANN001
    """Who a list item names: in an item with a title, the person of each titled part
    ("Chief Executive of Jadrolinija Ivana Perić"; "Kari Nordmann, Minister of ..."), never
    what a later part is about ("..., on cooperation with Halyk Bank"); in an item without
    one, its organisations and people ("the management of A, B and C"). The item's lead ends
    before a relative clause."""
    lead = []
    for tok in item:
        if tok.lower_ in ITEM_ENDS:
            break
        lead.append(tok)
    lead = _trimmed(lead)  # "Ryosei Akazawa, with" + "whom he discussed ..."
    if not lead:
        return []
    if not any(_item_title(t) for t in lead):
        return _spans_in(run, lead, ("ORG", "PERSON"))
    people = []
    for part in _parts(lead):
        person = _part_person(run, part)
        if person is not None:
            people.append(person)
    return people


def _spans_in(run: _Run, tokens: list[Token], labels: tuple[str, ...]) -> list[Span]:
    """The entity spans of these labels that the tokens stand for and that lie within them,
    once each, in order."""
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    found: dict[tuple[int, int], Span] = {}
    for tok in tokens:
        span = run.mapper.span_of(tok)
        if span is not None and span.label in labels and start <= span.start < span.end <= end:
            found.setdefault((span.start, span.end), span)
    return list(found.values())


def _item_title(tok: Token) -> bool:
    """A title in the singular ("Minister"; "the heads of" names organisations)."""
    return tok.lemma_.lower() in ITEM_TITLES and tok.tag_ != "NNS"


def _trimmed(tokens: list[Token]) -> list[Token]:
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].pos_ == "ADP"):
        tokens = tokens[:-1]
    return tokens


def _parts(lead: list[Token]) -> list[list[Token]]:
    """A lead cut at its commas and at an "and" before another title ("Minister X and Chief
    Executive Officer of Y Z")."""
    parts: list[list[Token]] = [[]]
    for k, tok in enumerate(lead):
        nxt = lead[k + 1 : k + 3]
        titled_next = any(_item_title(t) for t in nxt) and all(
            t.lower_ == "the" or _item_title(t) or t.pos_ == "ADJ" for t in nxt[:1]
        )
        if tok.text == "," or tok.lower_ == "and" and titled_next:
            parts.append([])
        else:
            parts[-1].append(tok)
    return [t for p in parts if (t := _trimmed(p))]


def _part_person(run: _Run, part: list[Token]) -> Span | None:
    """The person one part of an item names: the model's person in it, else the name at
    the end of its title; none for a part without a person's title or name."""
    people = _spans_in(run, part, ("PERSON",))
    if people:
        return people[-1]
    if not any(_item_title(t) for t in part):
        return None
    return _titled_name(run, part)


def _titled_name(run: _Run, lead: list[Token]) -> Span | None:
    """The name at the end of a title ("Minister of Fisheries of Norway Kari Nordmann"):
    its last two words (a hyphenated given name is one), three right after the title word
    ("President Nataša Pirc Musar"); none when those words are a place or an organisation
    ("Minister of Foreign Affairs of Saudi Arabia", "Director General of the World Trade
    Organization")."""
    words: list[list[Token]] = []  # words as token runs: "Kassym-Jomart" is one
    for tok in reversed(lead):
        if tok.is_space:
            continue  # "Kari" NBSP "Nordmann"
        if words and (tok.text == "-" or words[-1][0].text == "-") and not tok.whitespace_:
            words[-1].insert(0, tok)
            continue
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper() or tok.lemma_.lower() in ITEM_TITLES:
            break
        words.append([tok])
        if len(words) == 3:
            break
    if len(words) < 2:
        return None
    if len(words) == 3:
        before = words[2][0].i - 1
        titled = before >= lead[0].i and lead[0].doc[before].lemma_.lower() in ITEM_TITLES
        if not titled:
            words = words[:2]
    tokens = [t for w in words for t in w]
    if any(not _person_word(run, t) for t in tokens):
        return None
    first, last = words[-1][0], words[0][-1]
    return Span(first.idx, last.idx + len(last.text), "PERSON")


def _person_word(run: _Run, tok: Token) -> bool:
    """A word that can be part of a person's name: no place of the gazetteer, no word of a
    place entity, no organisation word or company suffix."""
    if tok.i in run.mapper.gaz_at or tok.lower_ in spans.ORG_WORDS or tok.text in COMPANY_SUFFIXES:
        return False
    ent = run.mapper.ent_at[tok.i]
    return ent is None or ent.label_ not in ("GPE", "LOC", "FAC")


AT_WHICH = "at-which"  # the rule prefix of what a meeting lends to "at which X was discussed"


def _at_which(pairs: list[tuple[_Mention, Suggestion]]) -> list[tuple[_Mention, Suggestion]]:
    """ "a meeting of X with Y, at which trade was discussed": what is done at a meeting
    (a relative clause "at which", "during which" on the meeting noun) has its
    participants, place and time."""
    by_token = {m.token.i: k for k, (m, _s) in enumerate(pairs)}
    out = list(pairs)
    for mention, sugg in pairs:
        if mention.etype.role("Participant") is None or mention.token.pos_ not in spans.NOMINAL:
            continue
        for verb in mention.token.children:
            if verb.dep_ != "relcl" or not _at_which_clause(verb):
                continue
            j = by_token.get(verb.i)
            if j is None:
                continue
            other, theirs = out[j]
            roles = ("Participant", "Place", "Time")
            out[j] = (other, _lend(theirs, sugg, other.etype, roles, AT_WHICH))
    return out


def _at_which_clause(verb: Token) -> bool:
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("at", "during"):
            if any(c.dep_ == "pobj" and c.lower_ == "which" for c in prep.children):
                return True
    return False


ATTENDING = frozenset({"attend", "chair", "co-chair", "cochair"})


def _deep_attended(noun: Token, triggers: dict) -> list[Token]:
    """ "a meeting on preparations for the heating season attended by X, Y and Z": the
    parser hangs the participle on the last noun of the meeting's phrase; who attends or
    chairs (a "by" phrase) takes part in the meeting."""
    out, stack = [], [(c, 1) for c in noun.children if c.dep_ == "prep"]
    while stack:
        prep, depth = stack.pop()
        for obj in prep.children:
            if obj.dep_ != "pobj" or obj.i in triggers:
                continue  # "the meeting on the preparation of the summit chaired by X"
            for child in obj.children:
                if child.dep_ == "acl" and child.lemma_.lower() in ATTENDING:
                    if child.tag_ == "VBN" and any(c.dep_ == "agent" for c in child.children):
                        out.append(child)
                elif child.dep_ == "prep" and depth < 3:
                    stack.append((child, depth + 1))
    return out


def _meeting_verb(mention: _Mention) -> Token | None:
    """The verb above a meeting (or call) noun in an "at"/"during" phrase."""
    noun = mention.token
    if noun.dep_ != "pobj" or noun.head.lower_ not in AT_PREPS:
        return None
    if mention.etype.role("Participant") is None:
        return None
    return rules.verb_above(noun.head)


def _lend(
    to: Suggestion, source: Suggestion, etype: EventType, roles: tuple, prefix: str = "at-event"
) -> Suggestion:
    """Roles of ``source`` that ``to`` lacks and its type has, marked "at-event:" (or
    ``prefix``)."""
    have = {a.role for a in to.arguments}
    extra = [
        Argument(a.role, a.span, rule=f"{prefix}:{a.rule}")
        for a in source.arguments
        if a.role in roles and a.role not in have and etype.role(a.role) is not None
    ]
    return _with_new(to, extra)


def _sides_subject(mention: _Mention) -> bool:
    """ "the two sides agreed", "the parties signed": a subject that names the parties of a
    meeting only by description."""
    for tok in (mention.token, *mention.support):
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.lemma_.lower() in SIDES:
                return child.tag_ == "NNS" or any(c.lower_ == "both" for c in child.children)
    return False


def _lend_partners(to: Suggestion, meeting: Suggestion, role: str) -> Suggestion:
    extra = [
        Argument(role, a.span, rule=f"sides-of-meeting:{a.rule}")
        for a in meeting.arguments
        if a.role == "Participant"
    ]
    return _with_new(to, extra)


def _lend_subjects(meeting: Suggestion, source: Suggestion) -> Suggestion:
    """The parties or participants of what was done at a meeting that has none take part."""
    if any(a.role == "Participant" for a in meeting.arguments):
        return meeting
    extra = [
        Argument("Participant", a.span, rule=f"at-event-subject:{a.rule}")
        for a in source.arguments
        if a.role in SUBJECT_ROLES and "subj" in a.rule
    ]
    return _with_new(meeting, extra)


def _not_indicator(text: str, span: Span) -> bool:
    words = text[span.start : span.end].lower().split()
    return bool(words) and words[-1] in rules.NOT_INDICATORS


def _continues(mention: _Mention, sugg: Suggestion) -> bool:
    """ "discussed", "exchanged views" with no place: talk that need not be a meeting."""
    if any(a.role == "Place" for a in sugg.arguments) or mention.support:
        return False
    if mention.token.lemma_.lower() in rules.FACE_TO_FACE:
        return False  # "met", "received": a meeting, whatever came before
    token = mention.token
    return token.pos_ == "VERB" or token.dep_ == "dobj" and token.head.pos_ == "VERB"


def _receiving(verb: Token) -> bool:
    return verb.lemma_.lower() in rules.RECEIVING and not rules.has_passive_subject(verb)


def _lent(slot: str, kind: int) -> bool:
    """Which slots of a verb around a noun trigger count for the noun."""
    if kind == GOVERNING:
        return slot in GOVERNING_SLOTS
    if kind != TRIGGER and slot in ("object", "modifier", "poss", "attr"):
        return False  # a support verb's object is the trigger itself
    if kind >= SHARED and slot == "on":
        return False
    return not (kind == AROUND and slot in ("subject", "agent"))  # only places and dates


def _voice(slot: str, verb: Token, passive: bool) -> str:
    """Logical slots: the "by" agent of a passive is the subject, its subject the object."""
    if slot == "agent" and verb.pos_ in rules.VERBAL:
        return "subject"
    if passive and slot == "subject":
        return "object"
    if passive and slot == "object":
        return "attr"  # headline "X appointed Vice Minister"
    return slot


def _lexicon(schema: EventSchema) -> _Lexicon:
    """Trigger word (lemma or form) -> [(type, as a verb)]."""
    out: _Lexicon = {}
    for etype in schema.types.values():
        verbs = list(etype.verbs)
        for word in verbs + _british_forms(verbs):
            out.setdefault(word, []).append((etype.name, True))
        for word in etype.nouns:
            out.setdefault(word, []).append((etype.name, False))
    return out


def _phrases(schema: EventSchema) -> _Phrases:
    """First word of a trigger phrase -> [(its words, index of the trigger word, type)]."""
    out: _Phrases = {}
    for etype in schema.types.values():
        for phrase in etype.phrases:
            out.setdefault(phrase.words[0], []).append((phrase.words, phrase.head, etype.name))
    return out


def _british_forms(verbs: list[str]) -> list[str]:
    """ "totalled", "travelling": the lemmatizer misses the doubled l of British spelling."""
    doubled = [v for v in verbs if v.endswith("l") and v[-2:-1] in "aeiou"]
    return [v + ending for v in doubled for ending in ("led", "ling")]


def _hyphen_start(token: Token) -> int:
    """ "co-finance" is tokenised co / - / finance: the trigger is the whole word."""
    doc, i = token.doc, token.i
    if i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_:
        if not doc[i - 2].whitespace_ and doc[i - 2].is_alpha:
            return doc[i - 2].idx
    return token.idx


def _title_case(sent) -> bool:  # noqa: ANN001
    """Headlines in Title Case capitalise even the verb, so capitals say nothing there."""
    return sent.root.is_title and not sent.root.is_sent_start


def _unique(suggestions: list[Suggestion]) -> list[Suggestion]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for s in sorted(suggestions, key=lambda s: (s.span.start, s.span.label)):
        key = (s.span.start, s.span.end, s.span.label)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out
