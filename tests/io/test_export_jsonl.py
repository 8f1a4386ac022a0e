"""Prodigy-compatible JSONL export, and the round trip through the JSONL importer."""

from __future__ import annotations

import json

import pytest
from export_data import corpus_docs, edge_docs, gold_store

from annotator.core.models import EVENT, Article, Event, ParsedDoc, Span, Suggestion
from annotator.io.export_common import ExportDoc, ExportReport, unsplit
from annotator.io.export_jsonl import record, write_jsonl
from annotator.io.jsonl import read_jsonl
from annotator.io.tokens import blank


def _article(text: str, lang: str = "en", **kw) -> Article:
    fields = dict(
        id=1,
        content_hash="h",
        text=text,
        title="T",
        lang=lang,
        date="2025-04-21",
        time=None,
        source="s.txt",
        external_id=None,
        meta={},
    )
    return Article(**{**fields, **kw})


def _records(store) -> list[dict]:
    return [record(d, blank(d.article.lang)(d.article.text)) for d in store.iter_gold()]


def test_export_jsonl_record_has_prodigy_fields():
    doc = ExportDoc(_article("Tokayev met Mirziyoyev."), "ann", [Span(12, 22, "PERSON")])
    rec = record(doc, blank("en")(doc.article.text))
    assert rec["text"] == "Tokayev met Mirziyoyev."
    assert rec["meta"] == {
        "id": "1",
        "date": "2025-04-21",
        "language": "en",
        "title": "T",
        "source": "s.txt",
    }
    assert rec["spans"] == [
        {"start": 12, "end": 22, "label": "PERSON", "token_start": 2, "token_end": 2}
    ]
    assert [t["text"] for t in rec["tokens"]] == ["Tokayev", "met", "Mirziyoyev", "."]
    assert rec["answer"] == "accept" and rec["_annotator_id"] == "ann"
    assert rec["_view_id"] == "ner_manual"
    # not Prodigy's murmurhash values: none are written (prodigy db-in hashes them itself)
    assert "_input_hash" not in rec and "_task_hash" not in rec


def test_export_jsonl_token_fields_match_the_text_and_end_token_is_inclusive():
    text = "🇰🇿 😀 Kassym-Jomart Tokayev visited Tashkent\u00a0on Monday."
    doc = ExportDoc(_article(text), "ann", [Span(5, 26, "PERSON")])
    rec = record(doc, blank("en")(text))
    for i, tok in enumerate(rec["tokens"]):
        assert tok["id"] == i and text[tok["start"] : tok["end"]] == tok["text"]
    span = rec["spans"][0]
    toks = rec["tokens"]
    assert toks[span["token_start"]]["start"] == 5 and toks[span["token_end"]]["end"] == 26


@pytest.mark.parametrize(
    ("spans", "view"),
    [
        ([Span(0, 7, "PERSON"), Span(12, 22, "PERSON")], "ner_manual"),
        ([Span(0, 22, "ORG"), Span(12, 22, "PERSON")], "spans_manual"),  # overlap
        ([Span(0, 5, "PERSON")], "spans_manual"),  # cuts the token "Tokayev"
    ],
)
def test_export_jsonl_view_id_is_spans_manual_where_spans_overlap_or_cut_tokens(spans, view):
    """spaCy refuses overlapping ner_manual spans as doc.ents (E1010)."""
    art = _article("Tokayev met Mirziyoyev. Then")
    rec = record(ExportDoc(art, "a", spans), blank("en")(art.text))
    assert rec["_view_id"] == view
    if view == "spans_manual":  # still on the record's own (cut) tokens
        assert all("token_start" in s for s in rec["spans"])


def test_export_jsonl_span_cutting_a_token_gets_its_tokens_and_ws_stays_true():
    text = "Caspian Pipeline Ltd. met Tokayev."
    art = _article(text)
    report = ExportReport()
    spans = [Span(0, 20, "ORG"), Span(2, 12, "CUT"), Span(21, 25, "SPACE")]
    rec = record(ExportDoc(art, "a", spans), blank("en")(text), report)
    toks = rec["tokens"]
    assert [(t["text"], t["ws"]) for t in toks] == [
        ("Ca", False),
        ("spian", True),
        ("Pipe", False),
        ("line", True),
        ("Ltd", False),
        (".", False),
        (" ", False),  # " met" starts in the space after "Ltd.": a token of its own
        ("met", True),
        ("Tokayev", False),
        (".", False),
    ]
    assert "".join(t["text"] + " " * t["ws"] for t in toks) == text
    for span in rec["spans"]:
        assert toks[span["token_start"]]["start"] == span["start"]
        assert toks[span["token_end"]]["end"] == span["end"]
    assert report.losses == {}


def test_export_jsonl_writes_events_with_roles_and_attributes():
    art = _article("Tokayev met Mirziyoyev.")
    event = Event.from_dict(
        {
            "trigger": {"start": 8, "end": 11},
            "type": "Meet",
            "arguments": [{"role": "Participant", "start": 0, "end": 7, "label": "PERSON"}],
            "attributes": {"Negation": True},
        }
    )
    rec = record(ExportDoc(art, "a", [], [event]), blank("en")(art.text))
    assert rec["events"] == [
        {
            "trigger": {"start": 8, "end": 11},
            "type": "Meet",
            "arguments": [{"role": "Participant", "start": 0, "end": 7, "label": "PERSON"}],
            "attributes": {"Negation": True},
        }
    ]


def test_export_jsonl_split_writes_one_file_per_split(tmp_path):
    art = _article("Tokayev met Mirziyoyev.")
    items = [("train", ExportDoc(art, "a")), ("dev", ExportDoc(art, "b"))]
    paths = write_jsonl(items, tmp_path / "out")
    assert paths == {"train": tmp_path / "out/train.jsonl", "dev": tmp_path / "out/dev.jsonl"}
    assert json.loads(paths["dev"].read_text())["_annotator_id"] == "b"


def test_export_jsonl_round_trip_through_the_importer_is_lossless(tmp_path):
    store = gold_store([*corpus_docs(), *edge_docs()])
    path = tmp_path / "gold.jsonl"
    write_jsonl(unsplit(store.iter_gold()), path)
    parsed = list(read_jsonl(path.read_text(encoding="utf-8"), str(path)))
    assert all(isinstance(d, ParsedDoc) for d in parsed)
    again = gold_store(parsed)
    path2 = tmp_path / "again.jsonl"
    write_jsonl(unsplit(again.iter_gold()), path2)
    first = [json.loads(x) for x in path.read_text(encoding="utf-8").split("\n") if x]
    second = [json.loads(x) for x in path2.read_text(encoding="utf-8").split("\n") if x]
    for rec in first + second:
        del rec["meta"]["source"]  # the importer records the file it read
    assert second == first
    assert any(r["events"] for r in first) and any(not r["spans"] for r in first)


PRODIGY = {
    "_session_id": "news-alice",
    "_timestamp": 1713780000,
    "_annotator_id": "alice",
    "_input_hash": -1398571203,
    "_task_hash": 1570128833,
}


def _imported(answer: str) -> ExportDoc:
    line = json.dumps({"text": "Tokayev spoke.", "spans": [], "answer": answer, **PRODIGY})
    (doc,) = read_jsonl(line, "p.jsonl")
    return ExportDoc(_article(doc.text, meta=doc.meta), "ann", [Span(0, 7, "PERSON")])


@pytest.mark.parametrize("answer", ["accept", "reject"])
def test_export_jsonl_gold_is_accepted_by_its_annotator_and_keeps_prodigy_fields(answer):
    """Gold is exported as "accept" by the project's annotator whose gold it is, whatever
    the imported line said (a "reject" exported back would be dropped on re-import)."""
    doc = _imported(answer)
    rec = record(doc, blank("en")(doc.article.text))
    assert rec["answer"] == "accept" and rec["_annotator_id"] == "ann"
    kept = {k: v for k, v in PRODIGY.items() if k not in ("_annotator_id", "_task_hash")}
    assert {k: rec[k] for k in kept} == kept
    # Prodigy's own input hash of that record is written back; its task hash named the
    # imported annotations, not this gold
    assert rec["_input_hash"] == PRODIGY["_input_hash"] and "_task_hash" not in rec


def test_export_jsonl_marks_articles_with_undecided_entity_suggestions_partial(tmp_path):
    """Undecided suggestions in a done article must not read as "no entity here"."""
    undecided = Suggestion(Span(12, 22, "PERSON"))
    docs = [
        ExportDoc(
            _article("Tokayev met Mirziyoyev."), "ann", [Span(0, 7, "PERSON")], [], [undecided]
        ),
        ExportDoc(
            _article("Tokayev spoke.", id=2), "ann", [], [], [Suggestion(Span(8, 13, "Say"), EVENT)]
        ),
    ]
    report = ExportReport()
    path = tmp_path / "out.jsonl"
    write_jsonl(unsplit(docs), path, report)
    first, second = (json.loads(x) for x in path.read_text(encoding="utf-8").splitlines())
    assert first["meta"]["entities"] == "partial" and "entities" not in second["meta"]
    (line,) = report.loss_lines()
    assert line.startswith("1 undecided suggestion in 1 article") and "article 1: 1" in line
    assert 'written with meta.entities = "partial"' in line
    (back, _) = read_jsonl(path.read_text(encoding="utf-8"), str(path))
    assert back.meta["entities"] == "partial"  # and comes back as partial gold


@pytest.mark.parametrize("words", [10, 31_000, 31_300, 40_000])
def test_export_jsonl_fast_line_is_the_record_on_texts_long_and_short(words):
    """The token cache's line (offsets looked up in a table of decimal strings up to
    export_jsonl.NUMBERS, formatted past it) is json.dumps of the record, byte for byte,
    on both sides of the table's end."""
    from annotator.io.export_jsonl import NUMBERS, fast_line
    from annotator.io.token_cache import Tokens

    text = " ".join(f'w{i % 7}"é' if i % 5 == 0 else f"ab{i % 3}" for i in range(words)) + "."
    assert (len(text) > NUMBERS) == (words > 31_100)
    doc = ExportDoc(_article(text), "ann", [Span(0, 5, "ORG"), Span(len(text) - 4, len(text), "X")])
    tokens = blank("en")(text)
    expected = json.dumps(record(doc, tokens), ensure_ascii=False) + "\n"
    assert fast_line(doc, Tokens.of(tokens)) == expected
