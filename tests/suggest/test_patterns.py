"""The bundled EntityRuler patterns: generated from resources/patterns/build.py, valid."""

from __future__ import annotations

import importlib.util
import json

import pytest

from annotator.core.paths import resources_dir

PATTERNS = resources_dir() / "patterns"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_patterns", PATTERNS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_patterns_jsonl_is_up_to_date_with_build_py(lang):
    expected = _build_module().build(lang)
    assert (PATTERNS / f"{lang}.jsonl").read_text(encoding="utf-8") == expected, (
        "run: .venv/bin/python resources/patterns/build.py"
    )


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_patterns_use_ontonotes_labels_and_never_end_on_an_optional_token(lang):
    labels = {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "DATE", "TIME", "MONEY", "PERCENT"}
    lines = (PATTERNS / f"{lang}.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 200
    for line in lines:
        item = json.loads(line)
        assert item["label"] in labels
        if isinstance(item["pattern"], list):
            assert "OP" not in item["pattern"][0] and "OP" not in item["pattern"][-1], line
