"""doccano: its sequence-labelling JSONL and tab CoNLL out, its JSONL (with relations) in."""

from __future__ import annotations

import json

from export_data import corpus_docs, gold_store
from seqeval.scheme import IOB2, Tokens

from annotator.cli.export_cmd import run_export
from annotator.core.models import Argument, Article, Event, ParsedDoc, ReadError, Span
from annotator.core.spans import doc_problems
from annotator.io import extras
from annotator.io.doccano import write_doccano, write_doccano_conll
from annotator.io.export_common import ExportDoc, ExportReport, unsplit
from annotator.io.jsonl import RELATIONS
from annotator.io.reader import read_file
from annotator.store import Store
from annotator.workflows.importing import import_paths

TEXT = "Tokayev met Mirziyoyev in Astana."
SPANS = [Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(26, 32, "GPE")]
MEET = Event(Span(8, 11, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),))


def _doc(text: str = TEXT, spans=SPANS, events=(), article_id: int = 1) -> ExportDoc:
    art = Article(article_id, "h", text, "T", "en", "2025-04-22", None, "s.txt", "x1", {})
    return ExportDoc(art, "alice", spans, list(events))


def doccano_conll_examples(path) -> list[dict]:
    """doccano's CoNLL reader, as its parser works (doccano/backend data_import
    parsers.py, CoNLLParser): every non-blank line must split on one tab into exactly two
    columns, a blank line ends an example, the words joined by a space are its text and
    seqeval's IOB2 entities its labels (start, end as character offsets)."""
    examples, words, tags = [], [], []

    def record() -> dict:
        labels = []
        for ent in Tokens(tags, IOB2).entities:
            before = " ".join(words[: ent.start])
            start = len(before) + 1 if before else 0
            labels.append([start, start + len(" ".join(words[ent.start : ent.end])), ent.tag])
        return {"text": " ".join(words), "label": labels}

    for line_num, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        line = line.rstrip()
        if line:
            cols = line.split("\t")
            assert len(cols) == 2, (
                f"line {line_num}: A line must be separated by tab and has two columns."
            )
            words.append(cols[0])
            tags.append(cols[1])
        elif words:
            examples.append(record())
            words, tags = [], []
    if words:
        examples.append(record())
    return examples


def test_doccano_jsonl_export_shape_and_events_counted(tmp_path):
    report = ExportReport()
    out = tmp_path / "d.jsonl"
    write_doccano(unsplit([_doc(events=[MEET])]), out, report)
    (record,) = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert record["text"] == TEXT
    assert record["label"] == [[0, 7, "PERSON"], [12, 22, "PERSON"], [26, 32, "GPE"]]
    assert (record["id"], record["lang"], record["annotator"]) == ("x1", "en", "alice")
    assert report.loss_lines() == [
        "1 events (doccano sequence labelling cannot hold them): not written"
    ]


def test_doccano_jsonl_round_trip_ours_theirs_ours_is_exact_for_entities(tmp_path):
    # the model's spans across a paragraph break are refused as gold by any import
    store = gold_store([d for d in corpus_docs() if not doc_problems(d)])
    run_export(store, "doccano", tmp_path / "d.jsonl")
    again = Store()
    summary = import_paths(again, [tmp_path / "d.jsonl"], as_gold=True, annotator="ann")
    assert not summary.errors and summary.imported == store.count_articles()
    before = {g.article.text: g.spans for g in store.iter_gold()}
    after = {g.article.text: g.spans for g in again.iter_gold()}
    assert after == before


def test_doccano_conll_is_what_doccanos_parser_reads(tmp_path):
    store = gold_store(corpus_docs())
    report, paths = run_export(store, "doccano-conll", tmp_path / "d.conll")
    examples = doccano_conll_examples(paths[""])
    golds = list(store.iter_gold())
    assert len(examples) == report.docs[""] == len(golds)  # one example per article
    for example, gold in zip(examples, golds):
        text = gold.article.text
        # doccano's text is the tokens joined by spaces: compare the entities' words
        got = [("".join(example["text"][s:e].split()), label) for s, e, label in example["label"]]
        tagged = sorted({s for s in gold.spans}, key=lambda s: s.start)
        want = [("".join(text[s.start : s.end].split()), s.label) for s in tagged]
        assert [g for g in got if g in want] == got and len(got) <= len(want)
    assert "-DOCSTART-" not in paths[""].read_text("utf-8")


def test_doccano_conll_lines_have_exactly_one_tab(tmp_path):
    out = tmp_path / "d.conll"
    write_doccano_conll(unsplit([_doc()]), out)
    lines = out.read_text("utf-8").split("\n")
    assert lines[:3] == ["Tokayev\tB-PERSON", "met\tO", "Mirziyoyev\tB-PERSON"]
    assert doccano_conll_examples(out) == [
        {
            "text": "Tokayev met Mirziyoyev in Astana .",
            "label": [[0, 7, "PERSON"], [12, 22, "PERSON"], [26, 32, "GPE"]],
        }
    ]


def test_doccano_jsonl_relations_are_counted_not_silently_dropped(tmp_path):
    record = {
        "text": TEXT,
        "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 7, "label": "PERSON"},
            {"id": 2, "start_offset": 12, "end_offset": 22, "label": "PERSON"},
        ],
        "relations": [{"id": 5, "from_id": 1, "to_id": 2, "type": "met"}],
    }
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(record) + "\n", "utf-8")
    (doc,) = read_file(path)
    assert isinstance(doc, ParsedDoc) and doc.spans == SPANS[:2]
    assert extras.take(doc).notes == {RELATIONS: 1}
    summary = import_paths(Store(), [path])
    assert summary.notes == {RELATIONS: 1} and summary.imported == 1


def test_doccano_bad_records_are_one_line_each_and_the_rest_comes_in(tmp_path):
    lines = [
        json.dumps({"text": TEXT, "label": [[0, 7, "PERSON"]]}),
        '{"text": "cut off", "label": [[0, 3',  # truncated
        json.dumps({"text": "Astana", "label": [[0, 99, "GPE"]]}),  # past the end
        json.dumps({"text": "Astana", "label": [["0", 6, "GPE"]]}),  # wrong type
        json.dumps({"label": [[0, 6, "GPE"]]}),  # no text
        json.dumps({"text": "Almaty", "label": [[0, 6, "GPE"]]}),
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    errors: list[ReadError] = []
    summary = import_paths(Store(), [path], as_gold=True, annotator="a", on_error=errors.append)
    assert summary.imported == 2
    assert [(e.line, e.reason.split(":")[0]) for e in errors] == [
        (2, "invalid JSON"),
        (3, "label[0]"),
        (4, "label[0]"),
        (5, "missing field 'text'"),
    ]
    assert all(str(e).startswith(f"{path}:{e.line}: ") for e in errors)


def test_doccano_conll_export_imports_back_as_one_article_per_example(tmp_path):
    """doccano's CoNLL has no -DOCSTART-: each blank-line block is an example. Imported
    back, each is an article with its entities (a new-user trial got one article holding
    all six)."""
    store = gold_store([d for d in corpus_docs() if not doc_problems(d)][:6])
    run_export(store, "doccano-conll", tmp_path / "d.conll")
    again = Store()
    summary = import_paths(again, [tmp_path / "d.conll"], as_gold=True, annotator="ann", lang="en")
    assert not summary.errors
    examples = doccano_conll_examples(tmp_path / "d.conll")
    assert again.count_articles() == len(examples) == 6
    got = sorted(
        (g.article.text, sorted((s.start, s.end, s.label) for s in g.spans))
        for g in again.iter_gold()
    )
    want = sorted((e["text"], sorted(tuple(x) for x in e["label"])) for e in examples)
    assert got == want  # what doccano's own parser reads from the same file
