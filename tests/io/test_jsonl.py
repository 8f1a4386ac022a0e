"""JSON Lines import: Prodigy and doccano spans, project events, offset mapping, errors."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.models import ParsedDoc, ReadError, Skipped, Span
from annotator.io import ParseError, parse_jsonl_line, read_jsonl

TEXT = "Tokayev met Mirziyoyev in Astana."


def line(**obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def test_jsonl_prodigy_spans():
    spans = [{"start": 0, "end": 7, "label": "PERSON"}, {"start": 26, "end": 32, "label": "GPE"}]
    doc = parse_jsonl_line(line(text=TEXT, spans=spans), "in.jsonl", line_no=3)
    assert doc.spans == [Span(0, 7, "PERSON"), Span(26, 32, "GPE")]
    assert [s.text(doc.text) for s in doc.spans] == ["Tokayev", "Astana"]
    assert doc.external_id == "in:3" and doc.meta["source_line"] == 3


def test_jsonl_doccano_label_and_entities():
    classic = parse_jsonl_line(line(text=TEXT, label=[[12, 22, "PERSON"]]))
    modern = parse_jsonl_line(
        line(
            text=TEXT, entities=[{"id": 1, "start_offset": 12, "end_offset": 22, "label": "PERSON"}]
        )
    )
    assert classic.spans == modern.spans == [Span(12, 22, "PERSON")]


def test_jsonl_classification_label_is_ignored():
    assert parse_jsonl_line(line(text=TEXT, label="POSITIVE")).spans == []
    assert parse_jsonl_line(line(text=TEXT, label=["POSITIVE"])).spans == []


def test_jsonl_events():
    event = {
        "trigger": {"start": 8, "end": 11},
        "type": "Meet",
        "arguments": [
            {"role": "Participant", "start": 0, "end": 7, "label": "PERSON"},
            {"role": "Place", "start": 26, "end": 32},
        ],
        "attributes": {"Negation": False, "Modality": "actual"},
    }
    doc = parse_jsonl_line(line(text=TEXT, events=[event]))
    (ev,) = doc.events
    assert ev.type == "Meet" and ev.trigger == Span(8, 11, "Meet")
    assert [(a.role, a.span.text(doc.text), a.span.label) for a in ev.arguments] == [
        ("Participant", "Tokayev", "PERSON"),
        ("Place", "Astana", "SPAN"),  # no label, no entity there: a phrase, not an entity
    ]
    assert ev.attrs == {"Negation": False, "Modality": "actual"}


def test_jsonl_offsets_map_through_crlf_and_bom():
    raw = "\ufeffTitle line\r\n\r\nTokayev met\r\nMirziyoyev in Astana."
    wanted = ["Tokayev", "Mirziyoyev", "Astana", "met\r\nMirziyoyev"]
    spans = [{"start": raw.index(w), "end": raw.index(w) + len(w), "label": "X"} for w in wanted]
    doc = parse_jsonl_line(line(text=raw, spans=spans))
    assert doc.text == "Title line\n\nTokayev met\nMirziyoyev in Astana."
    got = [s.text(doc.text) for s in doc.spans]
    assert got == [w.replace("\r\n", "\n") for w in wanted]


def test_jsonl_meta_title_lang_date_id():
    meta = {"title": "Talks", "lang": "RU", "date": "2025-04-22T10:00:00", "id": 42, "x": 1}
    doc = parse_jsonl_line(line(text=TEXT, meta=meta), "a.jsonl", line_no=1)
    assert (doc.title, doc.lang, doc.date, doc.external_id) == ("Talks", "ru", "2025-04-22", "42")
    assert doc.meta["x"] == 1 and doc.meta["format"] == "jsonl"


def test_jsonl_lang_precedence_cli_then_meta_then_xx():
    with_meta = line(text=TEXT, meta={"language": "kk"})
    assert parse_jsonl_line(with_meta, lang="EN").lang == "en"
    assert parse_jsonl_line(with_meta).lang == "kk"
    assert parse_jsonl_line(line(text=TEXT)).lang == "xx"


def test_jsonl_title_defaults_to_first_line_truncated():
    assert parse_jsonl_line(line(text="\n Headline \nbody")).title == "Headline"
    long_title = parse_jsonl_line(line(text="word " * 100)).title
    assert long_title.endswith("…") and len(long_title) <= 120


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"spans": []}, "missing field 'text'"),
        ({"text": 5}, "field 'text' must be a string, found a number"),
        ({"text": ""}, "no text"),
        ({"text": TEXT, "meta": []}, "field 'meta' must be an object"),
        (
            {"text": TEXT, "spans": [{"start": 0, "end": 99, "label": "X"}]},
            r"spans\[0\]: offsets 0..99 outside",
        ),
        ({"text": TEXT, "spans": [{"start": -1, "end": 3, "label": "X"}]}, "outside the text"),
        (
            {"text": TEXT, "spans": [{"start": 5, "end": 5, "label": "X"}]},
            "start 5 is not before end 5",
        ),
        (
            {"text": TEXT, "spans": [{"start": "0", "end": 3, "label": "X"}]},
            "start must be an integer",
        ),
        ({"text": TEXT, "spans": [{"start": 0, "end": 3}]}, "label must be a non-empty string"),
        ({"text": TEXT, "spans": {"start": 0}}, "field 'spans' must be a list"),
        ({"text": TEXT, "label": [[0, 3]]}, r"label\[0\] must be \[start, end"),
        (
            {"text": TEXT, "entities": [{"start_offset": 0, "end_offset": 50, "label": "X"}]},
            "entities",
        ),
        ({"text": TEXT, "events": [{"trigger": {"start": 0, "end": 3}}]}, "missing event 'type'"),
        ({"text": TEXT, "events": [{"type": "Meet"}]}, r"events\[0\].trigger must be an object"),
        (
            {
                "text": TEXT,
                "events": [{"type": "M", "trigger": {"start": 0, "end": 3}, "arguments": [{}]}],
            },
            r"events\[0\].arguments\[0\]: missing 'role'",
        ),
        ({"text": TEXT, "meta": {"date": "2025-02-30"}}, "not a valid YYYY-MM-DD date"),
        ({"text": TEXT, "meta": {"title": 7}}, "field 'meta.title' must be a string"),
        (
            {"text": "\ufeff\r\nab", "spans": [{"start": 1, "end": 2, "label": "X"}]},
            "only a removed",
        ),
    ],
)
def test_jsonl_bad_objects_name_the_field(obj, reason):
    with pytest.raises(ParseError, match=reason) as info:
        parse_jsonl_line(json.dumps(obj), line_no=7)
    assert info.value.line == 7


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object, found a list"),
        ("null", "found null"),
    ],
)
def test_jsonl_bad_lines(raw, reason):
    with pytest.raises(ParseError, match=reason):
        parse_jsonl_line(raw)


def test_jsonl_broken_line_among_good_ones():
    content = "\n".join([line(text="One."), '{"text": "Two.', "", line(text="Three.")])
    out = list(read_jsonl(content, "mix.jsonl"))
    assert [type(x) for x in out] == [ParsedDoc, ReadError, ParsedDoc]
    assert out[1].line == 2 and out[1].source == "mix.jsonl"
    assert str(out[1]).startswith("mix.jsonl:2: invalid JSON")
    assert [d.text for d in out if isinstance(d, ParsedDoc)] == ["One.", "Three."]


def test_jsonl_file_with_bom_crlf_and_line_separator_in_text():
    content = "\ufeff" + line(text="A\u2028B") + "\r\n" + line(text="C") + "\r\n"
    docs = list(read_jsonl(content, "f.jsonl"))
    assert [d.text for d in docs] == ["A\u2028B", "C"]
    assert [d.meta["source_line"] for d in docs] == [1, 2]


@given(st.text(max_size=120), st.data())
def test_jsonl_spans_survive_normalisation(raw, data):
    """Any valid span keeps its (normalised) substring after the text is normalised."""
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    obj = {"text": raw, "spans": [{"start": start, "end": end, "label": "X"}]}
    try:
        doc = parse_jsonl_line(json.dumps(obj))
    except ParseError:
        return
    (span,) = doc.spans
    original = raw[start:end]
    if start == 0:
        original = original.removeprefix("\ufeff")
    if end < len(raw) and raw[end - 1 : end + 1] == "\r\n":  # ends between CR and LF
        original = original[:-1]
    expected = original.replace("\r\n", "\n").replace("\r", "\n")
    assert span.text(doc.text) == expected


def test_jsonl_surrogate_pairs_ok_lone_surrogate_rejected():
    assert parse_jsonl_line(r'{"text": "a \ud83d\ude00 b"}').text == "a \U0001f600 b"
    with pytest.raises(ParseError, match="unpaired surrogate"):
        parse_jsonl_line(r'{"text": "a", "meta": {"title": "\uDC00"}}')


@pytest.mark.parametrize("meta", [{"lang": "../../x"}, {"language": "en/../../etc"}])
def test_jsonl_bad_language_code_is_a_read_error_for_that_line(meta):
    content = "\n".join([line(text="One.", meta=meta), line(text="Two.", meta={"lang": "KZ"})])
    err, doc = read_jsonl(content, "f.jsonl")
    assert isinstance(err, ReadError) and err.line == 1
    bad = meta.get("lang") or meta["language"]
    assert (
        str(err) == f"f.jsonl:1: bad language code {bad!r} (expected a code like en, kk or en-US)"
    )
    assert isinstance(doc, ParsedDoc) and doc.lang == "kk"


PRODIGY = {"_session_id": "news-alice", "_timestamp": 1713780000, "_annotator_id": "news-alice"}
SPANS = [{"start": 0, "end": 7, "label": "PERSON"}]


def test_jsonl_prodigy_answers_accept_reject_and_ignore():
    """Rejected and ignored Prodigy lines were imported as gold."""
    content = "\n".join(
        line(text=f"Tokayev spoke {i}.", spans=SPANS, answer=answer, **PRODIGY)
        for i, answer in enumerate(["accept", "reject", "ignore"])
    )
    accepted, rejected, ignored = read_jsonl(content, "p.jsonl")
    assert isinstance(accepted, ParsedDoc) and accepted.annotated
    assert isinstance(rejected, ParsedDoc) and not rejected.annotated
    assert rejected.spans == accepted.spans == [Span(0, 7, "PERSON")]  # still suggestions
    assert rejected.meta["answer"] == "reject" and accepted.meta["answer"] == "accept"
    assert isinstance(ignored, Skipped)
    assert str(ignored) == 'p.jsonl:3: answered "ignore" in Prodigy: not imported'


def test_jsonl_keeps_prodigy_underscore_fields_in_meta():
    doc = parse_jsonl_line(line(text=TEXT, spans=SPANS, answer="accept", _view_id="x", **PRODIGY))
    assert {k: doc.meta[k] for k in PRODIGY} == PRODIGY
    assert doc.meta["_view_id"] == "x" and doc.meta["answer"] == "accept"


ANNOTATED = [
    ({}, False),
    ({"spans": []}, True),
    ({"entities": []}, True),
    ({"events": []}, True),
    ({"label": []}, True),
    ({"label": [[0, 7, "PERSON"]]}, True),
    ({"label": ["POSITIVE"]}, False),  # doccano text classification
    ({"label": "POSITIVE"}, False),
    ({"answer": "accept"}, True),
    ({"answer": "reject", "spans": SPANS}, False),
]


def test_jsonl_annotated_when_the_record_states_annotations():
    got = [parse_jsonl_line(line(text=TEXT, **obj)).annotated for obj, _ in ANNOTATED]
    assert got == [annotated for _, annotated in ANNOTATED]


@pytest.mark.parametrize("answer", ["maybe", 1, ["accept"]])
def test_jsonl_unknown_answer_is_an_error(answer):
    with pytest.raises(ParseError, match="field 'answer' must be accept, reject or ignore"):
        parse_jsonl_line(line(text=TEXT, answer=answer))


@pytest.mark.parametrize("label", [" GPE ", "GPE ", "\tGPE"])
def test_jsonl_label_with_spaces_at_its_edge_is_refused(label):
    """" GPE " would be another label than "GPE" to stats, and no CoNLL or brat export can
    write it (a new-user trial's import took it, and every later export failed)."""
    spans = [{"start": 0, "end": 7, "label": "PERSON"}, {"start": 8, "end": 11, "label": label}]
    with pytest.raises(ParseError, match=r"spans\[1\]: label .* has spaces at its edge"):
        parse_jsonl_line(line(text=TEXT, spans=spans))
