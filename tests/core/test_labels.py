from __future__ import annotations

import json
import re

import pytest

from annotator.core.labels import load_labels, parse_labels


def test_labels_bundled_set_has_the_model_labels_and_nine_keys():
    labels = load_labels()
    assert {"PERSON", "ORG", "GPE", "DATE", "MONEY", "WORK_OF_ART"} <= set(labels.names)
    assert len(labels.names) == 18
    assert sorted(lab.key for lab in labels.labels if lab.key) == list(range(1, 10))
    assert labels.by_key(1).name == "PERSON"
    assert all(lab.guideline for lab in labels.labels)


def test_labels_unknown_label_gets_a_stable_colour():
    labels = load_labels()
    assert labels.get("REGION").colour == labels.get("REGION").colour
    assert labels.get("REGION").colour.startswith("#")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "'labels' list"),
        ({"labels": [{"name": "A", "colour": "red"}]}, "labels[0] (A): 'colour'"),
        ({"labels": [{"name": "A", "colour": "#aabbcc", "key": 12}]}, "'key'"),
        ({"labels": [{"name": "A", "colour": "#aabbcc"}] * 2}, "label A appears more"),
    ],
)
def test_labels_bad_files_give_one_line(data, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_labels(data, "x.json")


def test_labels_unreadable_json_names_the_file_and_line(tmp_path):
    bad = tmp_path / "labels.json"
    bad.write_text('{"labels": [\n  oops]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels.json:2: not valid JSON"):
        load_labels(bad)
    good = tmp_path / "ok.json"
    good.write_text(json.dumps({"labels": [{"name": "A", "colour": "#AABBCC"}]}))
    assert load_labels(good).get("A").colour == "#aabbcc"
