"""brat standoff export and import, checked with a third-party reader (pybrat)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from export_data import corpus_docs, edge_docs, gold_store
from pybrat.parser import BratParser

from annotator.core.models import Argument, Article, Event, ParsedDoc, ReadError, Skipped, Span
from annotator.core.schema import load_schema
from annotator.io.brat import SafeNames, brat_ann, safe_stem, write_brat
from annotator.io.brat_conf import BratSchema
from annotator.io.brat_read import parse_brat_txt, read_brat
from annotator.io.export_common import ExportDoc, ExportReport, unsplit

TEXT = "Kassym-Jomart Tokayev, Gurbanguly Berdimuhamedov hold informal meeting in Turkistan."
T1, T2, T4 = Span(0, 21, "PERSON"), Span(23, 48, "PERSON"), Span(74, 83, "GPE")
MEET = Event(
    Span(63, 70, "Meet"),
    (Argument("Participant", T1), Argument("Participant", T2), Argument("Place", T4)),
    (("Modality", "future"), ("Negation", True)),
)


def _doc(text=TEXT, spans=(T1, T2, T4), events=(MEET,), external_id=None) -> ExportDoc:
    art = Article(7, "h", text, "T", "en", None, None, "", external_id, {})
    return ExportDoc(art, "ann", list(spans), list(events))


def test_brat_ann_matches_the_reference_example():
    assert brat_ann(_doc()) == (
        "T1\tPERSON 0 21\tKassym-Jomart Tokayev\n"
        "T2\tPERSON 23 48\tGurbanguly Berdimuhamedov\n"
        "T3\tMeet 63 70\tmeeting\n"
        "T4\tGPE 74 83\tTurkistan\n"
        "E1\tMeet:T3 Participant:T1 Participant2:T2 Place:T4\n"
        "A1\tModality E1 future\n"
        "A2\tNegation E1\n"
    )


def test_brat_false_attribute_is_absent_and_argument_only_span_gets_a_note():
    topic = Span(54, 70, "SPAN")
    event = Event(Span(63, 70, "Meet"), (Argument("Topic", topic),), (("Negation", False),))
    ann = brat_ann(_doc(spans=(), events=(event,)))
    assert "A1" not in ann
    assert "T1\tSPAN 54 70\tinformal meeting\n" in ann
    assert re.search(r"#1\tAnnotatorNotes T\d\targument only\n", ann)
    (doc,) = read_brat_text(ann)
    assert doc.spans == [] and doc.events[0].arguments[0].span == topic


def read_brat_text(ann: str, text: str = TEXT, tmp=None):
    import tempfile
    from pathlib import Path

    folder = Path(tmp or tempfile.mkdtemp())
    (folder / "d.txt").write_text(text, encoding="utf-8", newline="")
    (folder / "d.ann").write_text(ann, encoding="utf-8")
    return list(read_brat(folder / "d.ann", lang="en"))


def test_brat_line_breaks_inside_a_span_become_fragments():
    text = "Kassym-Jomart\nTokayev spoke.\n\nAstana hosted."
    report = ExportReport()
    ann = brat_ann(_doc(text, [Span(0, 21, "PERSON"), Span(28, 36, "EDGE")], []), report)
    assert "T1\tPERSON 0 13;14 21\tKassym-Jomart Tokayev\n" in ann
    assert "T2\tEDGE 30 36\tAstana\n" in ann
    assert any("line break" in line for line in report.loss_lines())
    (doc,) = read_brat_text(ann, text)
    assert Span(0, 21, "PERSON") in doc.spans


@pytest.mark.parametrize(
    "raw", ["../../etc/passwd", "a/b", "/abs", "..", ".hidden", "", "CON", "nul.txt", "x" * 300]
)
def test_brat_safe_stem_cannot_escape_or_hide(raw):
    stem = safe_stem(raw)
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9._-]*", stem)
    assert len(stem) <= 120 and stem.split(".")[0].upper() not in ("CON", "NUL")


def test_brat_safe_names_never_collide():
    names = SafeNames()
    got = [
        names.claim(raw, who)
        for raw, who in [
            ("a/b", "x"),
            ("a_b", "x"),
            ("a_b", "y"),
            ("A_B", "y"),
            ("a_b", "y"),
            ("a?b", "x"),
        ]
    ]
    assert len({g.lower() for g in got}) == len(got)
    assert got[1] == "a_b" and got[2] == "a_b-y"


def test_brat_annotation_conf_lists_labels_events_and_attributes():
    schema = BratSchema()
    schema.add(_doc())
    schema.add_event_type("Visit", [("Visitor", "+", ["PERSON"])])
    conf = schema.conf_text()
    assert "[entities]\nGPE\nPERSON\n" in conf
    assert "Meet\tParticipant*:PERSON, Place?:GPE\n" in conf
    assert "Visit\tVisitor+:PERSON\n" in conf
    assert "Modality\tArg:<EVENT>, Value:future\n" in conf and "Negation\tArg:<EVENT>\n" in conf


def test_brat_rejects_names_brat_cannot_hold():
    with pytest.raises(ValueError, match="brat cannot hold the label 'TWO WORDS'"):
        brat_ann(_doc(spans=[Span(0, 6, "TWO WORDS")], events=[]))


def _export(tmp_path, docs):
    out = tmp_path / "brat"
    write_brat(unsplit(gold_store(docs).iter_gold()), out)
    return out


def test_brat_export_is_read_by_pybrat_and_every_t_line_matches_the_text(tmp_path):
    # pybrat refuses two labels on one span, which the trimmed EDGE span of "multi" makes
    docs = [*corpus_docs(), *(d for d in edge_docs() if d.external_id != "multi")]
    out = _export(tmp_path, docs)
    examples = BratParser(error="raise").parse(out)
    assert len(examples) == len(docs)
    n_entities = 0
    for ex in examples:
        text = (out / f"{ex.id}.txt").read_text(encoding="utf-8")
        for ent in ex.entities:
            assert ent.mention == " ".join(text[s.start : s.end] for s in ent.spans)
            n_entities += 1
        for event in ex.events:
            assert event.trigger.mention == text[event.trigger.start : event.trigger.end]
    assert n_entities >= sum(len(d.spans) for d in docs)
    assert sum(len(ex.events) for ex in examples) == sum(len(d.events) for d in docs)


def test_brat_export_file_names_stay_inside_the_folder(tmp_path):
    out = _export(tmp_path, edge_docs())
    files = sorted(p.name for p in out.iterdir())
    assert all(p.parent == out for p in out.iterdir())
    assert "annotation.conf" in files and len(files) == 2 * len(edge_docs()) + 1
    assert not (tmp_path / "en.txt").exists()


def test_brat_round_trip_gives_the_same_files(tmp_path):
    first = _export(tmp_path / "one", [*corpus_docs(), *edge_docs()])
    parsed = list(read_brat(first, lang="en"))
    assert all(isinstance(d, ParsedDoc) for d in parsed), [str(d) for d in parsed][:3]
    second = _export(tmp_path / "two", parsed)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name


def test_brat_reader_maps_offsets_of_a_crlf_text(tmp_path):
    text = "Hello\r\nTokayev met Putin."
    (doc,) = read_brat_text("T1\tPERSON 7 14\tTokayev\nT2\tPERSON 19 24\tPutin\n", text, tmp_path)
    assert doc.text == "Hello\nTokayev met Putin."
    assert [doc.text[s.start : s.end] for s in doc.spans] == ["Tokayev", "Putin"]


@pytest.mark.parametrize(
    ("ann", "reason"),
    [
        ("T1\tPERSON 0 99\tKassym", "bad offsets"),
        ("T1\tPERSON 0 6\tTokayev", "does not match"),
        ("T1\tPERSON 0 6;14 21\tKassym Tokayev", "discontinuous"),
        ("T1\tPERSON 0 6\tKassym\nE1\tMeet:T9 Participant:T1", "unknown trigger T9"),
        ("T1 PERSON 0 6 Kassym", "malformed T line"),
    ],
)
def test_brat_reader_reports_bad_lines(tmp_path, ann, reason):
    (err,) = read_brat_text(ann, TEXT, tmp_path)
    assert isinstance(err, ReadError) and reason in err.reason


def test_brat_reader_names_what_it_left_out_in_one_line_per_file(tmp_path):
    ann = (
        "T1\tPERSON 0 21\tKassym-Jomart Tokayev\n"
        "T2\tGPE 74 83\tTurkistan\n"
        "R1\tIn Arg1:T1 Arg2:T2\n"
        "*\tEquiv T1 T2\n"
        "#1\tAnnotatorNotes T1\tthe president\n"
        "N1\tReference T2 Wikipedia:123\tTurkistan\n"
        "A1\tImportant T1\n"
        "R2\tNear Arg1:T1 Arg2:T2\n"
        "this line is garbage\n"
        "T3\tGPE 74 83\tTurk\x00istan\n"
    )
    doc, skipped = read_brat_text(ann, TEXT, tmp_path)
    assert isinstance(doc, ParsedDoc) and len(doc.spans) == 2 and doc.annotated
    assert doc.meta["brat_skipped"] == {"R": 2, "*": 1, "#": 1, "N": 1, "A": 1, "?": 1, "NUL": 1}
    assert isinstance(skipped, Skipped) and skipped.source.endswith("d.ann")
    assert str(skipped).endswith(
        "d.ann: left out 2 relations (R) (first: line 3), 1 equivalence (*) (first: line 4), "
        "1 note (#) (first: line 5), 1 normalization (N) (first: line 6), "
        "1 attribute of an entity (A/M) (first: line 7), "
        "1 line that is no brat annotation (first: line 9), "
        "1 line with a NUL character (first: line 10)"
    )


def test_brat_reader_says_nothing_when_it_left_nothing_out(tmp_path):
    (doc,) = read_brat_text("T1\tGPE 74 83\tTurkistan\n", TEXT, tmp_path)
    assert "brat_skipped" not in doc.meta and doc.annotated


@pytest.mark.parametrize(
    ("ann", "reason"),
    [
        (
            "T1\tPERSON 0 21\tKassym-Jomart Tokayev\nT1\tGPE 74 83\tTurkistan\n",
            "T1 is defined twice (lines 1 and 2)",
        ),
        (
            "T1\tPERSON 0 21\tKassym-Jomart Tokayev\nT2\tMeet 63 70\tmeeting\n"
            "E1\tMeet:T2 Participant:T1\nE1\tMeet:T2\n",
            "E1 is defined twice (lines 3 and 4)",
        ),
    ],
)
def test_brat_reader_duplicate_id_is_an_error_not_a_replacement(tmp_path, ann, reason):
    (err,) = read_brat_text(ann, TEXT, tmp_path)
    assert isinstance(err, ReadError) and err.reason == reason


def test_brat_reader_empty_or_missing_ann_is_not_annotated(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.ann").write_text("\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "c.ann").write_text("T1\tGPE 74 83\tTurkistan\n", encoding="utf-8")
    assert [d.annotated for d in read_brat(tmp_path)] == [False, False, True]


def test_brat_reader_txt_with_a_nul_character_is_an_error(tmp_path):
    (tmp_path / "d.txt").write_text("Tokayev\x00 met", encoding="utf-8")
    (err,) = read_brat(tmp_path)
    assert isinstance(err, ReadError) and "NUL character at offset 7" in err.reason


def test_brat_registry_reader_reads_the_ann_beside_the_txt(tmp_path):
    (tmp_path / "d.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tGPE 74 83\tTurkistan\n", encoding="utf-8")
    (doc,) = parse_brat_txt(TEXT, str(tmp_path / "d.txt"), "en")
    assert doc.spans == [T4] and doc.external_id == "d"
    (bare,) = parse_brat_txt(TEXT, str(tmp_path / "other.txt"), "en")  # no .ann: no spans
    assert isinstance(bare, ParsedDoc) and bare.spans == []


def test_brat_reader_txt_without_ann_is_an_article_without_annotations(tmp_path):
    (tmp_path / "only.txt").write_text(TEXT, encoding="utf-8")
    (doc,) = read_brat(tmp_path)
    assert doc.text == TEXT and doc.spans == [] and doc.external_id == "only"


def test_brat_event_as_argument_of_an_event_round_trips():
    from annotator.core.models import Argument, Article, Event, Span
    from annotator.io.brat import brat_ann
    from annotator.io.brat_read import parse_brat_txt
    from annotator.io.export_common import ExportDoc

    text = "Tokayev said he met Mirziyoyev."
    tok, mirz = Span(0, 7, "PERSON"), Span(20, 30, "PERSON")
    meet = Event(
        Span(16, 19, "Meet"), (Argument("Participant", tok), Argument("Participant", mirz))
    )
    said = Event(
        Span(8, 12, "Statement"),
        (Argument("Speaker", tok), Argument("Topic", Span(16, 19, "Meet"))),
    )
    article = Article(1, "h", text, "t", "en", None, None, "", None, {})
    ann = brat_ann(
        ExportDoc(article=article, annotator="a", spans=[tok, mirz], events=[meet, said])
    )
    (statement,) = [ln for ln in ann.splitlines() if ln.startswith("E") and "Statement" in ln]
    meet_id = next(ln.split("\t")[0] for ln in ann.splitlines() if "\tMeet:" in ln)
    assert f"Topic:{meet_id}" in statement
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        txt = Path(tmp) / "d.txt"
        txt.write_text(text, encoding="utf-8")
        (Path(tmp) / "d.ann").write_text(ann, encoding="utf-8")
        (doc,) = parse_brat_txt(text, str(txt), "en")
    again = {(e.type, e.arguments) for e in doc.events}
    # the Topic is the phrase of the Meet event's trigger, not an entity labelled "Meet"
    topic = Argument("Topic", Span(16, 19, "SPAN"))
    assert again == {("Meet", meet.arguments), ("Statement", (said.arguments[0], topic))}
    assert doc.spans == [tok, mirz]
    assert (
        brat_ann(ExportDoc(article=article, annotator="a", spans=doc.spans, events=doc.events))
        == ann
    )


def test_brat_event_as_argument_imports_as_gold_without_inventing_an_entity(tmp_path):
    """brat's "Topic:E1" (an event as another event's argument) made the trigger of E1 a
    gold entity labelled with the event type (new-user trial): it is the trigger's phrase,
    the gold entities are the file's, and the export writes E1 again."""
    from click.testing import CliRunner

    from annotator.cli.main import cli
    from annotator.store import Store

    text = "Tokayev said he met Mirziyoyev."
    ann = (
        "T1\tPERSON 0 7\tTokayev\nT2\tPERSON 20 30\tMirziyoyev\n"
        "T3\tMeet 16 19\tmet\nT4\tStatement 8 12\tsaid\n"
        "E1\tMeet:T3 Participant:T1 Participant2:T2\nE2\tStatement:T4 Speaker:T1 Topic:E1\n"
    )
    src = tmp_path / "in"
    src.mkdir()
    (src / "d.txt").write_text(text, encoding="utf-8")
    (src / "d.ann").write_text(ann, encoding="utf-8")
    db = tmp_path / "p.db"
    run = CliRunner().invoke
    res = run(cli, ["import", str(src), "--db", str(db), "--as-gold", "--annotator", "a"])
    assert res.exit_code == 0, res.output
    with Store(db) as s:
        assert [(x.start, x.end, x.label) for x in s.gold_spans(1, "a")] == [
            (0, 7, "PERSON"),
            (20, 30, "PERSON"),
        ]
        (said,) = [e for e in s.gold_events(1, "a") if e.type == "Statement"]
        assert [(a.role, a.span.label) for a in said.arguments] == [
            ("Speaker", "PERSON"),
            ("Topic", "SPAN"),
        ]
    out = tmp_path / "out"
    res = run(cli, ["export", "--format", "brat", "--out", str(out), "--db", str(db)])
    assert res.exit_code == 0, res.output
    (written,) = out.rglob("*.ann")
    lines = written.read_text(encoding="utf-8").splitlines()
    meet_id = next(ln.split("\t")[0] for ln in lines if "\tMeet:" in ln)
    (statement,) = [ln for ln in lines if "\tStatement:" in ln]
    assert statement.endswith(f"Topic:{meet_id}")
    assert not any("argument only" in ln for ln in lines)


@pytest.mark.parametrize(
    ("what", "name"),
    [
        ("label", "[events]"),
        ("label", "!X"),
        ("label", "-"),
        ("label", "---"),
        ("label", "<ENTITY>"),
        ("label", "Überschrift"),
        ("event type", "Meet|Visit"),
        ("role", "Arg2"),
        ("role", "Who?"),
        ("attribute", "Neg,ation"),
        ("attribute value", "a|b"),
        ("attribute value", "two words"),
    ],
)
def test_brat_refuses_names_that_would_corrupt_annotation_conf(what, name):
    from annotator.io.brat_conf import name_problem

    assert name_problem(name, what) == name_problem(name, what) is not None
    assert repr(name) in name_problem(name, what)


@pytest.mark.parametrize(
    ("what", "name"), [("label", "GPE"), ("label", "WORK_OF_ART"), ("role", "Co-Host")]
)
def test_brat_accepts_names_brat_stores_as_they_are(what, name):
    from annotator.io.brat_conf import name_problem

    assert name_problem(name, what) is None


def test_brat_export_with_an_unsafe_label_in_the_last_article_writes_nothing(tmp_path):
    good = [_doc(external_id=f"good{i}") for i in range(5)]
    bad = _doc(spans=[T1, Span(74, 83, "[events]")], events=[], external_id="last")
    out = tmp_path / "brat"
    with pytest.raises(ValueError) as err:
        write_brat(unsplit([*good, bad]), out)
    (line,) = str(err.value).splitlines()
    assert "article 7 (last)" in line and "'[events]'" in line
    assert not out.exists()


def test_brat_export_names_every_unsafe_name_once(tmp_path):
    event = Event(Span(63, 70, "Meet"), (Argument("Who?", T1),), (("Modality", "a|b"),))
    docs = [_doc(spans=[Span(0, 6, "!X")], events=[event], external_id=str(i)) for i in (1, 2)]
    with pytest.raises(ValueError) as err:
        write_brat(unsplit(docs), tmp_path / "brat")
    lines = str(err.value).splitlines()
    assert len(lines) == 3 and all(line.startswith("article 7 (1): brat cannot") for line in lines)
    assert not (tmp_path / "brat").exists()


def test_brat_schema_with_a_name_brat_cannot_hold_is_refused():
    from annotator.core.schema import EventSchema, EventType

    schema = EventSchema("s", {"-": EventType("-", ())}, source="my.json")
    with pytest.raises(ValueError, match=r"^my.json: brat cannot hold the event type '-'"):
        BratSchema().add_event_schema(schema)


def test_brat_export_counts_undecided_suggestions(tmp_path):
    from annotator.core.models import Suggestion

    art = Article(7, "h", TEXT, "T", "en", None, None, "", "d", {})
    doc = ExportDoc(art, "ann", [T1], [], [Suggestion(T4), Suggestion(T2)])
    report = ExportReport()
    write_brat(unsplit([doc]), tmp_path / "brat", report)
    assert report.loss_lines()[0].startswith("2 undecided suggestions in 1 article")
    assert "brat cannot mark text as undecided" in report.loss_lines()[0]
    assert "Turkistan" not in (tmp_path / "brat" / "d.ann").read_text(encoding="utf-8")


def _write_and_read(tmp_path, doc: ExportDoc) -> ParsedDoc:
    conf = BratSchema()
    conf.add_event_schema(load_schema(None))
    write_brat(unsplit([doc]), tmp_path / "out", ExportReport(), conf)
    (back,) = [d for d in read_brat(tmp_path / "out", lang="en") if isinstance(d, ParsedDoc)]
    return back


def test_brat_false_binary_attribute_comes_back_false_from_the_conf(tmp_path):
    said_no = Event(MEET.trigger, MEET.arguments, (("Modality", "actual"), ("Negation", False)))
    back = _write_and_read(tmp_path, _doc(events=(said_no,)))
    ann = next((tmp_path / "out").glob("*.ann")).read_text()
    assert "Negation" not in ann  # brat has no "false": the attribute line is left out
    (event,) = back.events
    assert event.attrs == {"Modality": "actual", "Negation": False}


def test_brat_partial_entity_gold_round_trips_as_a_note(tmp_path):
    doc = _doc()
    partial = ExportDoc(
        replace(doc.article, meta={"entities": "partial"}), "ann", doc.spans, doc.events
    )
    back = _write_and_read(tmp_path, partial)
    assert back.meta.get("entities") == "partial"
    full = _write_and_read(tmp_path / "full", doc)
    assert "entities" not in full.meta


def test_brat_an_event_without_attributes_comes_back_without_any(tmp_path):
    """brat has no "not set" for a binary attribute (an absent one is false), so an event
    that had none came back with Negation false (new-user trial): a note names what it
    leaves unset; an event that said Negation false still comes back false."""
    bare = Event(MEET.trigger, MEET.arguments)
    said_no = Event(Span(0, 21, "Meet"), (), (("Modality", "actual"), ("Negation", False)))
    half = Event(Span(23, 48, "Meet"), (), (("Modality", "actual"),))
    negated = Event(Span(74, 83, "Meet"), (), (("Negation", True),))
    doc = _doc(spans=(T1, T2, T4), events=(bare, said_no, half, negated))
    back = _write_and_read(tmp_path, doc)
    ann = next((tmp_path / "out").glob("*.ann")).read_text()
    assert ann.count("\tattributes not set: Negation\n") == 2  # bare and half
    got = {e.trigger: e.attrs for e in back.events}
    assert got == {
        MEET.trigger: {},
        said_no.trigger: {"Modality": "actual", "Negation": False},
        half.trigger: {"Modality": "actual"},
        negated.trigger: {"Negation": True},
    }
    assert "brat_skipped" not in back.meta  # the notes are read, not left out


def test_brat_an_unset_note_on_no_event_is_left_out_as_a_note():
    ann = "T1\tGPE 74 83\tTurkistan\n#1\tAnnotatorNotes T1\tattributes not set: Negation\n"
    (doc, skipped) = read_brat_text(ann)
    assert doc.spans == [T4] and "1 note (#)" in str(skipped)
