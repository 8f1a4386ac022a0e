"""Dependency rules behind the event suggester: slots, verbs around a trigger, attributes.

English-specific syntax lives here (which verbs pass their object on as the subject of an
infinitive, what a headline participle means); what counts as an event lives in the schema.
Everything works on a parsed spaCy ``Doc`` (parser, tagger, lemmatizer).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from annotator.core.schema import ANY_SPAN, NAMED_SLOTS, Attribute, EventType, Role
from annotator.suggest.event_spans import GROUP_NOUNS, NOMINAL, RELATIVE
from annotator.suggest.parse_lists import Parse

VERBAL = frozenset({"VERB", "AUX"})
OBJECT_CONTROL = frozenset("invite ask urge instruct encourage allow help request".split())
# light verbs whose subject is the one who gets: "Uzbekistan received a loan", "the region
# attracted investment", "X received a letter from Y"
RECEIVING = frozenset("receive get obtain attract secure accept".split())
VALUE_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
# verbs of reporting whose speaker news may put after them ("..., informs the press service")
# or on a noun before them ("..., the Akorda press service reported on Monday")
REPORTING = frozenset(
    "inform report say state note announce tell add confirm stress emphasize emphasise "
    "explain write".split()
)
# reporting verbs that report only without a direct object ("add capacity" reports nothing)
CLAUSE_REPORTS = frozenset({"add"})
# verbs of agreeing to what their object names ("accepted the invitation", "would not accept
# a price"); a counted object is a receipt, no agreement ("accepted 40 applications")
ACCEPTING = frozenset({"accept"})
# nouns of the act done to a document: "the signing of the agreement" is the agreement's event
ACT_NOUNS = frozenset({"signing", "ratification", "signature"})
# prepositions of a topic phrase after an event noun ("talks on the tariff for electricity")
TOPIC_PREPS = frozenset({"on", "for", "of", "about", "over"})
# verbs that say an event took place
HAPPENING = frozenset(
    "hold begin start conduct organise organize continue end launch resume".split()
)
# prepositions between an event noun and the noun its relative clause hangs on
STRAY_PREPS = TOPIC_PREPS | {"to"}
# verbs of meeting in person: never the continuation of a phone call
FACE_TO_FACE = frozenset({"meet", "receive", "host", "welcome"})
# an indicator these words head is no economic indicator (the cost of one project)
NOT_INDICATORS = frozenset({"cost", "costs"})
# "the newly appointed ambassador": a participle that reports a recent event
RECENT = frozenset({"newly", "recently", "just"})
_QUOTES_AND_COMMAS = frozenset({",", "”", '"', "’", "'", "»"})

# slot of a child of the anchor, by its dependency label
_ONE_STEP = {
    "nsubj": "subject",
    "dobj": "object",
    "nsubjpass": "object",
    "dative": "object",
    "oprd": "attr",
    "attr": "attr",
    "poss": "poss",
    "compound": "modifier",
    "amod": "modifier",
    "nmod": "modifier",
    "nummod": "modifier",
    "npadvmod": "any",
    "tmod": "any",
}
# the object first: "raise [trade] to $45 billion" gives the indicator before the subject
SLOT_ORDER = ("object", "subject", "agent", "attr", "poss", "modifier", "prep", "worth", "any")
_RANK = {s: i for i, s in enumerate(SLOT_ORDER)}
_ANCHOR_POS = frozenset({"VERB", "AUX", "NOUN", "PROPN"})


@dataclass(frozen=True)
class SlotFill:
    slot: str  # "subject", "object", a preposition ...
    token: Token
    source: int  # 0 the trigger, 1 a support verb, 2 a verb it shares, 3 a verb around it,
    # 4 the verb of the prepositional phrase the trigger is in
    rule: str = ""  # how the slot was found: recorded in Argument.rule


# prefix of the rule name by where the slot hangs (none on the trigger itself)
SOURCE_PREFIX = ("", "support-verb:", "shared-verb:", "around-verb:", "pp-governing-verb:")


def slot_rule(slot: str, logical: str, arg: Token) -> str:
    """A short stable name for how an argument token fills a slot."""
    if slot == "agent":
        name = "by-agent-passive"
    elif slot == "subject":
        name = "subj-active" if logical == "subject" else "subj-headline-passive"
    elif slot == "object":
        name = "subj-passive" if arg.dep_ == "nsubjpass" else "obj"
    elif slot == "any":
        name = "adverbial"
    elif slot in NAMED_SLOTS:
        name = slot
    else:
        name = f"pp-{slot}"
    if arg.lower_ in RELATIVE and arg.head.dep_ == "relcl":
        name = "relcl-subject" if arg.dep_ in ("nsubj", "nsubjpass") else "relcl-object"
    return name


def slot_index(doc: Doc, parse: Parse | None = None) -> dict[int, list[tuple[str, Token]]]:
    """anchor token index -> [(slot, argument token)] in slot priority order.

    One pass over the parse (a DependencyMatcher with a pattern per slot did the same at
    about ten times the cost): a child is a slot of its head, the object of a preposition
    ("in Astana"), of the passive "by" (agent) or of "worth" a slot of the word above.
    The pass reads the parse's lists (``parse``: made here if not given); a Token is made
    only for a token that fills a slot.
    """
    p = parse if parse is not None else Parse(doc)
    pos = p.pos
    found: dict[int, list[tuple[int, str, Token]]] = {}
    for i in range(len(pos)):
        pairs = _slots_of(doc, p, i)
        tok = doc[i] if pairs else None
        for anchor, slot in pairs:
            if pos[anchor] in _ANCHOR_POS:
                found.setdefault(anchor, []).append((_RANK.get(slot, _RANK["prep"]), slot, tok))
    out: dict[int, list[tuple[str, Token]]] = {}
    for anchor, fills in found.items():
        # slot rank, then token order (the pass met the tokens in order: a stable sort)
        fills.sort(key=lambda f: f[0])
        out[anchor] = [(slot, tok) for _rank, slot, tok in fills]
    return out


def _slots_of(doc: Doc, p: Parse, i: int) -> list[tuple[int, str]]:
    """(anchor, slot) pairs token ``i`` fills as an argument."""
    head, dep, lower = p.head, p.dep, p.lower
    h, d = head[i], dep[i]
    if h == i:
        return []
    slot = _ONE_STEP.get(d)
    if d == "dative" and p.pos[i] == "ADP":
        slot = None  # "sent a letter to X": X is the "to" slot
    out = [] if slot is None else [(h, slot)]
    above = head[h]
    if above == h or d not in ("pobj", "pcomp") and lower[h] != "worth":
        return out
    return out + _slots_above(doc, p, i, h, above)


def _slots_above(doc: Doc, p: Parse, i: int, h: int, above: int) -> list[tuple[int, str]]:
    """The slots token ``i`` fills on the word above its head ``h`` (a preposition's)."""
    head, dep, lower, d = p.head, p.dep, p.lower, p.dep[i]
    out: list[tuple[int, str]] = []
    if d in ("pobj", "pcomp") and dep[h] in ("prep", "dative"):  # "lend to X"
        if "according" not in (lower[h], lower[above]):
            out.append((above, lower[h]))
        if d == "pobj" and dep[above] in ("prep", "advmod") and head[above] != above:
            if _stacked(doc[above], doc[h]):
                out.append((head[above], lower[h]))  # "In Dushanbe on Friday was held"
    if d == "pobj" and lower[h] == "with" and lower[above] in INSTRUMENTS:
        if _instrument(doc[above]):
            out.append((head[head[above]], "with"))  # "spoke by telephone with X"
    if d == "pobj" and dep[h] == "agent":
        out.append((above, "agent"))
    if lower[h] == "worth" and dep[h] in ("amod", "prep") and d in ("npadvmod", "pobj"):
        out.append((above, "worth"))
    return out


# -- roles -----------------------------------------------------------------------------------


def pure_span(role: Role) -> bool:
    return role.labels == frozenset({ANY_SPAN})


def role_for(etype: EventType, slot: str, lemma: str, label: str) -> str | None:
    """The first role of the slot whose labels take an entity label.

    A preposition the type does not list ("since 2005") falls back to the ``any`` roles.
    """
    names = etype.slot_roles(slot, lemma)
    if slot not in NAMED_SLOTS and slot != "worth":
        # also when none of the preposition's roles takes the label: "by 2030"
        names = (*names, *etype.slot_roles("any", lemma))
    for name in names:
        role = etype.role(name)
        if role is not None and not pure_span(role) and label in role.labels:
            return name
    return None


def span_role(etype: EventType, slot: str, lemma: str) -> tuple[str, bool] | None:
    """A free-text role the slot fills with a phrase: (role, whole phrase?)."""
    for name in etype.slot_roles(slot, lemma):
        role = etype.role(name)
        if role is not None and pure_span(role):
            return name, slot in ("attr", "as")
    return None


# -- subjects and governors --------------------------------------------------------------------


def has_passive_subject(verb: Token) -> bool:
    return any(c.dep_ == "nsubjpass" for c in verb.children)


def has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj") for c in verb.children)


def inherited_subject(verb: Token) -> Token | None:
    """The subject a verb shares: "met ... and agreed", "plans to visit", "invited X to visit"."""
    cur = verb
    for _ in range(4):
        subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and cur is not verb:
            return subj
        if cur.dep_ == "conj" and cur.head.pos_ in VERBAL:
            cur = cur.head
        elif _controlled(cur) and cur.head.pos_ in VERBAL | {"ADJ"}:
            gov = cur.head
            obj = next((c for c in gov.children if c.dep_ == "dobj"), None)
            if gov.lemma_ in OBJECT_CONTROL and obj is not None:
                return obj
            cur = gov
            if gov.pos_ == "ADJ" and gov.dep_ == "acomp":
                cur = gov.head
        else:
            return None
    return None


def inverted_report(verb: Token) -> bool:
    """ "..., informs the press service of the Ministry": a reporting verb after a comma,
    without a subject, whose object is the speaker (translated and wire style)."""
    if verb.lemma_.lower() not in REPORTING or verb.tag_ not in ("VBZ", "VBD", "VBP"):
        return False
    if verb.i == 0 or verb.doc[verb.i - 1].text not in _QUOTES_AND_COMMAS:
        return False
    objs = [c for c in verb.children if c.dep_ == "dobj"]
    # a name or a body ("the press service"), not "told journalists"
    named = any(o.pos_ == "PROPN" or o.lemma_.lower() in GROUP_NOUNS for o in objs)
    return named and not has_subject(verb)


def reports(noun: Token) -> bool:
    """ "..., the Akorda press service reported": the noun a reporting participle hangs on."""
    return any(reporting_acl(c) for c in noun.children)


def reporting_acl(verb: Token) -> bool:
    if verb.dep_ != "acl" or verb.lemma_.lower() not in REPORTING or has_subject(verb):
        return False
    noun = verb.head
    before = noun.left_edge.i - 1
    return before >= 0 and noun.doc[before].text in _QUOTES_AND_COMMAS and noun.pos_ in NOMINAL


def reporter(verb: Token, in_entity) -> tuple[Token | None, str]:  # noqa: ANN001
    """Who speaks when a reporting verb has no subject: the noun it hangs on ("..., the
    press service reported"), or the name right before it, past a relative clause ("...,
    Akim Darkhan Satybaldy, who attended the signing, told journalists")."""
    if verb.lemma_.lower() not in REPORTING:
        return None, ""
    if reporting_acl(verb):
        return verb.head, "reporting-acl"
    doc, j = verb.doc, verb.i - 1
    while j > verb.sent.start and doc[j].is_punct:
        j -= 1
    clause = doc[j]
    while clause.dep_ != "relcl" and clause.head.i != clause.i and clause.head.i < verb.i:
        clause = clause.head
    name = clause.head if clause.dep_ == "relcl" else doc[j]
    if name.pos_ == "PROPN" and in_entity(name) and name.right_edge.i < verb.i:
        return name, "subj-left"
    return None, ""


def _controlled(verb: Token) -> bool:
    """An infinitive or participle without its own subject: "plans to visit", "saying"."""
    if verb.dep_ == "xcomp":
        return True
    to = any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)
    return verb.dep_ == "advcl" and (verb.tag_ == "VBG" or to)


def headline_passive(verb: Token, predicative: bool) -> bool:
    """ "Kudaibergenov appointed Vice Minister": a headline participle without auxiliary is
    passive. ``predicative``: the event type takes a predicate noun ("attr" slot), so an
    object after such a verb in a headline is that predicate."""
    deps = {c.dep_ for c in verb.children}
    if verb.dep_ != "ROOT" or deps & {"aux", "auxpass"} or verb.tag_ not in ("VBN", "VBD"):
        return False
    if "dobj" not in deps:
        return verb.tag_ == "VBN" or "oprd" in deps
    headline = not any(t.text in ".!?" for t in verb.sent)
    return predicative and headline and "nsubj" in deps


def governors(token: Token, deps: frozenset[str]) -> list[Token]:
    """Words above a trigger that govern it: "plan to [visit]", "goal of [increasing]"."""
    out, cur = [], token
    for _ in range(5):
        if cur.dep_ not in deps or cur.head is cur:
            break
        cur = cur.head
        out.append(cur)
    return out


MODAL_DEPS = frozenset({"xcomp", "acl", "pcomp", "pobj", "prep", "conj", "acomp", "advcl"})
NEG_DEPS = frozenset({"xcomp"})


def negated(base: list[Token], attr: Attribute) -> bool:
    """Negation cues flip the polarity: "did not sign", "failed to agree", "not refusing to pay"."""
    cues, verbs = set(attr.cues.get("cues", ())), set(attr.cues.get("verbs", ()))
    flips = 0
    words = [*base, *(g for t in base[:1] for g in governors(t, NEG_DEPS))]
    for tok in dict.fromkeys(words):
        if tok.lemma_.lower() in verbs and tok not in base:
            flips += 1  # "failed to agree"
        if any(c.dep_ == "neg" or c.dep_ == "det" and c.lower_ in cues for c in tok.children):
            flips += 1  # "did not sign", "no agreement"
        args = (c for c in tok.children if c.dep_ in ("nsubjpass", "dobj") and c.pos_ in NOMINAL)
        if any(d.dep_ == "det" and d.lower_ in cues for a in args for d in a.children):
            flips += 1  # "no date was announced"
    trigger = base[0]
    if trigger.dep_ == "pobj" and trigger.head.lower_ in cues:
        flips += 1  # "without protocol"
    return flips % 2 == 1


def modality(base: list[Token], attr: Attribute) -> str:
    """The last value (strongest) whose cue words govern the trigger, else the default."""
    above = [g for t in base for g in governors(t, MODAL_DEPS)]
    words = {g.lemma_.lower() for g in above}
    words |= {c.lemma_.lower() for c in base[0].children if c.dep_ == "amod"}  # "upcoming"
    for tok in (*base, *above):
        words |= {c.lemma_.lower() for c in tok.children if c.dep_ in ("aux", "mark")}
        if (
            tok.pos_ == "VERB"
            and tok.dep_ == "ROOT"
            and any(c.dep_ == "aux" and c.tag_ == "TO" for c in tok.children)
        ):
            words.add("will")  # headline infinitive: "EBRD to lend $150 million"
    for value in reversed(attr.values):
        if words & set(attr.cues.get(value, ())):
            return value
    return attr.default


# -- verbs around a noun trigger -------------------------------------------------------------


def support_verbs(noun: Token, topic_of_event: bool = False) -> list[Token]:
    """Verbs whose object the noun is: "held talks", "talks were held", "talks held in".
    ``topic_of_event``: the noun is the topic of an event noun ("talks on a protocol"), whose
    stray relative clauses are the event's."""
    first = noun
    while first.dep_ == "conj" and first.head.pos_ in NOMINAL:
        first = first.head  # "sign a roadmap and an agreement"
    out = []
    if first.dep_ in ("dobj", "nsubjpass", "nsubj") and first.head.pos_ in VERBAL:
        # "consultations will continue", "agreements are expected to be signed"
        verb = first.head
        while verb.dep_ in ("aux", "auxpass") and verb.head.pos_ in VERBAL and verb.head != verb:
            verb = verb.head  # "the forum was co-chaired by": parsed as the subject of "was"
        out += with_complements(verb)
    stray = [] if topic_of_event else _stray_relatives(noun)
    out = stray + out + _taking_part(noun)  # the noun's own clause first
    for child in noun.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ in VERBAL:
            if _takes_part(child) and any(
                p.lower_ == "in" and any(relative(o) for o in p.children) for p in child.children
            ):
                out.append(child)  # "a meeting, in which took part X, Y and Z"
                continue
            subj = next((c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subj is None and child.tag_ == "VBN" or subj is not None and relative(subj):
                # "the agreements reached", "the meeting, which will be held"
                out += with_complements(child)
    return out


def _stray_relatives(noun: Token) -> list[Token]:
    """ "Talks on the tariff for electricity, which were held in Almaty in February": the
    parser hangs the relative clause on the nearest noun; a clause that says an event
    happened belongs to the event noun the phrase starts with."""
    out, stack = [], [(noun, 0)]
    while stack:
        tok, depth = stack.pop()
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in STRAY_PREPS and depth < 4:
                stack += [(o, depth + 1) for o in child.children if o.dep_ == "pobj"]
            elif depth > 0 and child.dep_ == "relcl" and child.lemma_.lower() in HAPPENING:
                subj = [c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")]
                if subj and subj[0].lower_ in ("which", "that"):
                    out += with_complements(child)
    return out


def _takes_part(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    if lemma == "participate":
        return True
    return lemma == "take" and any(c.lower_ == "part" for c in verb.children)


def _taking_part(noun: Token) -> list[Token]:
    """ "Delegations from A, B and C took part in the forum": the verb of "take part in" and
    "participate in" lends its subject to the event noun."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "in":
        return []
    head = prep.head
    if head.lower_ == "part" and head.head.lemma_.lower() == "take":
        head = head.head  # "in" hung on "part"
    return [head] if head.pos_ in VERBAL and _takes_part(head) else []


def with_complements(verb: Token) -> list[Token]:
    """The verb and the infinitives it governs: "is expected to [take] place"."""
    out = [verb]
    for child in verb.children:
        if child.dep_ == "xcomp" and child.pos_ in VERBAL:
            out += with_complements(child)
    return out


def recent(token: Token) -> bool:
    return any(c.lower_ in RECENT for c in token.children)


def relative(token: Token) -> bool:
    return token.lower_ in RELATIVE


def sole_object(verb: Token, noun: Token) -> bool:
    """A verb with a second object ("totalled $6.4 billion, an increase") is not support."""
    objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    # "the agreement, which was signed": the relative pronoun stands for the noun
    return all(o.i == noun.i or o.head.i == noun.i or relative(o) for o in objs)


def sharing_verbs(noun: Token) -> list[Token]:
    """ "arrived in Astana on a state visit": the visit shares the arrival's participants."""
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ == "on" and prep.head.pos_ in VERBAL:
        return [prep.head]
    return []


def governing_verbs(noun: Token) -> list[Token]:
    """ "after talks in the capital, X flew ...", "at the meeting in Astana on Monday, X
    said": the verb a nominal event hangs on by a preposition lends its places and dates."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ in ("on", "of"):
        return []
    return [prep.head] if prep.head.pos_ == "VERB" else []


def of_object(noun: Token) -> Token | None:
    """ "a meeting of the commission": the object of the noun's "of"."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def clause_verbs(token: Token) -> list[Token]:
    """Verbs of the participle or relative clauses on a noun, with their infinitives:
    "the commission, which is expected to take place in Tashkent"."""
    out = []
    for child in token.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ in VERBAL:
            out += with_complements(child)
    return out


def controllers(verb: Token) -> list[Token]:
    """Verbs above an infinitive lend their dates: "In 2025, they plan to raise ..."."""
    return [g for g in governors(verb, frozenset({"xcomp"})) if g.pos_ in VERBAL]


def misread_verb(token: Token) -> bool:
    """A sentence-final verb tagged as a plural noun: "..., the Akorda press service reports."."""
    if token.pos_ != "NOUN" or token.tag_ != "NNS" or token.i + 1 >= len(token.doc):
        return False
    return token.dep_ in ("ROOT", "appos", "conj") and token.doc[token.i + 1].text == "."


def verb_above(token: Token) -> Token | None:
    """The first verb above a phrase ("sign a protocol on the crossing by trucks [at] the
    talks"): up through prepositions, nouns and their coordination, never past a clause."""
    cur = token
    for _ in range(8):
        if cur.head is cur:
            return None
        if cur.dep_ not in ("prep", "pobj", "conj", "dobj", "nsubjpass", "compound", "appos"):
            return None
        cur = cur.head
        if cur.pos_ == "VERB":
            return cur
    return None


def reports_only(verb: Token) -> bool:
    """ "said at the meeting": a verb of saying does not make its speaker a participant."""
    return verb.lemma_.lower() in REPORTING


# personal pronouns that stand for one person named earlier in the sentence
PERSONAL = frozenset({"he", "she"})
_CLAUSE_UP = frozenset({"advcl", "relcl", "ccomp", "conj", "xcomp", "acl", "parataxis"})


def personal(token: Token) -> bool:
    return token.lower_ in PERSONAL and token.tag_ == "PRP"


def pronoun_antecedent(pron: Token) -> Token | None:
    """ "Tokayev spoke with X, with whom he discussed ...", "Mirziyoyev reiterated the target
    when he spoke ...": "he" as a subject is the (non-pronoun) subject of the nearest clause
    above it in the same sentence, if that subject comes before it."""
    cur = pron.head
    if cur.dep_ not in _CLAUSE_UP:
        return None
    for _ in range(8):
        if cur.head is cur or cur.pos_ in VERBAL and cur.dep_ not in _CLAUSE_UP | {"ROOT"}:
            return None
        cur = cur.head
        if cur.pos_ not in VERBAL:
            continue  # a relative clause on a noun: up to the verb of that noun
        subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.i < pron.i:
            return None if subj.tag_ == "PRP" else subj
    return None


# means of a call: "spoke by telephone with X" hangs "with X" on the means
INSTRUMENTS = frozenset({"telephone", "phone", "videoconference", "video", "videolink"})


def _instrument(noun: Token) -> bool:
    prep = noun.head
    return (
        noun.lower_ in INSTRUMENTS
        and noun.dep_ == "pobj"
        and prep.lower_ in ("by", "via", "over")
        and prep.head.pos_ == "VERB"
    )


# adverbs a date phrase hangs on instead of the verb: "Earlier on Monday, X met"
TIME_ADVERBS = frozenset({"earlier", "later"})


def _stacked(above: Token, prep: Token) -> bool:
    """A phrase hung on a fronted preposition ("In Dushanbe [on Friday] was held") or on a
    time adverb ("Earlier [on Monday]", but not the vague "later in the day") belongs to the
    verb above them."""
    if above.dep_ == "prep" and above.pos_ == "ADP" and above.head.pos_ in VERBAL:
        return above.i < above.head.i and above.i == above.sent.start
    return above.dep_ == "advmod" and above.lower_ in TIME_ADVERBS and prep.lower_ == "on"


def when_date(verb: Token) -> Token | None:
    """The date a "when" clause hangs on: "in February, when the sides are expected to
    [sign]" -> February (through infinitives and passives up to the clause verb)."""
    cur = verb
    for _ in range(4):
        if any(c.dep_ == "advmod" and c.lower_ == "when" for c in cur.children):
            if cur.dep_ != "relcl":
                return None
            date = cur.head
            while date.ent_type_ and date.head.ent_type_ == date.ent_type_ and date.head != date:
                date = date.head  # "the first half of 2026": to "half"
            return date
        if cur.dep_ not in ("xcomp", "conj") or cur.head is cur:
            return None
        cur = cur.head
    return None


def topic_head(noun: Token) -> Token | None:
    """ "Talks on [a protocol]": the noun whose topic phrase the noun is in."""
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ in TOPIC_PREPS and prep.head.pos_ in NOMINAL:
        return prep.head
    return None


# acts of speech a speaker adds after a reported clause: "X said that ..., and invited Y"
SPEECH_ACTS = REPORTING | frozenset(
    "invite ask urge call propose suggest thank express stress underline reiterate".split()
)


def report_conj_subject(verb: Token) -> Token | None:
    """ "X said that investment had grown by 35%, and invited companies to ...": the parser
    coordinates the second act of speech with the verb of the reported clause; its subject
    is the speaker's."""
    head = verb.head
    if verb.dep_ != "conj" or verb.lemma_.lower() not in SPEECH_ACTS or head.dep_ != "ccomp":
        return None
    report = head.head
    if report.lemma_.lower() not in REPORTING:
        return None
    return next((c for c in report.children if c.dep_ == "nsubj"), None)


def side_agent(verb: Token) -> Token | None:
    """ "From the Kazakh side was proposed ...", "By the Kazakh side was informed ...":
    translated passives name who acts by "from"/"by" a side."""
    if not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
            for obj in prep.children:
                if obj.dep_ == "pobj" and obj.lemma_.lower() in GROUP_NOUNS:
                    return obj
    return None
