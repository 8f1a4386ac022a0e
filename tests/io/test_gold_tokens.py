"""``tokens.gold_doc``: the tokenizer's tokens cut at every gold span's edges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.models import Span
from annotator.io.tokens import blank, gold_doc, sentencizer

ALPHABET = "abcXYZ019 .,-()'\"\n\t\u00a0\u3000\u200b😀🇰🇿ТокаевҚазақ$%"
WORDS = ("Ltd.", "Kazakhstan's", "can't", "Tokayev", " ", "\n\n", "U.S.")
texts = (
    st.lists(st.one_of(st.text(ALPHABET, min_size=1, max_size=6), st.sampled_from(WORDS)))
    .map("".join)
    .filter(lambda t: 0 < len(t) <= 60)
)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, str, list[Span]]:
    text = draw(texts)
    spans = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(text) - 1))
        spans.append(Span(start, draw(st.integers(start + 1, len(text))), "X"))
    return text, draw(st.sampled_from(("en", "ru", "xx"))), spans


def _edges(doc) -> tuple[set[int], set[int]]:
    return {t.idx for t in doc}, {t.idx + len(t) for t in doc}


@settings(max_examples=150, deadline=None)
@given(text_and_spans())
def test_gold_tokens_hold_every_span_and_cut_nowhere_else(case):
    text, lang, spans = case
    tokens = blank(lang)(text)
    gold = gold_doc(tokens, spans, text)
    assert gold.text == text
    assert all(gold.char_span(s.start, s.end) is not None for s in spans)
    starts, ends = _edges(tokens)
    new_starts, new_ends = _edges(gold)
    assert starts <= new_starts and ends <= new_ends  # the tokenizer's cuts all stay
    # a new cut only at a span's edge (the space after a token may become a token)
    new_cuts = (new_starts | new_ends) - (starts | ends)
    assert new_cuts <= {s.start for s in spans} | {s.end for s in spans}
    if all(tokens.char_span(s.start, s.end) is not None for s in spans):
        assert gold is tokens


def test_gold_tokens_cut_ltd_and_keep_norms_and_sentences():
    text = "Caspian Pipeline Ltd. said we can't go.\nAstana agreed."
    tokens = sentencizer()(blank("en")(text))
    gold = gold_doc(tokens, [Span(0, 20, "ORG"), Span(41, 45, "GPE")])
    assert [t.text for t in gold][:5] == ["Caspian", "Pipeline", "Ltd", ".", "said"]
    assert [(t.text, t.norm_) for t in gold if t.text == "n't"] == [("n't", "not")]
    starts = [t.text for t in gold if t.is_sent_start]
    assert starts == [t.text for t in tokens if t.is_sent_start] == ["Caspian", "\n"]
    assert [t.whitespace_ for t in gold][2:4] == ["", " "]


def test_gold_tokens_give_a_space_after_a_token_its_own_token_when_a_span_starts_there():
    gold = gold_doc(blank("en")("Tokayev met Putin."), [Span(7, 11, "X")])
    assert [(t.text, t.whitespace_) for t in gold][:3] == [("Tokayev", ""), (" ", ""), ("met", " ")]
    assert gold.text == "Tokayev met Putin."
