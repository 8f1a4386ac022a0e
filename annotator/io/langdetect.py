"""Which language an imported article is in, when its input does not say.

The detector is lingua (PyPI ``lingua-language-detector``): n-gram models for 75
languages shipped inside its wheel, so nothing is downloaded at run time. It is restricted
to :data:`LANGUAGES` (the project's languages, en/ru/kk, and a few common ones, so that a
German or Turkish text is not forced into one of ours), and built once per process, on
the first article that needs it (~0.3 s, ~35 MB). lingua's high-accuracy mode is used:
its low-accuracy mode measured no faster on article-length text (1.9 vs 1.6 ms per 1,000
characters over the bundled corpus, medians of 5 runs: from 120 characters on, lingua's
high-accuracy mode reads trigrams only, as the low one always does).

Only the first :data:`SAMPLE_CHARS` characters are read (cost grows with length; the
start of an article is plenty for its language). The sample is cut into up
to :data:`CHUNKS` pieces of about :data:`PIECE_CHARS` characters, at whitespace, and a
language's score is lingua's confidence in it averaged over the pieces, weighted by their
length: a text in one language scores ~1.0 (every bundled article scores over 0.99); a
text half English and half Russian ~0.5 for each, give or take the one piece that holds
both (lingua gives a mixed piece wholly to one language), hence :data:`THRESHOLD` 0.7:
the best language must hold about 70 % of the sample (3 of its 4 pieces). Reading stops
as soon as the answer is certain, so an article in one language costs 3 pieces, 600
characters: about 1 ms of CPU per article (tests/benchmarks/bench_langdetect.py). The
confidence kept is the score over the pieces read.
Below the threshold the article gets ``xx`` (spaCy's "multi-language / unknown"), and
so does a text with fewer than :data:`MIN_LETTERS` letters (a name or a headline
fragment: lingua guesses those with high confidence and often wrongly, e.g. "Kazakhstan"
as French). A text under 300 characters is one piece, so a short mixed text gets the
language lingua prefers.

Readers call :func:`mark_unstated` on a document whose input named no language (and no
``--lang`` was given); the import then calls :func:`detect_doc`. An explicit language, the
user's or the file's, is never replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from annotator.core.langs import UNKNOWN
from annotator.core.models import ParsedDoc

if TYPE_CHECKING:
    from lingua import LanguageDetector

PROJECT_LANGUAGES = ("en", "ru", "kk")
# common elsewhere in the region's news, and different enough to keep a text out of ours;
# lingua has no Kyrgyz, Uzbek or Tajik model: such text comes out as kk, ru or xx
# (each Latin-script candidate adds to the cost of every English article: French and
# Spanish, rare in this domain, are left out)
COMMON_LANGUAGES = ("uk", "tr", "de", "zh", "ar")
LANGUAGES = PROJECT_LANGUAGES + COMMON_LANGUAGES
THRESHOLD = 0.7
MIN_LETTERS = 20
SAMPLE_CHARS = 800
CHUNKS = 4
# characters: from 120 on lingua reads trigrams only; a 100-character piece costs ~3x
# per character what a 200-character one does
PIECE_CHARS = 200

UNSTATED = "import:lang_unstated"  # a reader's mark: the input named no language
DETECTED = "lang_detected"  # kept in the article's meta: what detection said, and how sure


@dataclass(frozen=True)
class Guess:
    """The language to store (``xx`` when unsure), lingua's best candidate and its score."""

    lang: str
    best: str | None
    confidence: float

    def as_meta(self) -> dict[str, Any]:
        return {"best": self.best, "confidence": round(self.confidence, 3)}


def mark_unstated(doc: ParsedDoc, *stated: str | None) -> ParsedDoc:
    """Mark ``doc`` for detection when none of the ``stated`` languages (the ``--lang``
    override, the file's own field) is given."""
    if not any(stated):
        doc.meta[UNSTATED] = True
    return doc


def detect_doc(doc: ParsedDoc) -> Guess | None:
    """Set the language of a document its reader marked as unstated; None for the others.

    The guess is kept in ``doc.meta["lang_detected"]`` (best candidate and score)."""
    if not doc.meta.pop(UNSTATED, False):
        return None
    guess = detect(doc.text)
    doc.lang = guess.lang
    doc.meta[DETECTED] = guess.as_meta()
    return guess


def detect(text: str) -> Guess:
    """The language of ``text`` (see the module's notes for the sample and the threshold)."""
    sample = _sample(text)
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return Guess(UNKNOWN, None, 0.0)
    pieces = _pieces(sample)
    total = sum(map(len, pieces))
    scores: dict[str, float] = {}  # language -> confidence x characters, over pieces read
    read = 0
    detector = _detector()
    for piece in pieces:
        for value in detector.compute_language_confidence_values(piece):
            code = value.language.iso_code_639_1.name.lower()
            scores[code] = scores.get(code, 0.0) + value.value * len(piece)
        read += len(piece)
        if max(scores.values(), default=0.0) >= THRESHOLD * total:
            break  # it keeps >= THRESHOLD whatever the rest says, and no other can reach it
    best = max(scores, key=scores.__getitem__, default=None)
    if best is None or scores[best] <= 0.0:
        return Guess(UNKNOWN, None, 0.0)
    sure = scores[best] >= THRESHOLD * total
    return Guess(best if sure else UNKNOWN, best, scores[best] / read)


def _sample(text: str) -> str:
    if len(text) <= SAMPLE_CHARS:
        return text
    cut = text.rfind(" ", SAMPLE_CHARS // 2, SAMPLE_CHARS)  # not in the middle of a word
    return text[: cut if cut > 0 else SAMPLE_CHARS]


def _pieces(sample: str) -> list[str]:
    """The sample in up to CHUNKS pieces of about PIECE_CHARS characters, cut at spaces."""
    n = max(1, min(CHUNKS, round(len(sample) / PIECE_CHARS)))
    pieces, start = [], 0
    for k in range(1, n):
        target = len(sample) * k // n
        cut = sample.find(" ", target)
        if cut <= start:
            continue
        pieces.append(sample[start:cut])
        start = cut
    pieces.append(sample[start:])
    return [p for p in pieces if p.strip()] or [sample]


@cache
def _detector() -> LanguageDetector:
    """The one detector of this process (lingua loads each language's models lazily)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [getattr(IsoCode639_1, code.upper()) for code in LANGUAGES]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()


def describe(tally: dict[str, int]) -> str:
    """One line on what detection did: ``language detected for 3 articles: en 2, ru 1;
    1 left as xx (...)``; empty when nothing was detected."""
    found = {code: n for code, n in tally.items() if code != UNKNOWN and n}
    unsure = tally.get(UNKNOWN, 0)
    if not found and not unsure:
        return ""
    count = sum(found.values())
    shown = ", ".join(f"{code} {n}" for code, n in sorted(found.items(), key=lambda kv: -kv[1]))
    why = (
        f"(below confidence {THRESHOLD} or fewer than {MIN_LETTERS} letters; pass --lang to set it)"
    )
    if not count:
        return f"language not detected for {_articles(unsure)}: left as {UNKNOWN} {why}"
    line = f"language detected for {_articles(count)}: {shown}"
    return line + (f"; {unsure} left as {UNKNOWN} {why}" if unsure else "")


def _articles(n: int) -> str:
    return f"{n} article{'' if n == 1 else 's'}"
