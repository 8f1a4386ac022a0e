"""Plain text files without the date header."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.io import ParseError, parse_plaintext
from annotator.io.plaintext import preview_title, split_blocks


def test_plaintext_title_and_paragraphs():
    doc = parse_plaintext("Title here\n\nFirst para\nstill first.\n\n\nSecond.\n", "dir/note.txt")
    assert doc.title == "Title here"
    assert doc.text == "Title here\n\nFirst para\nstill first.\n\nSecond."
    assert doc.external_id == "note" and doc.source == "dir/note.txt"
    assert doc.date is None and doc.time is None
    assert doc.meta["format"] == "text"


def test_plaintext_sections_are_exact():
    doc = parse_plaintext("\n\n  Title  \n\n  Para one\n\tPara two\n\nLast")
    got = [(s["kind"], doc.text[s["start"] : s["end"]]) for s in doc.meta["sections"]]
    assert got == [("title", "Title"), ("paragraph", "Para one\nPara two"), ("paragraph", "Last")]


def test_plaintext_lines_after_title_in_same_block_are_a_paragraph():
    doc = parse_plaintext("Title\nbody right below\n")
    assert doc.text == "Title\n\nbody right below"


def test_plaintext_crlf_bom_and_nbsp():
    doc = parse_plaintext("\ufeffTitle\r\n\r\n$1\u00a0billion\r\nnext line\r\n")
    assert doc.text == "Title\n\n$1\u00a0billion\nnext line"


def test_plaintext_nbsp_only_line_separates_paragraphs():
    assert parse_plaintext("T\n\nA\n\u00a0\nB").text == "T\n\nA\n\nB"


def test_plaintext_lang_defaults_to_xx_and_is_lowercased():
    assert parse_plaintext("T\n\nB").lang == "xx"
    assert parse_plaintext("T\n\nB", lang="RU").lang == "ru"


def test_plaintext_long_first_line_is_a_paragraph_not_a_title():
    long_line = "word " * 80
    doc = parse_plaintext(long_line + "\n\nSecond.")
    assert doc.text == long_line.strip() + "\n\nSecond."
    assert doc.meta["sections"][0]["kind"] == "paragraph"
    assert doc.title.endswith("…") and len(doc.title) <= 120


@pytest.mark.parametrize("raw", ["", "\n\n", "  \t \n \u00a0 \n", "\ufeff"])
def test_plaintext_blank_raises_parse_error(raw):
    with pytest.raises(ParseError, match="no text"):
        parse_plaintext(raw)


def test_plaintext_preview_title_cuts_at_a_word():
    assert preview_title("\n  short title \nsecond") == "short title"
    cut = preview_title("alpha beta gamma delta epsilon", limit=15)
    assert cut == "alpha beta…"
    assert preview_title("x" * 50, limit=10) == "x" * 9 + "…"


def test_plaintext_split_blocks_strips_layout_only():
    assert split_blocks("  a \n\tb\u00a0\n\n\n c") == [["a", "b\u00a0"], ["c"]]


@given(st.text(max_size=300))
def test_plaintext_never_crashes_and_sections_fit(raw):
    try:
        doc = parse_plaintext(raw)
    except ParseError:
        assert not raw.replace("\ufeff", "").strip()
        return
    for sec in doc.meta["sections"]:
        assert 0 <= sec["start"] < sec["end"] <= len(doc.text)
    assert "\r" not in doc.text


@pytest.mark.parametrize("lang", ["../../x", "en/..", "english"])
def test_plaintext_bad_lang_override_is_a_parse_error(lang):
    with pytest.raises(ParseError, match="bad language code"):
        parse_plaintext("Title\n\nBody.", "a.txt", lang)
