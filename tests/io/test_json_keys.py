"""A JSONL record with a key written twice in one object is refused, one line naming the
file, the line and the key (json.loads kept the last value without a word: new-user trial)."""

from __future__ import annotations

import json

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from annotator.cli.main import cli
from annotator.core.models import ParsedDoc, ReadError
from annotator.io import read_jsonl
from annotator.io.json_keys import repeated_key
from annotator.store import Store

TEXT = "Apple Inc hired John Smith at 13:45."
WHY = "(JSON keeps only the last value: which one was meant cannot be told)"


def test_json_keys_a_repeated_span_key_refuses_the_record_and_the_rest_comes_in():
    lines = [
        f'{{"text": "{TEXT}", "spans": [{{"start": 0, "end": 9, "start": 5, "label": "ORG"}}]}}',
        f'{{"text": "{TEXT}", "spans": [{{"start": 0, "end": 9, "label": "ORG", "label": "X"}}]}}',
        f'{{"text": "{TEXT}", "meta": {{"lang": "en", "lang": "kk"}}}}',
        f'{{"text": "{TEXT}", "events": [{{"trigger": {{"start": 16, "end": 20, "end": 21, '
        '"label": "Hire"}}]}',
        json.dumps({"text": TEXT, "spans": [{"start": 0, "end": 9, "label": "ORG"}]}),
    ]
    items = list(read_jsonl("\n".join(lines), "in.jsonl"))
    assert [str(i) for i in items[:4]] == [
        f"in.jsonl:1: key 'start' twice in spans[0] {WHY}",
        f"in.jsonl:2: key 'label' twice in spans[0] {WHY}",
        f"in.jsonl:3: key 'lang' twice in meta {WHY}",
        f"in.jsonl:4: key 'end' twice in events[0].trigger {WHY}",
    ]
    assert all(isinstance(i, ReadError) for i in items[:4])
    assert isinstance(items[4], ParsedDoc) and items[4].span_rows() == [(0, 9, "ORG")]


def test_json_keys_the_import_names_file_line_and_key(tmp_path):
    src = tmp_path / "dup.jsonl"
    good = {"text": "Tokayev met Putin.", "spans": [{"start": 0, "end": 7, "label": "PERSON"}]}
    src.write_text(
        json.dumps(good)
        + '\n{"text": "Almaty", "spans": [{"start": 0, "end": 6, "start": 1, "label": "GPE"}]}\n'
    )
    db = str(tmp_path / "p.db")
    res = CliRunner().invoke(cli, ["import", str(src), "--db", db, "--as-gold", "--lang", "en"])
    assert res.exit_code == 1
    assert res.stderr == f"error: {src}:2: key 'start' twice in spans[0] {WHY}\n"
    with Store(db) as store:
        assert store.count_articles() == 1


def test_json_keys_colons_and_key_names_elsewhere_are_no_repeat():
    """The cheap count sends such lines to the exact check, which finds nothing."""
    text = 'start: "end": label'
    obj = {
        "text": text,
        "spans": [{"start": 0, "end": 5, "label": "A:B", "text": "start"}],
        "tokens": [{"text": "start", "start": 0, "end": 5, "id": 0}],
        "meta": {"time": "13:45", "a:b": {"c": [1, "d:e"]}},
    }
    for line in (json.dumps(obj), json.dumps(obj, indent=1), json.dumps(obj).replace(":", " :")):
        assert repeated_key(line, json.loads(line)) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(':"ab\\ {}[],'),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(':"ab', max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.sampled_from(["text", "spans", "tokens", "meta", "x:"]), json_values))
def test_json_keys_a_record_without_repeats_is_never_refused(obj):
    line = json.dumps(obj)
    assert repeated_key(line, json.loads(line)) is None


@given(st.dictionaries(st.sampled_from(["start", "end", "label", "a:"]), st.integers(), min_size=1))
def test_json_keys_a_repeat_in_a_span_is_always_found(span):
    body = json.dumps(span)[1:-1]
    key = next(iter(span))
    line = f'{{"text": "x", "spans": [{{{body}, {json.dumps(key)}: 1}}]}}'
    assert repeated_key(line, json.loads(line)) == f"key {key!r} twice in spans[0]"


def test_json_keys_a_repeat_is_found_beside_tokens_that_are_no_objects():
    """Tokens given as strings once counted by their length, which could make up for the
    colon a repeated key removes: the repeat went unseen (review finding)."""
    line = (
        '{"text": "Apple hired Tim Cook.", "tokens": ["x"], '
        '"spans": [{"start": 0, "end": 5, "label": "PERSON", "label": "ORG"}]}'
    )
    assert repeated_key(line, json.loads(line)) == "key 'label' twice in spans[0]"
