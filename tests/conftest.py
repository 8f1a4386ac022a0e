"""Shared fixtures. Qt runs offscreen: set before any QApplication exists."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Russian by the rules unless a test is about natasha (see the file)
os.environ["ANNOTATOR_PIPELINES"] = str(
    Path(__file__).parent / "suggest" / "rules_only_pipelines.toml"
)

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


# -- the window (tests/gui) ----------------------------------------------------------------


class BlankService:
    """A suggestion service over the blank pipeline: what the window's worker calls."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp
        self.calls: list[int] = []

    def suggest(self, article_id, lang, text):
        from annotator.core.models import Suggestion

        self.calls.append(article_id)
        return [
            Suggestion(Span(e.start_char, e.end_char, e.label_), model="blank", model_version="0")
            for e in self.nlp(text).ents
        ]

    def model_info(self, lang):
        return "blank", "0"


@pytest.fixture
def make_window(qtbot, tmp_path, blank_nlp):
    """Build annotation windows over a store with a blank-pipeline worker; settings and
    preferences live in tmp_path. Teardown closes them and checks no worker thread is left."""
    from PySide6.QtCore import QSettings

    from annotator.gui.app import application, create_window
    from annotator.gui.prefs import Preferences

    application()
    windows = []

    def make(store, annotator="tester", *, worker=True, start=True, service=None):
        if service is None:
            service = (lambda: BlankService(blank_nlp)) if worker else None
        window = create_window(
            store,
            annotator,
            settings=QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat),
            prefs=Preferences(path=tmp_path / "preferences.json"),
            service_factory=service,
        )
        qtbot.addWidget(window)
        windows.append(window)
        if start:
            window.controller.start()
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()  # window shortcuts need the active window
        qtbot.waitUntil(lambda: window.isActiveWindow())
        return window

    yield make
    for window in windows:
        window.close()
        worker = window.controller.worker
        assert worker is None or not worker.thread.isRunning(), "worker thread left running"
