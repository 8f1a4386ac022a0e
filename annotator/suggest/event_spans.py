"""Which text spans an argument token stands for: entities, names and free phrases.

English-specific: which nouns name a group ("Korean companies"), a person by title ("the
Kyrgyz leader") or an actor by proxy ("by decree of the Head of State"). Works on a parsed
spaCy ``Doc`` with entities.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from collections.abc import Iterator

from spacy.tokens import Doc, Token

from annotator.core.models import Span
from annotator.core.paths import resources_dir
from annotator.core.schema import ANY_SPAN
from annotator.suggest.parse_lists import Parse

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
# titles of people sent to a country: "Ambassador of Kazakhstan to Turkmenistan"
ENVOYS = frozenset("ambassador envoy representative consul plenipotentiary".split())
# Nouns whose "of" object is who acts: "by decree of the Head of State"
PROXY_NOUNS = frozenset("decree resolution order decision invitation initiative".split())
RELATIVE = frozenset({"who", "which", "that", "whom"})
# words of a place an indicator is measured at ("traffic on the route", "catch in the region")
WHERE_NOUNS = frozenset("route corridor region district border country countries line".split())
# prepositions inside an indicator's phrase: "trade between", "exports to", "traffic on"
PHRASE_PREPS = frozenset({"of", "from", "between", "in", "to", "with", "on", "along"})
NAME_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT"})
# children that end the phrase a name or title stands for
CLAUSES = frozenset({"relcl", "acl", "advcl", "parataxis", "conj", "cc"})
CUT_DEPS = CLAUSES | {"appos"}
SEPARATORS = frozenset({",", "(", ")", ";", ":", "–", "—"})
FALLBACK_PREPS = frozenset({"of", "from", "between"})
# around an indicator also: "investments in Kazakhstan", "exports to China"
INDICATOR_PREPS = FALLBACK_PREPS | {"in", "to"}
# surnames of the region and its partners: a title-case pair ending so is a person even
# where the model saw none or glued it to an organisation ("... Irrigation Nurzhan Nurzhigitov")
SURNAME = re.compile(r"(?:ov|ev|yev|iyev|ova|eva|yeva|in|ina|uly|uly|kyzy|qizi|zoda|zade|yan|"
                     r"enko|sky|ski|bekov|baev|bayev|ko|dze|shvili|ić|vich|escu|opoulos|akis|"
                     r"idis|oglu|oğlu)$")  # fmt: skip
# an organisation named by a place for things: a destination when a role needs a place
FACILITY_WORDS = frozenset(
    "port seaport airport station terminal park plant factory hub centre center bridge "
    "railway highway palace hall stadium complex zone checkpoint crossing".split()
)
FACILITY = "fallback-facility"
UNITS = frozenset(
    "hectares hectare tonnes tonnes tons ton tonne kilometres kilometers km barrels cubic "
    "metres meters megawatts gigawatts kilowatt-hours units containers wagons passengers "
    "teu jobs heads".split()
)
PERSON_NAME = "fallback-name"
VALUE_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# where a fallback found the span: recorded in the argument's rule
GAZETTEER, CURRENCY_RULE, TITLE_NAME = "gazetteer-place", "fallback-currency", "title-name"
NAME_EXTENDED, PERCENT_RULE, FRACTION_RULE = "name-extended", "fallback-percent", "fraction"
LED_BY = "led-by"
ORG_OF_PLACE, ORG_WORD, PLACE_LED_ORG = "org-of-place", "org-word-name", "place-led-org"
REJOINED = "name-rejoined"
POSSESSOR_CUT, DESCRIPTION_CUT = "possessor-cut", "description-cut"
# words that end or head the name of an organisation, never of a person: "Georgian Railway",
# "Ministry of Energy of Kazakhstan"
ORG_WORDS = frozenset(
    "railway railways bank fund company corporation agency ministry committee holding group "
    "council organisation organization association university institute authority service "
    "survey commission foundation chamber airlines airways".split()
)
# the words that end no person's name: an organisation's or a facility's, a market's
NO_PERSON_WORDS = ORG_WORDS | frozenset(
    "centre center market exchange port seaport airport terminal park hub zone".split()
)
# a name the model cut after a function word: "the Eurasian Fund for" + "Stabilization ..."
DANGLING = frozenset({"of", "for", "and"})
PROPER_RULE = "fallback-proper-name"
SEASON_RULE, SURNAME_RULE = "fallback-season", "surname-known"
DEMONYM_RULE = "demonym-norp"
# nationality words the small model often tags ORG, PERSON or GPE ("Kazakh", "Kyrgyz"), of
# the world's countries and regions
DEMONYMS = frozenset(
    "Kazakh Kazakhstani Kyrgyz Uzbek Tajik Turkmen Afghan Azerbaijani Armenian Georgian "
    "Russian Chinese Mongolian Iranian Pakistani Indian Japanese Korean American British "
    "German French Italian Spanish Belarusian Ukrainian Turkish Qatari Emirati Saudi Kuwaiti "
    "Egyptian Israeli Hungarian Polish Austrian Swiss Dutch Belgian Czech European Asian "
    "Arab Omani Malaysian Indonesian Vietnamese Thai Singaporean Canadian Brazilian "
    "Albanian Algerian Angolan Argentine Argentinian Australian Bahraini Bangladeshi Bolivian "
    "Bosnian Bulgarian Burmese Cambodian Cameroonian Chilean Colombian Congolese Croatian "
    "Cuban Cypriot Danish Ecuadorian Estonian Ethiopian Filipino Finnish Ghanaian Greek "
    "Guatemalan Icelandic Iraqi Irish Ivorian Jordanian Kenyan Kosovar Lao Latvian Lebanese "
    "Libyan Lithuanian Macedonian Malagasy Maldivian Malian Maltese Mexican Moldovan "
    "Montenegrin Moroccan Mozambican Namibian Nepalese Nepali Nigerian Norwegian Palestinian "
    "Panamanian Paraguayan Peruvian Portuguese Romanian Rwandan Senegalese Serbian Slovak "
    "Slovenian Somali Sudanese Swedish Syrian Taiwanese Tanzanian Tunisian Ugandan "
    "Uruguayan Venezuelan Yemeni Zambian Zimbabwean African Latin Nordic Baltic Eurasian "
    "Scottish Welsh English Luxembourgish Bhutanese Bruneian Mauritanian".split()
)
DEMONYM_PAIR = "demonym-pair"  # "the Kazakh-Turkish intergovernmental commission"
# names a dash-glued word extends ("Samruk" + "-Kazyna"); not people: "the Erdogan-Aliyev
# talks" are two
GLUED_LABELS = frozenset({"ORG", "NORP", "FAC", "PRODUCT", "EVENT"})
SEASONS = frozenset({"spring", "summer", "autumn", "winter"})
SEASON_DETS = frozenset({"the", "this", "next", "last"})
WORDED_RULE = "number-words"
NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion".split()
)
# words inside a number written out: "three hundred and sixty", "four point eight", "-"
NUMBER_GLUE = frozenset({"and", "point", "-"})
VALUE_QUALIFIERS = frozenset("about almost nearly some over under around another".split())
VALUE_QUALIFIER_PAIRS = frozenset(
    {("more", "than"), ("less", "than"), ("up", "to"), ("at", "least"), ("just", "under"),
     ("just", "over"), ("no", "more")}
)  # fmt: skip
DASHES = frozenset({"–", "—", "-"})
BULLET_MARKS = frozenset({"–", "—", "-", "•", "*", "·", "▪"})
# capitalised words that name no one: months, days, words of headlines and lists
NOT_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday mr mrs ms dr".split()
)
# values and dates keep their own extent: "two thousand and six", "January–June 2025"
UNTRIMMED = VALUE_LABELS | {"DATE", "TIME"}
# "a quarter", "almost a fifth": a fraction the model reads as a date is a number
FRACTIONS = frozenset("half third quarter fifth sixth tenth".split())
# words that make "quarter" or "half" a part of a year: "the first quarter", "this half"
PERIOD_WORDS = frozenset("first second third fourth last this next previous same".split())
PERCENT_WORDS = frozenset({"percent", "%"})
# the verbs of "a delegation headed by X": X stands for the group
LEADING_VERBS = frozenset({"head", "lead"})
# "the subcommittee, which is co-chaired by X and Y": the chairs take part in what it does
CHAIRING = frozenset({"chair", "co-chair", "cochair"})
CHAIRED_BY = "chaired-by"


@functools.cache
def gazetteer() -> tuple[dict[str, str], frozenset[str]]:
    """Place name -> GPE/LOC, and the words that make a place a region ("Almaty region")."""
    path = resources_dir() / "events" / "gazetteer.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    names = {}
    for label in ("GPE", "LOC"):
        for group in data.get(label, {}).values():
            names.update(dict.fromkeys(group, label))
    return names, frozenset(data.get("region_words", ()))


@functools.cache
def currencies() -> frozenset[str]:
    """The written forms of currency codes, symbols and words: codes in capitals ("KZT"; not
    the words "cop", "pen"), words in lower case and, but for the ones that are also names
    or words when capitalised ("Dong", "Lev", "Rand"), capitalised or in capitals ("120
    Billion Tenge" in a headline)."""
    path = resources_dir() / "events" / "currencies.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    words = {w.lower() for w in data.get("words", ())}
    plain = words - {w.lower() for w in data.get("lower_case_only", ())}
    forms = {c.upper() for c in data.get("codes", ())} | set(data.get("symbols", ()))
    return frozenset(forms | words | {w.title() for w in plain} | {w.upper() for w in plain})


@functools.cache
def _gazetteer_firsts() -> frozenset[str]:
    """The first token of every gazetteer name, to look up only where a name can start."""
    out = set()
    for name in gazetteer()[0]:
        first = name.split()[0]
        for sep in "-’'.":
            first = first.split(sep)[0]
        out.add(first)
    return frozenset(out)


class SpanMapper:
    """Maps an argument token to the entity spans it stands for.

    Repairs two common slips of a small model on news, using what the same document says
    elsewhere: a name the model missed in a headline ("Sadyr Japarov arrives") that it found
    further down, and a country glued to the name after a title ("President of Türkiye
    Recep Tayyip Erdoğan" tagged as one PERSON).
    """

    def __init__(self, doc: Doc, parse: Parse | None = None) -> None:
        self.doc = doc
        self.text = doc.text
        self.parse = parse if parse is not None else Parse(doc)
        # the entity a token's span is cut from: (start, end, label, one name with "and")
        self._ents: dict[int, tuple[int, int, str, bool]] = {}
        # (start, end, label) of the cut entity -> the span (the same for each of its tokens)
        self._resolved: dict[tuple[int, int, str], Span | None] = {}
        self._alternatives: dict[Span, tuple[str, str] | None] = {}  # see alternative
        self.ent_at: list = [None] * len(doc)
        self.known: dict[str, str] = {}
        self.names, self.region_words = gazetteer()
        self.currency = currencies()
        self.places: set[str] = set(self.names)
        self.how: dict[tuple[int, int], str] = {}  # span offsets -> the fallback that made it
        self._span_at: dict[tuple[int, bool], Span | None] = {}  # see span_of
        self.gaz_at: dict[int, tuple[int, int]] = self._gazetteer_hits()
        ents = doc.ents  # made anew at each access
        self.repeated = Counter(ent.text for ent in ents)
        for ent in ents:
            for i in range(ent.start, ent.end):
                self.ent_at[i] = ent
            if ent.label_ in NAME_LABELS:
                self.known.setdefault(ent.text, ent.label_)
            if ent.label_ in ("GPE", "LOC"):
                self.places.add(ent.text)
        self.surnames: set[str] = set()  # last words of two-word names that look like surnames
        for ent in ents:  # a surname alone: "Japarov" after "Sadyr Japarov"
            if ent.label_ == "PERSON" and len(ent) > 1:
                self.known.setdefault(ent[-1].text, "PERSON")
            if ent.label_ in ("PERSON", "ORG") and len(ent) > 1 and ent[-2].is_title:
                if SURNAME.search(ent[-1].lower_):
                    self.surnames.add(ent[-1].text)
        # tokens outside an entity that its whole name takes in ("Saudi" of "Saudi" +
        # "Export-Import Bank"): they stand for the entity
        self._joined: dict[int, Span] = {}
        self._whole: set[int] = set()  # the starts of those organisations: each is one name
        self._join_names(ents)
        # token -> the "Kazakh-Turkish" its nationality word is part of (one NORP, whatever
        # the model made of it: ORG, FAC, a word of a longer entity)
        self._pairs: dict[int, Span] = self._demonym_pairs()

    def in_entity(self, token: Token) -> bool:
        return self.ent_at[token.i] is not None

    def _gazetteer_hits(self) -> dict[int, tuple[int, int]]:
        """token index -> the longest gazetteer name (token range) covering it."""
        out: dict[int, tuple[int, int]] = {}
        firsts, names = _gazetteer_firsts(), self.names
        # (token text, the space after it): a spaCy token is followed by one space or none
        words = [(w, " " if sp else "") for w, sp in zip(self.parse.text, self.parse.space)]
        for i, (word, _) in enumerate(words):
            if word not in firsts or i in out:
                continue
            best, text = 0, ""
            for n, (w, space) in enumerate(words[i : i + 6], 1):
                text += w
                if text in names:
                    best = n
                text += space
            for k in range(i, i + best):
                out[k] = (i, i + best)
        return out

    def _fallback(self, token: Token) -> Span | None:
        """A token the model left outside every entity: a place of the gazetteer, or the
        currency word of a number ("120 billion tenge", with "tenge" the argument)."""
        hit = self.gaz_at.get(token.i)
        if hit is not None:
            start, end = self._region(*hit)
            span = self.doc[start:end]
            label = self.names.get(self.doc[hit[0] : hit[1]].text, "GPE")
            return self._made(Span(span.start_char, span.end_char, label), GAZETTEER)
        if token.text in self.currency:
            for child in token.children:
                if child.dep_ in ("nummod", "compound", "quantmod") and self.in_entity(child):
                    return self.span_of(child)
        return (
            self._worded_value(token)
            or self._percent(token)
            or self._season(token)
            or self._proper(token)
        )

    def _season(self, token: Token) -> Span | None:
        """ "in the autumn", "next spring": a season the model left outside every entity."""
        if token.lower_ not in SEASONS or token.pos_ not in NOMINAL:
            return None
        start = token.i
        dets = [c for c in token.lefts if c.lower_ in SEASON_DETS]
        if dets:
            start = min(c.i for c in dets)
        span = self.doc[start : token.i + 1]
        return self._made(Span(span.start_char, span.end_char, "DATE"), SEASON_RULE)

    def _number_end(self, end: int) -> int:
        """End of a run of number words that continues a value the model cut short."""
        doc = self.doc
        while end < len(doc) and (_number_word(doc[end]) or doc[end].like_num or (
            doc[end].lower_ in NUMBER_GLUE and end + 1 < len(doc) and (
                _number_word(doc[end + 1]) or doc[end + 1].like_num))):  # fmt: skip
            end += 1
        return end

    def _worded_value(self, token: Token) -> Span | None:
        """ "twenty-eight point two billion dollars", "three hundred and sixty billion sum":
        the model tags only the first number word; the value is the whole run of number
        words with its qualifier and the currency or unit after it."""
        lower = token.lower_
        money = token.text in self.currency
        if not money and lower not in UNITS:
            return None
        start = self._number_start(token.i)
        if start == token.i or not any(_number_word(t) for t in self.doc[start : token.i]):
            return None
        start = self._qualifier_start(start)
        span = self.doc[start : token.i + 1]
        label = "MONEY" if money else "QUANTITY"
        return self._made(Span(span.start_char, span.end_char, label), WORDED_RULE)

    def _number_start(self, end: int) -> int:
        """First index of the run of number words (and digits) that ends before ``end``."""
        doc, i = self.doc, end
        while i > 0 and (_number_word(doc[i - 1]) or doc[i - 1].like_num or (
            doc[i - 1].lower_ in NUMBER_GLUE and i - 2 >= 0 and (
                _number_word(doc[i - 2]) or doc[i - 2].like_num))):  # fmt: skip
            i -= 1
        return i

    def _qualifier_start(self, start: int) -> int:
        """ "more than", "just under", "another": the qualifier before a value."""
        doc = self.doc
        while start > 0:
            word = doc[start - 1].lower_
            if start > 1 and (doc[start - 2].lower_, word) in VALUE_QUALIFIER_PAIRS:
                start -= 2
            elif word in VALUE_QUALIFIERS:
                start -= 1
            else:
                break
        return start

    def _proper(self, token: Token) -> Span | None:
        """ "KazMunayGas and SOCAR signed": a proper name the model left outside every entity
        (a company in camel case or capitals, an agency) is an organisation."""
        if token.pos_ != "PROPN" or not _name_like(token.text) or token.text in self.currency:
            return None
        if token.lemma_.lower() in PERSON_TITLES | GROUP_NOUNS | NOT_NAMES:
            return None
        first = token.is_sent_start or token.i > 0 and self.doc[token.i - 1].text in BULLET_MARKS
        if (first or _title_case_line(token)) and not _camel(token.text):
            return None  # "Trade between ...": a capital at the start says nothing
        if any(c.dep_ == "prep" and c.lower_ in INDICATOR_PREPS for c in token.children):
            return None  # "Trade between Kazakhstan and China" is no name
        lo = token.i
        while lo > 0 and self.doc[lo - 1].dep_ == "compound" and self.doc[lo - 1].pos_ == "PROPN":
            if self.in_entity(self.doc[lo - 1]) or not _name_like(self.doc[lo - 1].text):
                break
            lo -= 1
        span = self.doc[lo : token.i + 1]
        if any(t.lemma_.lower() in PERSON_TITLES for t in span):
            return None
        return self._made(Span(span.start_char, span.end_char, "ORG"), PROPER_RULE)

    def _percent(self, token: Token) -> Span | None:
        """ "to some twenty per cent" with no entity: the number, its qualifier and the
        percent words."""
        doc, end = self.doc, token.i + 1
        if not token.like_num:
            return None
        if end + 1 < len(doc) and doc[end].lower_ == "per" and doc[end + 1].lower_ == "cent":
            end += 2
        elif end < len(doc) and doc[end].lower_ in PERCENT_WORDS:
            end += 1
        else:
            return None
        if any(self.in_entity(t) for t in doc[token.left_edge.i : end]):
            return None
        span = doc[token.left_edge.i : end]
        return self._made(Span(span.start_char, span.end_char, "PERCENT"), PERCENT_RULE)

    def _made(self, span: Span, how: str) -> Span:
        self.how.setdefault((span.start, span.end), how)
        return span

    def _region(self, start: int, end: int) -> tuple[int, int]:
        """ "Kyzylorda region": a place with the administrative word that heads it."""
        p = self.parse
        if end < len(p.lower) and p.lower[end] in self.region_words:
            if p.head[end - 1] == end:
                return start, end + 1
        return start, end

    def span_of(self, token: Token, trim: bool = True) -> Span | None:
        """The entity a token belongs to, cut to the token's own phrase (remembered per
        token: it depends only on the document, which the mapper reads once)."""
        key = (token.i, trim)
        if key not in self._span_at:
            self._span_at[key] = self._span_of(token, trim)
        return self._span_at[key]

    def _span_of(self, token: Token, trim: bool) -> Span | None:
        pair = self._pairs.get(token.i)
        if pair is not None:
            return pair
        ent = self._joined.get(token.i)
        if ent is not None:
            token = ent.root
        else:
            ent = self.ent_at[token.i]
        if ent is None:
            return self._known_name(token) or self._fallback(token)
        facts = self._ents.get(ent.start)
        if facts is None:
            one = ent.start in self._whole or _one_name(ent)  # a name made whole
            facts = self._ents[ent.start] = (ent.start, ent.end, ent.label_, one)
        start, end, label, one = facts
        if trim and label not in UNTRIMMED and not one:
            lo, hi = phrase_bounds(self._name_head(token, start, end))
            start, end = max(start, lo), min(end, hi + 1)
        key = (start, end, label)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(start, end, label)
        return self._resolved[key]

    def _name_head(self, token: Token, start: int, end: int) -> Token:
        """The word of the entity (tokens start..end) that a token's phrase belongs to:
        "the", "Scientific" and "Fruit" of "the Kazakh Scientific Research Institute of
        Fruit" are the institute's (their phrases alone are no names); a list's items
        ("Kazakhstan and China") and appositions stay apart."""
        p, i = self.parse, token.i
        for _ in range(end - start):
            h = p.head[i]
            if h == i or not start <= h < end or p.dep[i] in CUT_DEPS:
                break
            if p.dep[i] == "punct" and p.text[i] in SEPARATORS:
                break
            i = h
        return token if i == token.i else self.doc[i]

    def _resolve(self, start: int, end: int, label: str) -> Span | None:
        """The span of an entity's tokens start..end (cut to a token's phrase): extents
        and labels repaired (it depends on nothing else)."""
        how = ""
        if label != "NORP" and self._pair_led_body(start, end):
            return None  # "the Kazakh-Turkish" + "commission": the pair is the name
        if label == "DATE":
            start, end = self._date_range(start, end)
        if label in ("ORG", "PERSON"):
            end, how = self._org_extent(start, end, how)
            start, how = self._possessor_cut(start, end, how)
        start, end, label, how = self._whole_name(start, end, label, how)
        if label not in ("DATE", "TIME"):
            stripped = self._strip_place(start, end, label)
            if stripped > start and label == "ORG" and end - stripped > 1:
                label, how = "PERSON", TITLE_NAME  # "President of Türkiye Recep Tayyip Erdoğan"
            start = stripped
            while end - start > 1 and self.parse.lower[start] == "the":
                start += 1
        if label in VALUE_LABELS or label == "DATE" and self._before_currency(end):
            start, end, how = self._value_extent(start, end, label, how)
        if not any(c.isalnum() for c in self._words(start, end)):
            return None
        if self._described(start, end, label):
            return None
        return self._named(start, end, label, how)

    def _pair_led_body(self, start: int, end: int) -> bool:
        """An entity that is a pair of nationalities ("Kazakh-Turkish") and lower-case words
        after it."""
        p, first = self.parse, start
        while first < end and p.lower[first] == "the":
            first += 1
        if first not in self._pairs:
            return False
        rest = first
        while rest < end and rest in self._pairs:
            rest += 1
        return all(p.is_lower[i] or p.is_space[i] for i in range(rest, end))

    def _whole_name(self, start: int, end: int, label: str, how: str) -> tuple[int, int, str, str]:
        """An organisation's whole name (_org_name_whole) and the words glued to a name by
        dashes ("Samruk" + "-Kazyna", no nationality then)."""
        if label not in NAME_LABELS:
            return start, end, label, how
        if label == "ORG":
            start, end, how = self._org_name_whole(start, end, how)
        glued = self._glued_end(end) if label in GLUED_LABELS else end
        if glued > end:
            end, how = glued, REJOINED
            if label == "NORP" and self.parse.text[start] not in DEMONYMS:
                label = "ORG"
        return start, end, label, how

    def _words(self, start: int, end: int) -> str:
        """``doc[start:end].text``, without making the Span."""
        end = min(end, len(self.parse.idx))
        if end <= start:
            return ""
        idx = self.parse.idx
        return self.text[idx[start] : idx[end - 1] + len(self.parse.text[end - 1])]

    def _chars(self, start: int, end: int) -> tuple[int, int]:
        """``doc[start:end]``'s (start_char, end_char) for start < end."""
        idx = self.parse.idx
        return idx[start], idx[end - 1] + len(self.parse.text[end - 1])

    def _described(self, start: int, end: int, label: str) -> bool:
        """ "the Kazakh company Allur": a description read as a name before the name itself
        (the name is the argument)."""
        p = self.parse
        if label != "ORG" or not p.is_lower[end - 1] or p.lemma[end - 1] not in GROUP_NOUNS:
            return False
        return end < len(p.pos) and p.pos[end] == "PROPN"

    def _value_extent(self, start: int, end: int, label: str, how: str) -> tuple[int, int, str]:
        """A value with the number words the model cut off ("twenty-eight" of "twenty-eight
        point two billion dollars"), its currency ("more than 120 million soms", "KZT 18 bn")
        and its unit."""
        if label in VALUE_LABELS and end < len(self.doc) and _number_word(self.doc[end - 1]):
            longer = self._number_end(end)
            if longer > end:
                end, how = longer, WORDED_RULE
        start, end = self._currency(start, end)
        return start, self._unit(start, end, label), how

    def _date_range(self, start: int, end: int) -> tuple[int, int]:
        """ "January–August": two dates joined by a dash with no spaces are one range;
        "Earlier this year" is "this year"."""
        doc = self.doc
        if end - start > 1 and doc[start].lower_ in ("earlier", "later"):
            start += 1
        while end + 1 < len(doc) and _glued(doc[end]) and self._is_date(end + 1):
            end = self.ent_at[end + 1].end
        while start >= 2 and _glued(doc[start - 1]) and self._is_date(start - 2):
            start = self.ent_at[start - 2].start
        return start, end

    def _is_date(self, i: int) -> bool:
        ent = self.ent_at[i]
        return ent is not None and ent.label_ == "DATE"

    def _named(self, start: int, end: int, label: str, how: str) -> Span:
        """Label repairs from the words of the span and what the document knows."""
        lower, first = self.parse.lower, start  # the words before a given name is added
        if label != "PERSON" and self.known.get(self._words(start, end)) == "PERSON":
            label = "PERSON"
        if label in ("PERSON", "ORG") or self._surname_as_place(start, end, label):
            start, label, how = self._given_name(start, end, label, how)
        if label == "DATE" and lower[end - 1] in FRACTIONS and not _dated(self.doc[first:end]):
            label, how = "CARDINAL", FRACTION_RULE  # "grown by a quarter"
        if label == "ORG" or label == "PERSON" and lower[first] in ORG_WORDS:
            # "Railway Lasha Abashidze" tagged PERSON: the person at the end
            start, label, how = self._glued_name(start, end, how)
        elif label == "PERSON" and end - start > 1 and not how:
            head = self.parse.text[start]
            if head in self.names or self.doc[start].ent_type_ == "GPE" and end - start > 2:
                label, how = "ORG", PLACE_LED_ORG  # "Kazakhstan Temir Zholy"
            elif lower[end - 1] in ORG_WORDS:
                label, how = "ORG", ORG_WORD  # "Georgian Railway"
        return self._typed(start, end, label, how)

    def _surname_as_place(self, start: int, end: int, label: str) -> bool:
        """ "Bakhrom Yusupov" with "Yusupov" alone tagged GPE: a surname, not a place."""
        if label not in ("GPE", "LOC", "NORP") or end - start != 1:
            return False
        word = self.doc[start]
        return bool(SURNAME.search(word.lower_)) and word.text not in self.names

    def _given_name(self, start: int, end: int, label: str, how: str) -> tuple[int, str, str]:
        """ "Laziz Kudratov" with only "Kudratov" an entity (or "Han" read as NORP): the
        given name the model left out, when the whole is a name."""
        doc, first = self.doc, start - 1
        if first < 0 or doc[first].dep_ != "compound" or doc[first].head.i not in range(start, end):
            return start, label, how
        word = doc[first]
        if not (word.pos_ == "PROPN" and word.is_title) or word.lemma_.lower() in PERSON_TITLES:
            return start, label, how
        ent = self.ent_at[first]
        if ent is not None and ent.label_ in ("PERSON", "ORG", "GPE", "LOC", "FAC"):
            return start, label, how
        whole = doc[first:end].text
        surname = end - first == 2 and bool(SURNAME.search(doc[end - 1].lower_))
        if self.known.get(whole) == "PERSON" or surname and whole not in self.names:
            return first, "PERSON", NAME_EXTENDED
        if label == "PERSON" and self._after_title_place(first):
            return first, "PERSON", NAME_EXTENDED  # "... of the Netherlands Jan" + "Willem Bosman"
        return start, label, how

    def _after_title_place(self, first: int) -> bool:
        """ "State Secretary for Agriculture of the Netherlands" + the name: the word before
        a given name ends a place of the gazetteer that an "of" after a title leads to."""
        hit = self.gaz_at.get(first - 1)
        if hit is None or hit[1] != first or first in self.gaz_at:
            return False
        p, i = self.parse, hit[0] - 1
        if i >= 0 and p.lower[i] == "the":
            i -= 1
        return i >= 0 and p.lower[i] == "of"

    def _glued_name(self, start: int, end: int, how: str) -> tuple[int, str, str]:
        """ "Minister of Water Resources and Irrigation Nurzhan Nurzhigitov" read as one ORG:
        the person at its end."""
        if end - start > 2:
            first = self._first_name(end - 2)
            if first > start and self._is_name(first, end):
                return first, "PERSON", TITLE_NAME
        return start, "ORG", how

    def _first_name(self, i: int) -> int:
        """ "Kassym-Jomart": a hyphenated first name starts before the hyphen."""
        doc = self.doc
        while i >= 2 and doc[i - 1].text == "-" and not doc[i - 2].whitespace_:
            i -= 2
        return i

    def _is_name(self, start: int, end: int) -> bool:
        """First name and surname: two title-case proper nouns, the last one a surname."""
        words = self.doc[start:end]
        if not all(t.pos_ == "PROPN" and t.is_title or t.text == "-" for t in words):
            return False
        if start > 0 and self.doc[start - 1].lower_ in ("of", "and", "the", "for"):
            return False
        return bool(SURNAME.search(words[-1].lower_)) and words.text not in self.names

    def _typed(self, start: int, end: int, label: str, how: str) -> Span:
        """The typed fallbacks: a place of the gazetteer with a name's label ("Astana"
        tagged PERSON, "Bishkek" tagged ORG), a number with a currency word."""
        place = self.names.get(self._words(start, end))
        if place is not None and label not in PLACE_LABELS:
            label, how = place, GAZETTEER
        if label in ("GPE", "LOC"):
            start, end = self._region(start, end)
        money = self._value_label(start, end, label)
        if money != label:
            label, how = money, CURRENCY_RULE
        out = Span(*self._chars(start, end), label)
        return self._made(out, how) if how else out

    def _currency(self, start: int, end: int) -> tuple[int, int]:
        doc = self.doc
        if any(t.text in self.currency for t in doc[start:end]):
            return start, end
        if end < len(doc) and doc[end].text in self.currency:
            return start, end + 1
        before = start - 1
        while before >= 0 and doc[before].is_space:
            before -= 1
        if before >= 0 and doc[before].text in self.currency:
            return before, end
        return start, end

    def _before_currency(self, end: int) -> bool:
        """ "eleven and a half billion tenge": an amount in words the model read as a date."""
        return end < len(self.doc) and self.doc[end].text in self.currency

    def _unit(self, start: int, end: int, label: str) -> int:
        """ "twelve thousand hectares": a number read as CARDINAL and the unit it counts."""
        doc = self.doc
        if label != "CARDINAL" or end >= len(doc) or doc[end].pos_ != "NOUN":
            return end
        if doc[end - 1].head.i == end and doc[end].lower_ in UNITS:
            return end + 1
        return end

    def _value_label(self, start: int, end: int, label: str) -> str:
        """A number with a currency ("KZT 18 billion", sometimes tagged LAW) is MONEY."""
        if label == "MONEY" or label in PLACE_LABELS or label == "PERSON":
            return label
        lower = self.parse.lower
        has_number = any(self.parse.like_num[start:end])
        if has_number and any(self.parse.text[i] in self.currency for i in range(start, end)):
            return "MONEY"
        if label == "CARDINAL" and lower[end - 1] in UNITS:
            return "QUANTITY"
        return label

    def _strip_place(self, start: int, end: int, label: str) -> int:
        """ "Kyrgyz Republic Sadyr Japarov" -> "Sadyr Japarov" when the rest is a known
        person, or the part cut off a known place."""
        p = self.parse
        for cut in range(start + 1, end - 1):
            if p.text[cut] in DASHES or not p.space[cut - 1]:
                continue  # "Kazakhstan–European Union Cooperation Council" is one name
            if not all(p.pos[i] == "PROPN" or p.text[i] == "-" for i in range(cut, end)):
                continue
            if self.known.get(self._words(cut, end)) == "PERSON":
                return cut
            if any(p.lower[i] in NO_PERSON_WORDS for i in range(cut, end)):
                continue  # "China Railway Container Transport", "Astana International
                # Financial Centre", "Abu Dhabi Global Market": one organisation, no person
            person = end - cut > 2 or SURNAME.search(p.lower[end - 1])
            # an organisation the model tagged so once is a name; one tagged PERSON or seen
            # again as a whole ("Kazakhstan Temir Zholy") is a company, not a person
            person = person or label != "PERSON" and self.repeated[self._words(start, end)] < 2
            if self._words(start, cut) in self.places and person:
                return cut  # but "Kazakhstan Temir Zholy" (PERSON) is a company
        return start

    def _possessor_cut(self, start: int, end: int, how: str) -> tuple[int, str]:
        """ "Uzbekistan’s Uzavtosanoat" as one name: the company, not its country."""
        p = self.parse
        for i in range(start + 1, end - 1):
            if p.tag[i] == "POS" and self._words(start, i) in self.places:
                return i + 1, POSSESSOR_CUT
            if p.is_lower[i] and p.lemma[i] in GROUP_NOUNS and p.pos[i + 1] == "PROPN":
                return i + 1, DESCRIPTION_CUT  # "the Kazakh company Ghalam"
        return start, how

    def _org_extent(self, start: int, end: int, how: str) -> tuple[int, str]:
        """ "the Ministry of Foreign Affairs of" + "Kazakhstan", "the Eurasian Fund for" +
        "Stabilization and Development": an organisation's name the model cut in two; and
        "the Ministry of Science and Higher Education" + "of Kazakhstan" when the name is an
        organisation's (an ORG word in it)."""
        doc = self.doc
        nxt = self.ent_at[end] if end < len(doc) else None
        if doc[end - 1].lower_ in DANGLING and nxt is not None and nxt.start == end:
            if nxt.label_ in ("ORG", "GPE", "LOC"):
                return nxt.end, ORG_OF_PLACE if nxt.label_ != "ORG" else REJOINED
        if end + 1 < len(doc) and doc[end].lower_ == "of":
            nxt = self.ent_at[end + 1]
            org = any(t.lower_ in ORG_WORDS for t in doc[start:end])
            if org and nxt is not None and nxt.start == end + 1 and nxt.label_ in ("GPE", "LOC"):
                return nxt.end, ORG_OF_PLACE
        return end, how

    def _demonym_pairs(self) -> dict[int, Span]:
        """Token -> the NORP of nationality words joined by dashes with no spaces that it is
        part of ("Kazakh-Turkish", the chain "Kazakh-Turkish-Uzbek" as one)."""
        p, out = self.parse, {}
        words, n = p.text, len(p.text)
        i = 0
        while i < n:
            end = i + 1
            if words[i] in DEMONYMS:
                while end + 1 < n and words[end] in DASHES and words[end + 1] in DEMONYMS:
                    if p.space[end - 1] or p.space[end]:
                        break
                    end += 2
            if end > i + 1:
                span = self._made(Span(*self._chars(i, end), "NORP"), DEMONYM_PAIR)
                for k in range(i, end):
                    out[k] = span
            i = end
        return out

    def _join_names(self, ents) -> None:  # noqa: ANN001
        """Which tokens outside the entities the whole names take in (see ``_joined``)."""
        for ent in ents:
            lo, hi = ent.start, ent.end
            if ent.label_ == "ORG":
                lo, hi, _how = self._org_name_whole(ent.start, ent.end, "")
            if ent.label_ in GLUED_LABELS:
                hi = self._glued_end(hi)
            if (lo, hi) != (ent.start, ent.end):
                self._whole.add(ent.start)
                for i in (*range(lo, ent.start), *range(ent.end, hi)):
                    self._joined[i] = ent
            if ent.label_ == "PERSON" and ent.start > 0 and self.ent_at[ent.start - 1] is None:
                # the given name of "of the Netherlands Jan" + "Willem Bosman"
                if self._given_name(ent.start, ent.end, "PERSON", "")[0] < ent.start:
                    self._joined[ent.start - 1] = ent

    def _org_name_whole(self, start: int, end: int, how: str) -> tuple[int, int, str]:
        """ "the Saudi" + "Export-Import Bank", "Saudi Agricultural and" + "Livestock
        Investment Company", "Institute of Fruit" + "and Vegetable Growing": the capitalised
        words of an organisation's name (an ORG word in it) that the model left outside it,
        when they hang on the name in the parse."""
        p = self.parse
        if not any(p.lower[i] in ORG_WORDS and not p.is_lower[i] for i in range(start, end)):
            return start, end, how
        new_start, new_end = self._name_start(start, end), self._name_end(start, end)
        if (new_start, new_end) == (start, end):
            return start, end, how
        return new_start, new_end, REJOINED

    def _name_start(self, start: int, end: int) -> int:
        """The first capitalised word before ``start`` that still hangs on the name."""
        p = self.parse
        lo_sent = p.bounds[start][0]
        new_start = i = start
        while i > lo_sent:
            j = i - 1
            if p.lower[j] == "and" and j > lo_sent and self._name_word(j - 1):
                if p.text[j - 1] in DEMONYMS:
                    break  # "Turkish and" + "Qatari Investment Authority": two sides
                j -= 1  # "Agricultural and" + "Livestock ..."
            elif p.text[j] in DASHES and not p.space[j] and j > lo_sent and not p.space[j - 1]:
                j -= 1  # "Export-" + "Import Bank"
            if not self._name_word(j) or not self._hangs_on(j, new_start, end):
                break
            if j != i - 1 and not self._hangs_on(i - 1, j, end):
                break
            new_start = i = j
        return new_start

    def _name_end(self, start: int, end: int) -> int:
        """The end of "and" + capitalised words after ``end`` that hang on the name ("of
        Fruit" + "and Vegetable Growing"), not another organisation."""
        p = self.parse
        hi_sent = p.bounds[start][1]
        new_end = end
        while new_end + 1 < hi_sent and p.lower[new_end] == "and":
            k = new_end + 1
            while k < hi_sent and self._name_word(k) and self._hangs_on(k, start, k + 2):
                k += 1
            if k == new_end + 1 or p.lower[k - 1] in ORG_WORDS or self.ent_at[k - 1] is not None:
                break  # "... and the Development Bank": another organisation
            if not all(start <= p.head[t] < k for t in range(new_end, k)):
                break
            new_end = k
        return new_end

    def _glued_end(self, end: int) -> int:
        """The end of the capitalised words glued to a name by dashes with no spaces
        ("Samruk" + "-Kazyna"), which the model left outside every entity."""
        p = self.parse
        n = len(p.text)
        if p.text[end - 1] in DEMONYMS or p.text[end - 1] in self.places:
            return end  # "Kazakhstan–China", "Turkish-Uzbek": two sides, not one name
        while end + 1 < n and p.text[end] in DASHES and not p.space[end - 1] and not p.space[end]:
            word = p.text[end + 1]
            if not word[:1].isupper() or self.ent_at[end + 1] is not None:
                break
            if word in DEMONYMS or word in self.places:
                break
            end += 2
        return end

    def _name_word(self, i: int) -> bool:
        """A capitalised word of a name the model left outside every entity but a
        nationality ("Saudi" tagged NORP)."""
        p = self.parse
        if p.pos[i] not in ("PROPN", "ADJ") or not _name_like(p.text[i].replace("-", "")):
            return False
        if p.lemma[i] in PERSON_TITLES or p.lower[i] in ("the", "of"):
            return False
        ent = self.ent_at[i]
        return ent is None or ent.label_ == "NORP" and len(ent) == 1

    def _hangs_on(self, i: int, start: int, end: int) -> bool:
        """Token ``i``'s head lies in start..end."""
        return start <= self.parse.head[i] < end

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
        if token.i - lo >= 1 and not any(self.in_entity(t) for t in self.doc[lo : token.i + 1]):
            if self._is_name(token.i - 1, token.i + 1):  # "Yersayin Nagaspayev" missed
                span = self.doc[token.i - 1 : token.i + 1]
                return self._made(Span(span.start_char, span.end_char, "PERSON"), PERSON_NAME)
        if lo == token.i and token.text in self.surnames and token.text not in self.names:
            # "Tokayev receives ..." in a headline, with "Kassym-Jomart Tokayev" (of any
            # label) further down
            return self._made(Span(token.idx, token.idx + len(token.text), "PERSON"), SURNAME_RULE)
        return None

    def alternative(self, span: Span) -> tuple[str, str] | None:
        """(label, rule) a span can also take when a role needs it: an organisation named
        after a facility ("Turkmenbashi International Seaport") is a place to go to."""
        if span not in self._alternatives:
            self._alternatives[span] = self._alternative(span)
        return self._alternatives[span]

    def _alternative(self, span: Span) -> tuple[str, str] | None:
        if span.label == "ORG":
            last = self.doc.char_span(span.start, span.end, alignment_mode="expand")
            if last is not None and last[-1].lemma_.lower() in FACILITY_WORDS:
                return "FAC", FACILITY
        if span.label in ("ORG", "PERSON", "GPE") and self.text[span.start : span.end] in DEMONYMS:
            return "NORP", DEMONYM_RULE  # "Kazakh exports" with "Kazakh" tagged ORG
        return None

    def entities(self, token: Token, preps: bool = False, depth: int = 0) -> list[Span]:
        """The entity spans a token stands for: its own, else ones inside its phrase.

        ``preps``: also the objects of "of", "from", "between" (the entities around an
        indicator: "trade between Kazakhstan and China").
        """
        token = antecedent(token)
        own = self._own_or_titled(token)
        if own is not None:
            return [own, *self._chairs(token)] if depth == 0 else [own]
        if token.pos_ not in NOMINAL:
            return []
        lemma = token.lemma_.lower()
        if self._title_word(token):
            return self._titled(token)
        out: list[Span] = []
        group = lemma in GROUP_NOUNS or token.tag_ in ("NNS", "NNPS")
        named = depth == 0 and self._named_in_apposition(token)
        for child in token.children:
            if child.dep_ in ("poss", "compound", "nmod", "amod") and depth < 2:
                if named and child.dep_ == "amod" and child.text in DEMONYMS:
                    continue  # "the Romanian operator Danubius Terminals": the operator
                for kid in expand(child):
                    if self.in_entity(kid):
                        out += [s for s in [self.span_of(kid, trim=False)] if s is not None]
                    else:
                        out += self.entities(kid, False, depth + 1)
            elif depth == 0:
                out += self._around(child, preps, group or lemma in PROXY_NOUNS)
        return list(dict.fromkeys(out))

    def _own_or_titled(self, token: Token) -> Span | None:
        """The token's own span; for a title the model read as an organisation ("Minister
        of Finance" ORG), the person named after it, if any."""
        own = self.span_of(token)
        if own is not None and own.label == "ORG" and self._title_word(token):
            people = [s for s in self._titled(token) if s.label == "PERSON"]
            return people[0] if people else own
        return own

    def _title_word(self, token: Token) -> bool:
        """A person's title in the singular ("Minister", "President")."""
        return token.lemma_.lower() in PERSON_TITLES and token.tag_ in ("NN", "NNP")

    def _named_in_apposition(self, token: Token) -> bool:
        """A description whose name follows in apposition ("the Danish wind turbine maker
        Vestas")."""
        if token.pos_ != "NOUN":
            return False
        names = (self.span_of(c) for c in token.children if c.dep_ == "appos")
        return any(s is not None and s.label in ("PERSON", "ORG") for s in names)

    def _chairs(self, token: Token) -> list[Span]:
        """ "the Council, co-chaired by X and Y, will meet": who chairs a body takes part."""
        out = []
        for child in token.children:
            if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in CHAIRING:
                kids = [k for a in led_by(child, CHAIRING) for k in expand(a)]
                out += [self._made(e, CHAIRED_BY) for k in kids for e in self.entities(k, False, 1)]
        return out

    def _around(self, child: Token, preps: bool, group: bool) -> list[Span]:
        """Entities a noun stands for through a child phrase: "ministers of Kazakhstan",
        "a delegation headed by X"."""
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in CHAIRING:
            kids = [k for a in led_by(child, CHAIRING) for k in expand(a)]
            return [self._made(e, CHAIRED_BY) for k in kids for e in self.entities(k, False, 1)]
        if child.dep_ == "acl" and group:
            kids = [k for a in led_by(child) for k in expand(a)]
            return [self._made(e, LED_BY) for k in kids for e in self.entities(k, False, 1)]
        allowed = INDICATOR_PREPS if preps else FALLBACK_PREPS
        if child.dep_ != "prep" or child.lower_ not in allowed or not (preps or group):
            return []
        objs = [t for c in child.children if c.dep_ == "pobj" for t in expand(c)]
        return [s for t in objs for s in self.entities(t, False, 1)]

    def _titled(self, title: Token) -> list[Span]:
        """ "Minister of Energy Almassadam Satkaliyev": the person after the title."""
        lo, hi = phrase_bounds(title, CLAUSES)
        found = [s for i in range(lo, hi + 1) if (s := self.span_of(self.doc[i]))]
        people = [s for s in found if s.label == "PERSON"]
        if people:
            return people[-1:]
        # a name the model called an organisation, right at the end of the title
        end = self.doc[hi].idx + len(self.doc[hi])
        orgs = [s for s in found if s.label == "ORG" and s.end == end][-1:]
        return orgs or self._trailing_name(title, hi)

    def _trailing_name(self, title: Token, hi: int) -> list[Span]:
        """ "Minister of Trade Arman Shakkaliyev" with no entity: the capitalised words
        that end the title phrase (two or more) are the person."""
        lo = hi
        while lo > title.i and self.doc[lo].pos_ == "PROPN" and self.doc[lo].is_title:
            lo -= 1
        words = self.doc[lo + 1 : hi + 1]
        if len(words) < 2 or any(self.in_entity(t) or t.i in self.gaz_at for t in words):
            return []
        if any(t.lemma_.lower() in PERSON_TITLES | GROUP_NOUNS for t in words):
            return []
        return [self._made(Span(words.start_char, words.end_char, "PERSON"), TITLE_NAME)]

    def phrase(self, token: Token, full: bool) -> Span | None:
        """A free (SPAN) argument: the whole phrase for titles, the base noun otherwise."""
        if token.pos_ not in NOMINAL or self.in_entity(token) and not full:
            return None
        if full:
            lo, hi = phrase_bounds(token, _title_cuts(token))
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
        while hi > lo and (self.doc[hi].is_space or self.doc[hi].text in SEPARATORS):
            hi -= 1  # "Vice Minister of Energy" before a blank line
        if full:
            hi = self._accredited(lo, hi)
        span = self.doc[lo : hi + 1]
        return Span(span.start_char, span.end_char, ANY_SPAN)

    def _accredited(self, lo: int, hi: int) -> int:
        """ "appointed Ambassador of Kazakhstan to Turkmenistan": the parser hangs "to X" on
        the verb, but an envoy's title names where they are sent."""
        doc = self.doc
        if not any(t.lemma_.lower() in ENVOYS for t in doc[lo : hi + 1]):
            return hi
        nxt = hi + 1
        if nxt + 1 < len(doc) and doc[nxt].lower_ == "to":
            ent = self.ent_at[nxt + 1]
            if ent is not None and ent.start == nxt + 1 and ent.label_ in ("GPE", "LOC"):
                return ent.end - 1
        return hi

    def titled_phrase(self, token: Token) -> bool:
        """ "Ambassador Extraordinary and Plenipotentiary": a title the model tagged as a
        name is still a title phrase."""
        words = [token, *(c for c in token.lefts if c.dep_ == "compound")]
        return any(w.lemma_.lower() in PERSON_TITLES | ENVOYS for w in words)


def _one_name(ent) -> bool:  # noqa: ANN001
    """ "Ministry of Science and Higher Education", "Eurasian Fund for Stabilization and
    Development": an organisation's name with an "and" in it is one name, not a list."""
    if ent.label_ != "ORG" or not any(t.lower_ == "and" for t in ent):
        return False
    words = [t for t in ent if t.lower_ != "the"]
    if not all(t.is_title or t.lower_ in DANGLING for t in words):
        return False
    seen_org = seen_prep = False
    for t in words:
        if t.lower_ == "and":
            return seen_org and seen_prep
        seen_org = seen_org or t.lower_ in ORG_WORDS
        seen_prep = seen_prep or seen_org and t.lower_ in ("of", "for")
    return False


def _dated(span) -> bool:  # noqa: ANN001
    """ "the first quarter", "the fourth quarter of 2024": a part of a year, not a fraction."""
    return any(t.lower_ in PERIOD_WORDS or t.like_num and len(t.text) == 4 for t in span)


def _number_word(token: Token) -> bool:
    """ "twenty-eight", "hundred", "billion": a number written as a word (hyphenated parts
    are tokens of their own)."""
    return token.lower_ in NUMBER_WORDS


def _glued(token: Token) -> bool:
    """A dash with no space on either side joins two words."""
    doc = token.doc
    return (
        token.text in DASHES
        and not token.whitespace_
        and token.i > 0
        and not doc[token.i - 1].whitespace_
    )


def _name_like(word: str) -> bool:
    """ "KazMunayGas", "SOCAR", "Azersun": a capitalised word with a letter after the first."""
    return len(word) > 1 and word[0].isupper() and word[1:].replace("-", "").isalpha()


def _camel(word: str) -> bool:
    """ "KazMunayGas", "SOCAR", "QazaqGaz": capitals inside the word."""
    return any(c.isupper() for c in word[1:])


def _title_case_line(token: Token) -> bool:
    """A headline in Title Case: most words of the sentence capitalised."""
    words = [t for t in token.sent if t.is_alpha and len(t) > 3]
    return len(words) >= 3 and sum(t.is_title for t in words) > 0.7 * len(words)


def _title_cuts(token: Token) -> frozenset[str]:
    """ "Ambassador Extraordinary and Plenipotentiary": one title, not a list of two."""
    if any(c.dep_ == "conj" and c.lemma_.lower() in ENVOYS for c in token.children):
        return CUT_DEPS - {"conj", "cc"}
    return CUT_DEPS


def phrase_bounds(token: Token, cut_deps: frozenset[str] = CUT_DEPS) -> tuple[int, int]:
    """Token range of the phrase a token heads, without appositions, clauses and lists."""
    lo, hi = token.left_edge.i, token.right_edge.i
    for child in token.children:
        cut = child.dep_ in cut_deps or child.dep_ == "punct" and child.text in SEPARATORS
        if cut and child.dep_ == "punct" and _glued(child):
            cut = False  # "Kazakhstan–European Union": a dash inside a name
        if cut and child.i > token.i:
            hi = min(hi, child.left_edge.i - 1)
        elif cut:
            lo = max(lo, child.right_edge.i + 1)
    return lo, hi


def modifier_of(span: Span, token: Token) -> bool:
    """ "in the Kazakh economy": the entity only modifies a common noun that is no group
    ("economy", "water projects"), so it is not what the preposition names."""
    if token.pos_ != "NOUN" or token.lemma_.lower() in GROUP_NOUNS:
        return False
    if span.start <= token.idx < span.end:
        return False  # "the Turkestan region" is the place itself
    inside = [t for t in token.lefts if t.idx >= span.start and t.idx + len(t) <= span.end]
    return bool(inside) and all(t.dep_ in ("compound", "amod", "nmod") for t in inside)


def region(span: Span, text: str, region_words: frozenset[str]) -> bool:
    """ "the Turkestan region": a place below the state."""
    words = text[span.start : span.end].split() if span.label in ("GPE", "LOC") else ()
    return len(words) > 1 and words[-1].lower() in region_words


def led_by(verb: Token, lemmas: frozenset[str] = LEADING_VERBS) -> list[Token]:
    """ "a delegation headed by X": the objects of the participle's "by"."""
    if verb.lemma_.lower() not in lemmas or verb.tag_ != "VBN":
        return []
    return [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]


def antecedent(token: Token) -> Token:
    """ "who" in "Erdoğan, who conveyed" stands for Erdoğan."""
    if token.lower_ in RELATIVE and token.head.dep_ == "relcl":
        return token.head.head
    return token


def relative_after_comma(token: Token) -> Token | None:
    """ "spoke with Minister X, with whom he discussed": the parser makes the relative clause
    an adverbial clause of the main verb; "whom" stands for the name right before the comma
    (the first of the names coordinated there)."""
    prep = token.head
    if token.lower_ not in ("whom", "which") or token.dep_ != "pobj" or prep.dep_ != "prep":
        return None
    if prep.head.dep_ not in ("advcl", "relcl", "ccomp") or prep.i < 2:
        return None
    before = token.doc[prep.i - 1]
    if before.text != ",":
        return None
    name = token.doc[prep.i - 2]
    if name.pos_ != "PROPN":
        return None
    while name.dep_ in ("compound", "flat") and name.head.i > name.i:
        name = name.head
    while name.dep_ == "conj" and name.head.pos_ in NOMINAL:
        name = name.head
    return name


def title_above(name: Token) -> Token | None:
    """ "President of Mongolia Ukhnaa Khurelsukh" parsed with the name inside the "of"
    phrase: the title noun whose phrase it is."""
    prep = name.head
    if name.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lemma_.lower() in PERSON_TITLES:
        return prep.head
    return None


def relative_indicator(relative: Token, token: Token, in_entity) -> Token:  # noqa: ANN001
    """ "Trade between Kazakhstan and China, which grew by 5%": the parser hangs the relative
    clause on the last noun of the phrase; when that noun is a name or a place word, what the
    clause reports on is the noun the phrase starts with."""
    if relative.lower_ not in RELATIVE or relative.i == token.i:
        return token
    cur = token
    if not (in_entity(cur) or cur.lemma_.lower() in WHERE_NOUNS):
        return token
    for _ in range(4):
        if cur.dep_ == "conj" and cur.head.pos_ in NOMINAL:
            cur = cur.head
        elif cur.dep_ == "compound" and cur.head.pos_ in NOMINAL and in_entity(cur):
            cur = cur.head  # "the Kyzylorda region": region is the place's own word
        elif (
            cur.dep_ == "pobj" and cur.head.lower_ in PHRASE_PREPS and cur.head.head.pos_ == "NOUN"
        ):
            return cur.head.head
        else:
            break
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


def name_conjuncts(found: list[Span], token: Token, seen: list[Token]) -> list[Token]:
    """ "the Ministry of Foreign Affairs of Kazakhstan and the Eurasian Fund": the parser
    coordinates the second name with the last word of the first; a span that reaches past
    the token brings the names coordinated with its words."""
    out = []
    doc = token.doc
    for span in found:
        if span.end <= token.idx + len(token.text):
            continue
        for tok in doc.char_span(span.start, span.end, alignment_mode="expand") or ():
            if tok.i <= token.i:
                continue
            for child in tok.children:
                if child.dep_ == "conj" and child.idx >= span.end and child not in seen:
                    out += [t for t in expand(child) if t not in seen and t not in out]
    return out
