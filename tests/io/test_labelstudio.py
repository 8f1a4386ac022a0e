"""Label Studio: tasks in its documented export shape in, tasks out, and the round trip."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from annotator.cli.export_cmd import run_export
from annotator.cli.main import cli
from annotator.core.models import Argument, Event, ParsedDoc, ReadError, Span
from annotator.io import extras
from annotator.io.export_common import ExportDoc, ExportReport, unsplit
from annotator.io.export_labelstudio import labelstudio_config, write_labelstudio
from annotator.io.reader import read_file
from annotator.store import Store
from annotator.store import gold_import as gi
from annotator.workflows.importing import import_paths

TEXT = "Tokayev met Mirziyoyev in Astana."


def region(rid: str, start: int, end: int, label: str, control: str = "label") -> dict:
    return {
        "id": rid,
        "from_name": control,
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": TEXT[start:end], "labels": [label]},
    }


# the shape of Label Studio's JSON export (docs: "Label Studio JSON format of annotated tasks")
TASKS = [
    {
        "id": 1,
        "data": {"text": TEXT},
        "annotations": [
            {
                "id": 11,
                "completed_by": {"id": 1, "email": "alice@example.com"},
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": "2025-04-22T10:00:00.000000Z",
                "updated_at": "2025-04-22T10:00:00.000000Z",
                "lead_time": 12.5,
                "result": [
                    region("a1", 0, 7, "PERSON"),
                    region("a2", 12, 22, "PERSON"),
                    {
                        "from_id": "a1",
                        "to_id": "a2",
                        "type": "relation",
                        "direction": "right",
                        "labels": ["met"],
                    },
                    {
                        "id": "c1",
                        "from_name": "sentiment",
                        "to_name": "text",
                        "type": "choices",
                        "value": {"choices": ["Neutral"]},
                    },
                ],
            },
            {
                "id": 12,
                "completed_by": 2,
                "was_cancelled": False,
                "created_at": "2025-04-23T09:00:00.000000Z",
                "result": [region("b1", 0, 7, "PERSON"), region("b2", 26, 32, "GPE")],
            },
            {"id": 13, "completed_by": 3, "was_cancelled": True, "result": []},
        ],
        "predictions": [
            {
                "model_version": "ner-v2",
                "score": 0.8,
                "result": [region("p1", 0, 7, "PERSON"), region("p2", 26, 32, "LOC")],
            }
        ],
    },
    {"id": 2, "data": {"text": "Nothing annotated yet."}, "annotations": [], "predictions": []},
]


def write(path, content) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def test_labelstudio_reads_annotations_latest_first_with_their_annotators(tmp_path):
    items = list(read_file(write(tmp_path / "export.json", TASKS)))
    docs = [i for i in items if isinstance(i, ParsedDoc)]
    assert [d.text for d in docs] == [TEXT, TEXT, "Nothing annotated yet."]
    latest, older, plain = docs
    assert latest.spans == [Span(0, 7, "PERSON"), Span(26, 32, "GPE")]
    assert older.spans == [Span(0, 7, "PERSON"), Span(12, 22, "PERSON")]
    assert plain.annotated is False and latest.annotated is True
    first, second, third = (extras.take(d) for d in docs)
    assert (first.annotator, first.rank) == ("labelstudio-user-2", 0)
    assert (second.annotator, second.rank) == ("alice@example.com", 1)
    ((model, version, suggestions),) = first.predictions
    assert (model, version) == ("labelstudio:ner-v2", "ner-v2")
    assert [(s.span, s.score) for s in suggestions] == [
        (Span(0, 7, "PERSON"), 0.8),
        (Span(26, 32, "LOC"), 0.8),
    ]
    assert first.notes[extras_name("CANCELLED")] == 1
    assert second.notes[extras_name("RELATIONS")] == 1  # "met" links two entities
    assert second.notes[extras_name("OTHER_TYPES")] == 1  # the sentiment choice
    assert not third.predictions


def extras_name(name: str) -> str:
    from annotator.io import labelstudio

    return getattr(labelstudio, name)


def test_labelstudio_jsonl_tasks_read_like_the_json_list(tmp_path):
    lines = "\n".join(json.dumps(t) for t in TASKS)
    from_jsonl = [i for i in read_file(write(tmp_path / "tasks.jsonl", lines))]
    from_json = [i for i in read_file(write(tmp_path / "tasks.json", TASKS))]
    assert [(d.text, d.spans) for d in from_jsonl] == [(d.text, d.spans) for d in from_json]


def test_labelstudio_import_as_gold_maps_each_annotator_and_stores_predictions(tmp_path):
    store = Store()
    summary = import_paths(
        store,
        [write(tmp_path / "export.json", TASKS)],
        as_gold=True,
        annotator="me",
        file_annotators=True,
    )
    assert summary.imported == 2 and not summary.errors
    aid = summary.article_ids[0]
    assert store.gold_spans(aid, "alice@example.com") == [
        Span(0, 7, "PERSON"),
        Span(12, 22, "PERSON"),
    ]
    assert store.gold_spans(aid, "labelstudio-user-2") == [
        Span(0, 7, "PERSON"),
        Span(26, 32, "GPE"),
    ]
    predicted = [s for s, _ in store.suggestions(aid, "alice@example.com")]
    assert {(s.model, s.span) for s in predicted} == {
        ("labelstudio:ner-v2", Span(0, 7, "PERSON")),
        ("labelstudio:ner-v2", Span(26, 32, "LOC")),
    }
    assert summary.suggestions == 2
    assert sum(summary.notes.values()) == 3  # one cancelled, one relation, one choice


def test_labelstudio_annotator_option_takes_the_latest_annotation_and_counts_the_rest(tmp_path):
    store = Store()
    summary = import_paths(
        store, [write(tmp_path / "export.json", TASKS)], as_gold=True, annotator="me"
    )
    aid = summary.article_ids[0]
    assert store.gold_spans(aid, "me") == [Span(0, 7, "PERSON"), Span(26, 32, "GPE")]
    assert store.gold_spans(aid, "alice@example.com") == []
    assert summary.notes[extras_name("SHADOWED")] == 1


ASTANA = {"id": 1, "data": {"text": "Astana"}}
STRING_START = {"type": "labels", "value": {"start": "0", "end": 3, "labels": ["X"]}}


def annotated(*result: dict) -> dict:
    return {**ASTANA, "annotations": [{"result": list(result)}]}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('[{"id": 1, "data": {"text": "Astana"}}, {"id": 2, "data": {"te', "task 2: invalid JSON"),
        ([{"id": 1, "data": {"text": 5}}], "task 1 (id 1): data.text must be a string"),
        ([{"data": {"image": "x.png"}}], "task 1: no text"),
        ([{**ASTANA, "annotations": {}}], "'annotations' must be a list"),
        ([annotated(region("x", 0, 99, "GPE"))], "offsets 0..99 outside the text (0..6)"),
        ([annotated(STRING_START)], "start must be an integer, found a string"),
        ([{"id": 1, "body": "not a task"}], "task 1 (id 1): expected a Label Studio task"),
        ('{"not": "a list"}', "task 1: expected a Label Studio task"),
    ],
)  # fmt: skip
def test_labelstudio_bad_tasks_are_one_line_each_and_the_rest_comes_in(tmp_path, content, reason):
    good = 0 if content == '{"not": "a list"}' else 1
    if isinstance(content, list):  # a good task after the bad one still comes in
        content = [*content, {"id": 9, "data": {"text": "Almaty"}}]
    path = write(tmp_path / "bad.json", content)
    store = Store()
    errors: list[ReadError] = []
    summary = import_paths(store, [path], as_gold=True, annotator="me", on_error=errors.append)
    (error,) = errors
    assert reason in str(error) and str(error).startswith(path)
    assert "\n" not in str(error)
    assert summary.imported == store.count_articles() == good


def _doc(article_id: int, annotator: str, spans, events=()) -> ExportDoc:
    from annotator.core.models import Article

    art = Article(article_id, "h", TEXT, "T", "en", "2025-04-22", None, "s.txt", "x1", {})
    return ExportDoc(art, annotator, spans, list(events))


MEET = Event(
    Span(8, 11, "Meet"),
    (Argument("Participant", Span(0, 7, "PERSON")), Argument("Place", Span(26, 32, "GPE"))),
    (("Negation", False),),
)


def test_labelstudio_export_writes_tasks_with_regions_and_argument_relations(tmp_path):
    docs = [
        _doc(1, "alice", [Span(0, 7, "PERSON"), Span(26, 32, "GPE")], [MEET]),
        _doc(1, "bob", [Span(0, 7, "PERSON")]),
    ]
    report = ExportReport()
    out = tmp_path / "tasks.json"
    write_labelstudio(unsplit(docs), out, report)
    (task,) = json.loads(out.read_text("utf-8"))
    assert task["data"]["text"] == TEXT and task["data"]["id"] == "x1"
    alice, bob = task["annotations"]
    assert (alice["created_username"], bob["created_username"]) == ("alice", "bob")
    kinds = [
        (r["type"], r.get("from_name"),
         r.get("labels") or r["value"].get("labels") or r["value"]["choices"])
        for r in alice["result"]
    ]  # fmt: skip
    assert kinds == [
        ("labels", "label", ["PERSON"]),
        ("labels", "label", ["GPE"]),
        ("labels", "trigger", ["Meet"]),
        ("relation", None, ["Participant"]),
        ("relation", None, ["Place"]),
        ("choices", "Negation", ["false"]),  # a per-region choice on the trigger's region
    ]  # fmt: skip
    assert alice["result"][-1]["id"] == alice["result"][2]["id"]
    assert alice["result"][-1]["value"]["start"] == 8
    assert report.loss_lines() == []
    config = labelstudio_config(
        report, ["Participant", "Place"], {"Negation": [False, True], "Modality": ["actual"]}
    )
    assert '<Label value="PERSON"/>' in config and '<Relation value="Place"/>' in config
    choices = '<Choices name="Negation" toName="text" perRegion="true" whenTagName="trigger">'
    assert choices in config
    assert '<Choice value="false"/>' in config and '<Choice value="actual"/>' in config


def test_labelstudio_round_trip_ours_theirs_ours_is_exact_with_attributes(tmp_path):
    """Event attributes travel as per-region choices: re-importing the export into the same
    project is the same gold (it was refused as "different", and --replace dropped them)."""
    db = tmp_path / "p.db"
    future = Event(MEET.trigger, MEET.arguments, (("Modality", "future"), ("Negation", True)))
    with Store(db) as store:
        spans = [Span(0, 7, "PERSON"), Span(26, 32, "GPE")]
        doc = ParsedDoc(TEXT, title="T", lang="en", spans=spans, events=[future])
        store.add_docs([doc], as_gold=True, annotator="alice")
        run_export(store, "labelstudio", tmp_path / "ls.json")
    again = Store()
    summary = import_paths(again, [tmp_path / "ls.json"], as_gold=True, file_annotators=True)
    assert summary.imported == 1 and not summary.errors and not summary.notes
    (gold,) = list(again.iter_gold())
    assert gold.annotator == "alice"
    assert gold.spans == [Span(0, 7, "PERSON"), Span(26, 32, "GPE")]
    (event,) = gold.events
    assert (event.trigger, event.arguments) == (MEET.trigger, MEET.arguments)
    assert dict(event.attributes) == {"Modality": "future", "Negation": True}
    with Store(db) as store:  # back into the project it came from: the same gold
        summary = import_paths(
            store, [tmp_path / "ls.json"], as_gold=True, file_annotators=True
        )
        assert summary.gold[gi.UNCHANGED] == 1 and not summary.errors
        (gold,) = list(store.iter_gold())
        assert dict(gold.events[0].attributes) == {"Modality": "future", "Negation": True}


def test_labelstudio_cli_notes_relations_on_stderr(tmp_path):
    path = write(tmp_path / "export.json", TASKS)
    res = CliRunner().invoke(
        cli, ["import", path, "--db", str(tmp_path / "p.db"), "--as-gold"], catch_exceptions=False
    )
    assert res.exit_code == 0, res.output
    notes = [ln for ln in res.stderr.splitlines() if ln.startswith("note:")]
    assert any("1 Label Studio relations that are not event arguments" in n for n in notes)
    assert any("cancelled" in n for n in notes)
    assert "2 predictions stored as suggestions" in res.stdout


def test_labelstudio_json_list_may_hold_plain_records_too(tmp_path):
    records = [
        {"text": TEXT, "spans": [{"start": 0, "end": 7, "label": "PERSON"}]},
        {"text": "Astana", "label": [[0, 99, "GPE"]]},
    ]
    doc, error = read_file(write(tmp_path / "records.json", records))
    assert doc.spans == [Span(0, 7, "PERSON")]
    assert "record 2: label[0]: offsets 0..99 outside the text" in str(error)


FIGURE_TEXT = "Trade turnover reached 5 billion dollars."
INDICATOR, VALUE = Span(0, 14, "SPAN"), Span(23, 40, "MONEY")
FIGURE = Event(Span(15, 22, "EconomicFigure"), (Argument("Indicator", INDICATOR),
                                               Argument("Value", VALUE)))  # fmt: skip


def test_labelstudio_round_trip_keeps_a_phrase_argument_out_of_the_entities(tmp_path):
    # a new user's round trip made the Indicator phrase ("SPAN") a gold entity
    with Store(tmp_path / "p.db") as store:
        doc = ParsedDoc(FIGURE_TEXT, title="T", lang="en", spans=[VALUE], events=[FIGURE])
        store.add_docs([doc], as_gold=True, annotator="alice")
        run_export(store, "labelstudio", tmp_path / "ls.json")
    again = Store()
    summary = import_paths(again, [tmp_path / "ls.json"], as_gold=True, file_annotators=True)
    assert summary.imported == 1 and not summary.errors and not summary.notes
    (gold,) = list(again.iter_gold())
    assert gold.spans == [VALUE]  # the phrase is no entity
    (event,) = gold.events
    assert (event.trigger, event.arguments) == (FIGURE.trigger, FIGURE.arguments)


def test_labelstudio_a_phrase_region_no_event_uses_is_noted_not_an_entity(tmp_path):
    task = {"id": 5, "data": {"text": FIGURE_TEXT}, "annotations": [{"id": 1, "result": [
        {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 14, "labels": ["SPAN"]}},
        {"id": "r2", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 23, "end": 40, "labels": ["MONEY"]}}]}]}  # fmt: skip
    store = Store()
    summary = import_paths(store, [write(tmp_path / "t.json", [task])], as_gold=True,
                           annotator="ann")  # fmt: skip
    assert summary.imported == 1 and not summary.errors
    assert [n for what, n in summary.notes.items() if "labelled SPAN" in what] == [1]
    (gold,) = list(store.iter_gold())
    assert gold.spans == [VALUE] and gold.events == []


def test_labelstudio_an_annotation_of_choices_only_is_not_entity_gold(tmp_path):
    # a text classification's answer says nothing about entities: not "no entity" gold
    choices = {"id": "c1", "from_name": "topic", "to_name": "text", "type": "choices",
               "value": {"choices": ["Economy"]}}  # fmt: skip
    tasks = [
        {"id": 1, "data": {"text": FIGURE_TEXT},
         "annotations": [{"id": 1, "completed_by": 1, "result": [choices]}]},
        {"id": 2, "data": {"text": "Nothing to label here."},
         "annotations": [{"id": 2, "completed_by": 1, "result": []}]},
    ]  # fmt: skip
    store = Store()
    summary = import_paths(store, [write(tmp_path / "t.json", tasks)], as_gold=True,
                           file_annotators=True)  # fmt: skip
    assert summary.imported == 2 and not summary.errors
    done = store.db.execute(
        "SELECT a.text FROM article_status s JOIN articles a ON a.id = s.article_id "
        "WHERE s.status = 'done'"
    ).fetchall()
    assert done == [("Nothing to label here.",)]  # a submitted empty result is "no entity"


def test_labelstudio_every_error_line_names_the_file_and_the_task(tmp_path):
    """By its place in a JSON list and its id (the id alone where a JSONL line is named)."""
    bad = [
        {**annotated(region("x", 0, 99, "GPE")), "id": 4242},
        {"id": 17, "data": {"text": "Astana", "date": "soon"}},
        {"id": 18, "data": {"text": "Astana", "title": 5}},
        {"id": 19, "data": {"text": "Astana", "lang": "not a language"}},
        {"id": 20, "data": {"text": "Astana"}, "predictions": [{"result": [STRING_START]}]},
        {"data": {"text": ""}},
    ]
    tasks = [{"id": 9, "data": {"text": "Almaty"}}, *bad]
    for path, named in [
        (write(tmp_path / "tasks.json", tasks), "{path}: task {n} (id {id}): "),
        (
            write(tmp_path / "tasks.jsonl", "\n".join(map(json.dumps, tasks))),
            "{path}:{n}: task id {id}: ",
        ),
    ]:
        errors: list[ReadError] = []
        summary = import_paths(
            Store(), [path], as_gold=True, annotator="me", on_error=errors.append
        )
        assert summary.imported == 1 and len(errors) == len(bad)
        for n, (task, error) in enumerate(zip(bad, errors), 2):
            want = named.format(path=path, n=n, id=task.get("id"))
            if "id" not in task:  # no id: its place alone
                want = want.replace(" (id None)", "").replace(" task id None: ", " ")
            assert str(error).startswith(want), (str(error), want)
