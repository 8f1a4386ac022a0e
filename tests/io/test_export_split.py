"""Deterministic splits by content hash."""

from __future__ import annotations

from collections import Counter

import pytest

from annotator.core.models import Article
from annotator.core.text import content_hash
from annotator.io.export_common import ExportDoc
from annotator.io.split import assign, parse_ratios, split_of

RATIOS = parse_ratios("0.8,0.1,0.1")


def _doc(i: int, text: str | None = None, who: str = "a") -> ExportDoc:
    text = text or f"Article number {i}."
    art = Article(i, content_hash(text), text, "", "en", None, None, "", None, {})
    return ExportDoc(art, who)


def test_split_parse_ratios_names_the_splits():
    assert RATIOS == [("train", 0.8), ("dev", 0.1), ("test", 0.1)]
    assert parse_ratios("0.9, 0.1") == [("train", 0.9), ("dev", 0.1)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0.8", "give 2"),
        ("0.5,0.2", "add up to 1"),
        ("a,b", "numbers"),
        ("1.2,-0.2", "negative"),
        ("0.5,0.2,0.2,0.1", "give 2"),
        ("nan,0.5", "finite"),
    ],
)
def test_split_parse_ratios_rejects_bad_input(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_ratios(text)


def test_split_is_deterministic_and_follows_the_seed():
    docs = [_doc(i) for i in range(300)]
    one = [s for s, _ in assign(docs, RATIOS, seed=1)]
    assert one == [s for s, _ in assign(docs, RATIOS, seed=1)]
    assert one != [s for s, _ in assign(docs, RATIOS, seed=2)]


def test_split_proportions_are_close_on_many_articles():
    counts = Counter(s for s, _ in assign([_doc(i) for i in range(5000)], RATIOS, seed=0))
    assert (
        3800 < counts["train"] < 4200 and 380 < counts["dev"] < 620 and 380 < counts["test"] < 620
    )


def test_split_copies_of_one_text_share_a_split():
    docs = [_doc(i, "The same text.", who) for i, who in enumerate("abcdefgh")]
    assert len({s for s, _ in assign(docs, RATIOS, seed=3)}) == 1


def test_split_an_article_keeps_its_split_when_the_dataset_grows():
    small = dict((d.article.id, s) for s, d in assign([_doc(i) for i in range(50)], RATIOS, 0))
    big = dict((d.article.id, s) for s, d in assign([_doc(i) for i in range(500)], RATIOS, 0))
    assert all(big[i] == s for i, s in small.items())


def test_split_zero_ratio_is_never_chosen_and_no_ratio_means_no_split():
    ratios = parse_ratios("1,0")
    assert {split_of(content_hash(str(i)), ratios, 0) for i in range(200)} == {"train"}
    assert [s for s, _ in assign([_doc(1)], None)] == [""]
