"""CoNLL export and import, checked with spaCy's converter and seqeval."""

from __future__ import annotations

import subprocess
import sys

import pytest
from export_data import corpus_docs, edge_docs, gold_store
from seqeval.metrics import f1_score
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2, Entities
from spacy.tokens import DocBin

from annotator.core.models import EVENT, Article, Event, ParsedDoc, ReadError, Span, Suggestion
from annotator.io.conll import DOCSTART, conll_text, parse_conll, read_conll, write_conll
from annotator.io.export_common import ExportDoc, ExportReport, unsplit
from annotator.io.tokens import blank


def _conll(text: str, spans, events=(), report=None) -> str:
    art = Article(1, "h", text, "T", "en", None, None, "", None, {})
    return conll_text(blank("en")(text), ExportDoc(art, "a", spans, events), report)


def _sentences(path) -> tuple[list[list[str]], list[list[str]], int]:
    """(tokens, tags) per sentence and the number of -DOCSTART- lines, read by hand."""
    words, tags, docs = [[]], [[]], 0
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line == DOCSTART:
            docs += 1
        elif not line.strip():
            if words[-1]:
                words.append([])
                tags.append([])
        else:
            word, tag = line.split(" ")
            words[-1].append(word)
            tags[-1].append(tag)
    return [w for w in words if w], [t for t in tags if t], docs


def test_conll_writes_docstart_iob2_and_sentence_breaks():
    text = "Kassym-Jomart Tokayev met Shavkat Mirziyoyev.\n\nThey  talked in Astana."
    astana = text.index("Astana")
    out = _conll(
        text, [Span(0, 21, "PERSON"), Span(26, 44, "PERSON"), Span(astana, astana + 6, "GPE")]
    )
    assert out == (
        f"{DOCSTART}\n\n"
        "Kassym B-PERSON\n- I-PERSON\nJomart I-PERSON\nTokayev I-PERSON\nmet O\n"
        "Shavkat B-PERSON\nMirziyoyev I-PERSON\n. O\n\n"
        "They O\ntalked O\nin O\nAstana B-GPE\n. O\n\n"
    )


def test_conll_never_breaks_a_sentence_inside_an_entity():
    text = "Kassym-Jomart\nTokayev spoke. Then Astana hosted."
    out = _conll(text, [Span(0, 21, "PERSON")])
    assert "Jomart I-PERSON\nTokayev I-PERSON" in out
    assert ". O\n\nThen O" in out  # the sentencizer's break is kept elsewhere


def test_conll_counts_what_it_cannot_hold():
    report = ExportReport()
    text = "Tokayev met Mirziyoyev in Astana."
    event = Event(Span(8, 11, "Meet"))
    spans = [Span(0, 7, "PERSON"), Span(0, 22, "GROUP"), Span(2, 9, "CUT")]
    out = _conll(text, spans, [event], report)
    # "CUT" cuts a token but is overlapped: left out, counted, and it cuts no token
    assert "Tokayev B-GROUP\nmet I-GROUP\nMirziyoyev I-GROUP" in out
    counts = {what.split(" ")[0]: loss.count for what, loss in report.losses.items()}
    assert counts == {"overlapping": 2, "events": 1}


def test_conll_cuts_tokens_at_entity_edges_and_keeps_the_sentences():
    """spaCy keeps "Ltd." as one token: the span ending before the "." was left out."""
    text = "Caspian Pipeline Ltd. signed, Kazakhstan's envoy said.\nAstana agreed."
    kazakh, astana = text.index("Kazakh"), text.index("Astana")
    spans = [Span(0, 20, "ORG"), Span(kazakh, kazakh + 6, "NORP"), Span(astana, astana + 6, "GPE")]
    report = ExportReport()
    out = _conll(text, spans, report=report)
    assert out == (
        f"{DOCSTART}\n\n"
        "Caspian B-ORG\nPipeline I-ORG\nLtd I-ORG\n. O\nsigned O\n, O\n"
        "Kazakh B-NORP\nstan O\n's O\nenvoy O\nsaid O\n. O\n\n"
        "Astana B-GPE\nagreed O\n. O\n\n"
    )
    assert report.losses == {}


def test_conll_counts_spans_with_whitespace_at_an_edge_even_inside_a_token_space():
    """ " met" starts in the space after "Tokayev": it gets a token, and is counted."""
    report = ExportReport()
    out = _conll("Tokayev met Putin.", [Span(7, 11, "X"), Span(12, 17, "PERSON")], report=report)
    assert "Tokayev O\nmet O\nPutin B-PERSON\n. O" in out
    (what,) = report.losses
    assert what.startswith("entity spans starting or ending with whitespace")


def test_conll_export_is_valid_iob2_for_seqeval(tmp_path):
    store = gold_store([*corpus_docs(), *edge_docs()])
    path = tmp_path / "gold.conll"
    write_conll(unsplit(store.iter_gold()), path)
    words, tags, docs = _sentences(path)
    assert docs == len(corpus_docs()) + len(edge_docs())
    lenient = get_entities(tags)
    strict = Entities(tags, IOB2).entities  # raises on a tag outside O/B-/I-
    assert len(lenient) == sum(len(s) for s in strict) > 500  # no entity starts with I-
    assert f1_score(tags, tags, mode="strict", scheme=IOB2) == 1.0
    assert all(w.strip() == w and w for sent in words for w in sent)


@pytest.mark.slow
def test_conll_export_is_read_by_spacy_convert(tmp_path):
    store = gold_store(edge_docs())
    path = tmp_path / "gold.conll"
    write_conll(unsplit(store.iter_gold()), path)
    cmd = [sys.executable, "-m", "spacy", "convert", str(path), str(tmp_path), "-c", "ner"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    docs = list(DocBin().from_disk(tmp_path / "gold.spacy").get_docs(blank("xx").vocab))
    words, tags, _ = _sentences(path)
    assert len(docs) == len(edge_docs())
    assert [t.text for d in docs for t in d] == [w for s in words for w in s]
    spacy_ents = [(e.label_, e.text) for d in docs for e in d.ents]
    ours = [(label, label) for label, _, _ in get_entities(tags)]
    assert [label for label, _ in spacy_ents] == [label for label, _ in ours]
    assert ("GROUP", "Tokayev met Mirziyoyev") in spacy_ents


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_conll_round_trip_gives_the_same_file(tmp_path, lang):
    # CoNLL does not record the language: the reader is told, as `import --lang` would
    docs = [d for d in [*corpus_docs(), *edge_docs()] if d.lang == lang]
    store = gold_store(docs)
    first = tmp_path / "one.conll"
    write_conll(unsplit(store.iter_gold()), first)
    parsed = list(read_conll(first, lang=lang))
    assert all(isinstance(d, ParsedDoc) for d in parsed)
    second = tmp_path / "two.conll"
    write_conll(unsplit(gold_store(parsed).iter_gold()), second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


def test_conll_reader_understands_iob1_bioes_and_bilou():
    text = "Tokayev x\nmet O\nKassym I-PER\nTokayev I-PER\nin O\nBig S-LOC\nNew B-LOC\nYork E-LOC\n"
    (doc,) = parse_conll(text.replace(" x", " U-PER"), "f.conll", "en")
    assert doc.text == "Tokayev met Kassym Tokayev in Big New York"
    assert [(doc.text[s.start : s.end], s.label) for s in doc.spans] == [
        ("Tokayev", "PER"),
        ("Kassym Tokayev", "PER"),
        ("Big", "LOC"),
        ("New York", "LOC"),
    ]


def test_conll_reader_splits_documents_and_keeps_sentences_as_lines():
    text = f"{DOCSTART}\n\nA B-X\nb I-X\n\nc O\n\n{DOCSTART}\n\nd O\n"
    one, two = parse_conll(text, "dir/f.conll")
    assert (one.text, two.text) == ("A b\nc", "d")
    assert one.spans == [Span(0, 3, "X")] and one.external_id == "f:1" and one.lang == "xx"


def test_conll_reader_reports_bad_lines_with_their_number():
    (err,) = parse_conll("A O\nlonely\n", "f.conll")
    assert isinstance(err, ReadError) and err.line == 2
    (err,) = parse_conll("A O\nB X-FOO\n", "f.conll")
    assert isinstance(err, ReadError) and err.line == 2 and "X-FOO" in err.reason


def test_conll_reader_reports_every_bad_line_and_keeps_the_whole_documents():
    """A bad line once ended the file: 1 of 4 documents imported, 1 error printed."""
    text = (
        f"{DOCSTART}\n\nA B-X\nb O\n\n"  # 1: fine
        f"{DOCSTART}\n\nlonely\nc O\nd Z-FOO\n\n"  # 2: two bad lines (8 and 10)
        f"{DOCSTART}\n\ne O\n\n"  # 3: fine
        f"{DOCSTART}\n\nf B-\n"  # 4: bad tag on line 18
    )
    out = list(parse_conll(text, "f.conll", "en"))
    assert [type(x).__name__ for x in out] == ["ParsedDoc", "ReadError", "ReadError"] + [
        "ParsedDoc",
        "ReadError",
    ]
    one, err1, err2, three, err4 = out
    assert (one.text, three.text) == ("A b", "e")
    assert (one.external_id, three.external_id) == ("f:1", "f:3")  # ids keep their position
    assert one.annotated and three.annotated  # every token has a tag
    assert [(e.line, e.source) for e in (err1, err2, err4)] == [
        (8, "f.conll"),
        (10, "f.conll"),
        (18, "f.conll"),
    ]
    assert str(err1) == (
        "f.conll:8: expected a token and a tag separated by whitespace; "
        "the article from line 6 is not imported"
    )
    assert "unknown tag 'Z-FOO'" in err2.reason and "unknown tag 'B-'" in err4.reason


def test_conll_reader_bad_language_is_a_read_error():
    (err,) = parse_conll("A O\n", "f.conll", "../../x")
    assert isinstance(err, ReadError) and "bad language code '../../x'" in err.reason


@pytest.mark.parametrize("label", ["NEW LABEL", "A\nB", "TAB\tX", "NB\u00a0SP", ""])
def test_conll_export_refuses_a_label_it_cannot_write_and_writes_nothing(tmp_path, label):
    art = Article(7, "h", "Tokayev met Putin.", "T", "en", None, None, "", "ext-7", {})
    good = ExportDoc(art, "a", [Span(0, 7, "PERSON")])
    bad = ExportDoc(art, "a", [Span(12, 17, label)])
    path = tmp_path / "out.conll"
    with pytest.raises(ValueError) as err:
        write_conll(unsplit([good, bad]), path)
    assert str(err.value) == (
        f"article 7 (ext-7): entity label {label!r} cannot be written to CoNLL (a label "
        "there must not be empty or hold spaces or line breaks); nothing exported"
    )
    assert not path.exists()


def test_conll_export_leaves_out_articles_with_undecided_entity_suggestions(tmp_path):
    """Undecided names in a done article must not become "O" tokens."""
    text = "Tokayev met Putin."
    art = Article(1, "h", text, "T", "en", None, None, "", None, {})
    other = Article(2, "h2", "Putin spoke.", "T", "en", None, None, "", None, {})
    pending = ExportDoc(
        art, "a", [Span(0, 7, "PERSON")], pending=[Suggestion(Span(12, 17, "PERSON"))]
    )
    event_only = ExportDoc(
        other, "a", [Span(0, 5, "PERSON")], pending=[Suggestion(Span(6, 11, "Say"), EVENT)]
    )
    report = ExportReport()
    path = tmp_path / "out.conll"
    write_conll(unsplit([pending, event_only]), path, report)
    assert path.read_text(encoding="utf-8") == f"{DOCSTART}\n\nPutin B-PERSON\nspoke O\n. O\n\n"
    assert report.docs[""] == 1 and report.spans[("", "PERSON")] == 1
    (line,) = report.loss_lines()
    assert line.startswith("1 undecided suggestion in 1 article")
    assert "their articles are left out (CoNLL would tag those names O" in line
    assert line.endswith("e.g. article 1: 1")


def test_conll_export_leaves_out_partial_entity_gold_and_says_so(tmp_path):
    """Gold made for events holds only some names: CoNLL would tag every other one O."""
    partial = Article(1, "h", "Tokayev met Putin.", "T", "en", None, None, "", None,
                      {"entities": "partial"})  # fmt: skip
    full = Article(2, "h2", "Putin spoke.", "T", "en", None, None, "", None, {})
    docs = [
        ExportDoc(partial, "a", [Span(0, 7, "PERSON")]),
        ExportDoc(full, "a", [Span(0, 5, "PERSON")]),
    ]
    report = ExportReport()
    path = tmp_path / "out.conll"
    write_conll(unsplit(docs), path, report)
    assert path.read_text(encoding="utf-8") == f"{DOCSTART}\n\nPutin B-PERSON\nspoke O\n. O\n\n"
    (line,) = report.loss_lines()
    assert "entity gold is partial" in line and "left out" in line


def test_conll_export_splits_a_token_that_holds_a_space(tmp_path):
    """Russian's tokenizer keeps "в т.ч." as one token; a CoNLL line cannot hold it (the
    reader kept "в" and lost "т.ч.")."""
    text = "Компании, в т.ч. Самрук-Казына, выросли."
    art = Article(1, "h", text, "T", "ru", None, None, "", None, {})
    path = tmp_path / "out.conll"
    write_conll(unsplit([ExportDoc(art, "a", [Span(17, 30, "ORG")])]), path, ExportReport())
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "в O" in lines and "т.ч. O" in lines
    (doc,) = read_conll(path, lang="ru")
    assert "т.ч." in doc.text.split()
