"""Shared fixtures. Qt runs offscreen: set before any QApplication exists."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from annotator.core.models import ParsedDoc, Span  # noqa: E402
from annotator.core.paths import datasets_dir  # noqa: E402
from annotator.store import Store  # noqa: E402

REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture
def store():
    """A fresh in-memory gold store."""
    s = Store()
    yield s
    s.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "project.db"


@pytest.fixture
def sample_doc() -> ParsedDoc:
    """A hand-built article with two people, a place and a date."""
    text = (
        "Tokayev and Mirziyoyev hold talks in Astana\n\n"
        "President Kassym-Jomart Tokayev met Shavkat Mirziyoyev in Astana on April 21."
    )
    return ParsedDoc(
        text=text,
        title="Tokayev and Mirziyoyev hold talks in Astana",
        lang="en",
        date="2025-04-21",
        source="sample.txt",
        spans=[Span(0, 7, "PERSON"), Span(12, 22, "PERSON"), Span(37, 43, "GPE")],
    )


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return datasets_dir()


@pytest.fixture(scope="session")
def reference_article() -> Path:
    path = REFERENCE / "000_f39b50161cdf861f.txt"
    if not path.exists():
        pytest.fail(
            f"the reference article is missing: {path} (../shared must sit beside the repo)"
        )
    return path


@pytest.fixture(scope="session")
def blank_nlp():
    """A blank English pipeline with an EntityRuler: fast, no model needed."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Tokayev"},
            {"label": "PERSON", "pattern": "Mirziyoyev"},
            {"label": "GPE", "pattern": "Astana"},
        ]
    )
    return nlp
