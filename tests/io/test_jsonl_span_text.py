"""A Prodigy span carries its own "text": when its offsets cover other words (offsets counted
in bytes or UTF-16 code units, or copied from another text), the record is refused with one
line naming the span, instead of becoming gold on the wrong words (found by a new-user
trial: such a file imported silently)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli.main import cli
from annotator.io.jsonl import parse_jsonl_line
from annotator.io.reader import ParseError
from annotator.store import Store

TEXT = "Tokayev met Putin in Astana."


def _line(text: str, spans: list[dict]) -> str:
    return json.dumps({"text": text, "spans": spans, "answer": "accept"}, ensure_ascii=False)


def test_jsonl_span_text_matching_offsets_is_imported():
    spans = [{"start": 0, "end": 7, "label": "PERSON", "text": "Tokayev"}]
    doc = parse_jsonl_line(_line(TEXT, spans), line_no=1)
    assert doc.span_rows() == [(0, 7, "PERSON")]


def test_jsonl_span_text_that_disagrees_names_the_span():
    spans = [
        {"start": 0, "end": 7, "label": "PERSON", "text": "Tokayev"},
        {"start": 12, "end": 17, "label": "GPE", "text": "Astana"},
    ]
    with pytest.raises(ParseError) as err:
        parse_jsonl_line(_line(TEXT, spans), line_no=3)
    message = str(err.value)
    assert "spans[1]" in message and "'Astana'" in message and "'Putin'" in message
    assert "12..17" in message and err.value.line == 3


def test_jsonl_span_text_utf16_offsets_are_caught():
    text = "😀 Tokayev met Putin."  # an emoji is 2 UTF-16 code units, 1 Python character
    utf16 = {"start": 3, "end": 10, "label": "PERSON", "text": "Tokayev"}  # JavaScript's
    with pytest.raises(ParseError, match="UTF-16"):
        parse_jsonl_line(_line(text, [utf16]), line_no=1)
    right = {"start": 2, "end": 9, "label": "PERSON", "text": "Tokayev"}
    assert parse_jsonl_line(_line(text, [right]), line_no=1).span_rows() == [(2, 9, "PERSON")]


def test_jsonl_span_text_is_compared_in_the_original_text_before_cr_and_bom_go():
    text = "\ufeffTokayev met\r\nPutin."
    spans = [{"start": 14, "end": 19, "label": "PERSON", "text": "Putin"}]
    doc = parse_jsonl_line(_line(text, spans), line_no=1)
    (row,) = doc.span_rows()
    assert doc.text[row[0] : row[1]] == "Putin"


def test_jsonl_span_text_bad_record_is_refused_and_the_rest_imported(tmp_path):
    good = _line(TEXT, [{"start": 0, "end": 7, "label": "PERSON", "text": "Tokayev"}])
    bad = _line(
        "Another story about Astana.", [{"start": 0, "end": 7, "label": "X", "text": "Astana"}]
    )
    path = tmp_path / "gold.jsonl"
    path.write_text(f"{good}\n{bad}\n", encoding="utf-8")
    db = tmp_path / "p.db"
    res = CliRunner().invoke(
        cli,
        ["import", str(path), "--db", str(db), "--as-gold", "--annotator", "ann", "--lang", "en"],
    )
    assert res.exit_code == 1
    (line,) = [x for x in res.stderr.splitlines() if x.startswith("error")]
    assert "gold.jsonl:2" in line and "spans[0]" in line and "'Astana'" in line
    with Store(db) as store:
        assert store.count_articles() == 1
