"""A language with no patterns gets a blank pipeline that finds nothing, without spaCy's
W036 warning ("the entity_ruler does not have any patterns") reaching the user."""

from __future__ import annotations

import warnings

from annotator.suggest.pipeline import load_pipeline
from annotator.suggest.resolve import resolve_pipeline


def test_no_w036_for_a_language_without_patterns():
    spec = resolve_pipeline("de")  # no pipeline, no patterns for German
    assert spec.is_fallback
    pipeline = load_pipeline(spec, entities_only=True, events=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        doc = pipeline.nlp("Angela Merkel besuchte Astana.")
    assert list(doc.ents) == []
