"""Generated Central Asian news articles with full entity gold, for the learning curve.

Sentences are built from templates and fillers of this project's domain (Kazakh, Uzbek
and Kyrgyz names, ministries and companies, regions and cities, amounts in tenge and som)
— the names and amounts that en_core_web_sm, trained on OntoNotes, often misreads. Every
filler is placed by the generator, so the gold is exact. It is not real news: the curve it
gives measures the loop (gold → train → better suggestions on this domain), not a claim
about real articles.
"""

from __future__ import annotations

import random

from annotator.core.models import ParsedDoc, Span

FIRST = ["Aliya", "Daniyar", "Marat", "Gulnara", "Yerlan", "Saule", "Nurlan", "Aigerim",
         "Bakhyt", "Zhanna", "Sherzod", "Dilnoza", "Azamat", "Kanat", "Madina", "Timur",
         "Askar", "Zarina", "Rustam", "Ainur"]  # fmt: skip
LAST = ["Nurlanova", "Seitkali", "Ospanov", "Abenova", "Zhaksybekov", "Tokhtarova",
        "Yusupov", "Karimova", "Beisenov", "Mukhamedzhanova", "Akhmetov", "Sultanbekova",
        "Tashkentov", "Omarov", "Zhumabayeva", "Kassymov"]  # fmt: skip
ORGS = ["KazMunayGas", "Samruk-Kazyna", "Kazakhtelecom", "the Ministry of Energy",
        "the Ministry of Trade and Integration", "Air Astana", "Kazatomprom",
        "the Development Bank of Kazakhstan", "Halyk Bank", "KEGOC", "Uzbekneftegaz",
        "the Kyrgyz Investment Agency", "Baiterek Holding", "QazaqGaz"]  # fmt: skip
PLACES = ["Astana", "Almaty", "Shymkent", "Aktobe", "Karaganda", "Taraz", "Kyzylorda",
          "Aktau", "Atyrau", "Pavlodar", "Turkistan", "Tashkent", "Bishkek", "Samarkand",
          "Osh", "Ust-Kamenogorsk"]  # fmt: skip
REGIONS = ["Zhambyl region", "Kyzylorda region", "Mangystau region", "Turkistan region",
           "Abai region", "Zhetysu region", "Ulytau region", "Pavlodar region"]  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]  # fmt: skip

TEMPLATES = [
    "{PERSON}, chairman of {ORG}, met {PERSON} in {GPE} on {DATE}.",
    "{ORG} will invest {MONEY} in a new plant in {GPE}, {PERSON} said.",
    "According to {ORG}, exports from {GPE} rose to {MONEY} in {DATE}.",
    "{PERSON} was appointed deputy head of {ORG} on {DATE}.",
    "The akim of {GPE}, {PERSON}, opened a school built for {MONEY}.",
    "{ORG} and {ORG} signed an agreement in {GPE} worth {MONEY}.",
    "On {DATE}, {PERSON} visited {GPE} to inspect the works of {ORG}.",
    "A delegation led by {PERSON} arrived in {GPE} for talks with {ORG}.",
    "{PERSON} told reporters that {ORG} had paid {MONEY} in taxes.",
    "Farmers in {GPE} received {MONEY} in subsidies from {ORG} this year.",
]


# sentences only the held-out articles use: the model must generalise past the templates
HELD_OUT_TEMPLATES = [
    "Speaking in {GPE}, {PERSON} praised the work of {ORG} and {ORG}.",
    "{MONEY} was allocated by {ORG} to repair roads in {GPE} before {DATE}.",
    "Talks between {PERSON} and {PERSON} ended in {GPE} without a deal.",
    "By {DATE}, {ORG} expects its revenue in {GPE} to reach {MONEY}.",
    "In {GPE} {PERSON} and representatives of {ORG} discussed water supplies.",
]


def _half(items: list[str], heldout: bool) -> list[str]:
    """Training articles use every other filler; held-out ones all (half never seen)."""
    return items if heldout else items[::2]


def _filler(rng: random.Random, label: str, heldout: bool = False) -> str:
    if label == "PERSON":
        return f"{rng.choice(_half(FIRST, heldout))} {rng.choice(_half(LAST, heldout))}"
    if label == "ORG":
        return rng.choice(_half(ORGS, heldout))
    if label == "GPE":
        return rng.choice(_half(PLACES + REGIONS, heldout))
    if label == "DATE":
        return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.choice([2024, 2025, 2026])}"
    amount = rng.choice(["1.2", "18", "350", "4.5", "72", "600"])
    unit = rng.choice(["billion tenge", "million tenge", "billion som", "million som"])
    return rng.choice([f"{amount} {unit}", f"KZT {amount} billion"])


def article(rng: random.Random, n: int, sentences: int = 8, heldout: bool = False) -> ParsedDoc:
    """One article: a title, then sentences from the templates, with every entity's span.
    Held-out articles also use sentences and names no training article has."""
    text, spans = f"News {n}\n\n", []
    templates = TEMPLATES + HELD_OUT_TEMPLATES if heldout else TEMPLATES
    for _ in range(sentences):
        template = rng.choice(templates)
        pos = 0
        while True:
            at = template.find("{", pos)
            if at < 0:
                text += template[pos:]
                break
            text += template[pos:at]
            end = template.index("}", at)
            label = template[at + 1 : end]
            value = _filler(rng, label, heldout)
            if value.startswith("the ") and label == "ORG":  # no leading "the" in the span
                text += "the "
                value = value[4:]
            start = len(text)
            text += value
            spans.append(Span(start, len(text), label))
            pos = end + 1
        text += " "
    text = text.rstrip() + "\n"
    # a sentence that starts with "the X" reads "the X": capitalise the article only
    text = text.replace(". the ", ". The ").replace("\n\nthe ", "\n\nThe ")
    return ParsedDoc(text, title=f"News {n}", lang="en", spans=spans, source=f"gen-{n}")


def corpus(n: int, seed: int, heldout: bool = False) -> list[ParsedDoc]:
    rng = random.Random(seed)
    return [article(rng, seed * 100_000 + i, heldout=heldout) for i in range(n)]


# -- the bulk corpus of issue 15: ~420 words and ~40 entity spans per article ---------------

FILLER = (
    "officials said the programme would continue next year while experts noted that "
    "demand for transport services and energy had grown steadily across the region as "
    "new roads railways and logistics centres opened in several districts and local "
    "companies hired more workers to meet the orders from neighbouring markets"
).split()


def _filler_sentence(rng: random.Random) -> str:
    words = [rng.choice(FILLER) for _ in range(rng.randint(8, 13))]
    return " ".join(words).capitalize() + "."


def bulk_article(rng: random.Random, n: int) -> ParsedDoc:
    """One article of the bulk corpus: a title, then paragraphs that mix template sentences
    (entities) with plain ones, ~420 words and ~40 entity spans in all."""
    text, spans = f"Regional news {n}\n\n", []
    for paragraph in range(6):
        for k in range(4):
            if k % 2 == paragraph % 2:
                text += _filler_sentence(rng) + " "
                continue
            template = rng.choice(TEMPLATES)
            pos = 0
            while (at := template.find("{", pos)) >= 0:
                text += template[pos:at]
                end = template.index("}", at)
                label = template[at + 1 : end]
                value = _filler(rng, label, True)
                if value.startswith("the ") and label == "ORG":
                    text += "the "
                    value = value[4:]
                spans.append(Span(len(text), len(text) + len(value), label))
                text += value
                pos = end + 1
            text += template[pos:] + " "
        text = text.rstrip() + "\n\n"
        if paragraph < 5:
            text += _filler_sentence(rng) + " " + _filler_sentence(rng) + " "
    text = text.rstrip() + "\n"
    text = text.replace(". the ", ". The ").replace("\n\nthe ", "\n\nThe ")
    return ParsedDoc(
        text, title=f"Regional news {n}", lang="en", spans=spans, source=f"bulk-{n}",
        external_id=f"bulk-{n}", date=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}",
    )  # fmt: skip


def bulk_corpus(n: int, seed: int = 15) -> list[ParsedDoc]:
    rng = random.Random(seed)
    return [bulk_article(rng, i) for i in range(n)]


def bulk_jsonl_line(doc: ParsedDoc) -> str:
    """The article as a Prodigy-style JSONL record (text, meta, spans), as import reads it."""
    import json

    meta = {"id": doc.external_id, "date": doc.date, "language": doc.lang, "title": doc.title}
    spans = [{"start": s.start, "end": s.end, "label": s.label} for s in doc.spans]
    return json.dumps({"text": doc.text, "meta": meta, "spans": spans}, ensure_ascii=False)


def write_big_jsonl(path, n: int, meta: dict | None = None, seed: int = 5) -> None:  # noqa: ANN001
    """A JSONL of ``n`` ~420-word articles with a GPE span every tenth word (bench_import's
    100k file, and bench_langdetect's with and without ``meta.lang``)."""
    import json

    rng = random.Random(seed)
    words = "the minister met officials in Astana to discuss trade and investment".split()
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            tokens = [rng.choice(words) for _ in range(420)]
            head = f"Article {i}. "
            text = head + " ".join(tokens) + "."
            spans, pos = [], len(head)
            for k, tok in enumerate(tokens):
                if k % 10 == 3:
                    spans.append({"start": pos, "end": pos + len(tok), "label": "GPE"})
                pos += len(tok) + 1
            out.write(json.dumps({"text": text, "spans": spans, "meta": meta or {}}) + "\n")
