"""The long-lived suggestion worker: spaCy runs off the GUI thread.

A :class:`SuggestWorker` lives in its own ``QThread``; requests reach it by queued signals
and results come back by signal as plain core objects. The worker never touches widgets
or the SQLite connection: the GUI thread stores what it returns (one writer).

The service and the tokenizer are built lazily *in the worker thread* from factories, so
the window paints before spaCy is even imported, and tests inject a blank pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, QThread, Signal, Slot

from annotator.core.models import Suggestion

Token = tuple[int, int]


class Service(Protocol):
    def suggest(self, article_id: int, lang: str, text: str) -> list[Suggestion]: ...


Tokenizer = Callable[[str], Sequence[Token]]


def model_of(service: Any, lang: str, suggestions: Sequence[Suggestion]) -> tuple[str, str]:
    """The (model, version) a result is stored under, even when it found nothing."""
    for s in suggestions:
        if s.model:
            return s.model, s.model_version
    info = getattr(service, "model_info", None)
    if callable(info):
        name, version = info(lang)
        return str(name), str(version)
    return type(service).__name__, ""


def default_service(schema: Path | None = None) -> Service:
    """The project's suggestion service (imports spaCy: call it in the worker thread).

    Entities and, where the model parses, events under the given event schema.
    """
    from annotator.suggest import service as suggest_service  # noqa: PLC0415

    return suggest_service.SuggestionService(schema=schema)


@lru_cache(maxsize=8)
def spacy_tokenizer(lang: str) -> Tokenizer:
    """spaCy's rule-based tokenizer for a language (``xx`` when spaCy has none)."""
    import spacy  # noqa: PLC0415

    try:
        nlp = spacy.blank(lang or "xx")
    except Exception:  # unknown code or a language needing extra packages
        nlp = spacy.blank("xx")
    tokenizer = nlp.tokenizer

    def tokens(text: str) -> list[Token]:
        return [(t.idx, t.idx + len(t.text)) for t in tokenizer(text) if not t.is_space]

    return tokens


class SuggestWorker(QObject):
    """Lives in the worker thread; each slot handles one request.

    Every request and answer carries the host's generation, so answers to requests made
    for a project that has since been closed can be told apart and dropped.
    """

    suggested = Signal(int, int, object, str, str)  # generation, article, found, model, version
    tokenized = Signal(int, int, object)  # generation, article id, [(start, end)]
    failed = Signal(int, int, str)  # generation, article id, one line
    noted = Signal(str)  # e.g. "no model for kk: rules instead", once per line

    def __init__(
        self,
        service_factory: Callable[[], Service],
        tokenizer_factory: Callable[[str], Tokenizer],
    ) -> None:
        super().__init__()
        self._service_factory = service_factory
        self._tokenizer_factory = tokenizer_factory
        self._service: Service | None = None
        self._tokenizers: dict[str, Tokenizer] = {}
        self._notes: set[str] = set()

    @Slot(int, int, str, str)
    def suggest(self, generation: int, article_id: int, lang: str, text: str) -> None:
        try:
            if self._service is None:
                self._service = self._service_factory()
            found = list(self._service.suggest(article_id, lang, text))
            model, version = model_of(self._service, lang, found)
        except Exception as exc:  # a broken model must not kill the worker
            self.failed.emit(generation, article_id, f"suggestions failed: {exc}")
            return
        self.suggested.emit(generation, article_id, found, model, version)
        self._tell_notes()

    def _tell_notes(self) -> None:
        notes = getattr(self._service, "notes", None)
        for note in notes() if callable(notes) else []:
            if note not in self._notes:
                self._notes.add(note)
                self.noted.emit(note)

    @Slot(int, int, str, str)
    def tokenize(self, generation: int, article_id: int, lang: str, text: str) -> None:
        try:
            if lang not in self._tokenizers:
                self._tokenizers[lang] = self._tokenizer_factory(lang)
            found = list(self._tokenizers[lang](text))
        except Exception as exc:
            self.failed.emit(generation, article_id, f"tokenizer failed: {exc}")
            return
        self.tokenized.emit(generation, article_id, found)


class WorkerHost(QObject):
    """Owns the worker thread (GUI side): sends requests, tracks what is in flight, and
    passes on the answers of the current generation (project)."""

    suggested = Signal(int, object, str, str)  # article id, [Suggestion], model, version
    tokenized = Signal(int, object)  # article id, [(start, end)]
    failed = Signal(int, str)  # article id, one line
    noted = Signal(str)
    busy_changed = Signal(bool)
    _suggest_requested = Signal(int, int, str, str)
    _tokenize_requested = Signal(int, int, str, str)

    def __init__(
        self,
        service_factory: Callable[[], Service] = default_service,
        tokenizer_factory: Callable[[str], Tokenizer] = spacy_tokenizer,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.generation = 0
        self._in_flight: set[int] = set()
        self.thread = QThread()
        self.thread.setObjectName("suggest-worker")
        self.worker = SuggestWorker(service_factory, tokenizer_factory)
        self.worker.moveToThread(self.thread)
        self._suggest_requested.connect(self.worker.suggest)
        self._tokenize_requested.connect(self.worker.tokenize)
        self.worker.suggested.connect(self._on_worker_suggested)
        self.worker.tokenized.connect(self._on_worker_tokenized)
        self.worker.failed.connect(self._on_worker_failed)
        self.worker.noted.connect(self.noted)
        self.thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._in_flight)

    def asking(self, article_id: int) -> bool:
        """Whether suggestions for this article are on their way."""
        return article_id in self._in_flight

    def reset(self) -> None:
        """Another project: answers to earlier requests will be dropped."""
        self.generation += 1
        if self._in_flight:
            self._in_flight.clear()
            self.busy_changed.emit(False)

    def request_suggestions(self, article_id: int, lang: str, text: str) -> bool:
        """Ask for one article's suggestions unless already asked; False if it was."""
        if article_id in self._in_flight or not self.thread.isRunning():
            return False
        self._in_flight.add(article_id)
        if len(self._in_flight) == 1:
            self.busy_changed.emit(True)
        self._suggest_requested.emit(self.generation, article_id, lang, text)
        return True

    def request_tokens(self, article_id: int, lang: str, text: str) -> None:
        if self.thread.isRunning():
            self._tokenize_requested.emit(self.generation, article_id, lang, text)

    @Slot(int, int, object, str, str)
    def _on_worker_suggested(
        self, generation: int, article_id: int, found: object, model: str, version: str
    ) -> None:
        if generation == self.generation:
            self._done(article_id)
            self.suggested.emit(article_id, found, model, version)

    @Slot(int, int, object)
    def _on_worker_tokenized(self, generation: int, article_id: int, tokens: object) -> None:
        if generation == self.generation:
            self.tokenized.emit(article_id, tokens)

    @Slot(int, int, str)
    def _on_worker_failed(self, generation: int, article_id: int, message: str) -> None:
        if generation == self.generation:
            self._done(article_id)
            self.failed.emit(article_id, message)

    def _done(self, article_id: int) -> None:
        if article_id in self._in_flight:
            self._in_flight.discard(article_id)
            if not self._in_flight:
                self.busy_changed.emit(False)

    def stop(self) -> None:
        """Finish the request in progress, then end the thread (idempotent)."""
        if self.thread.isRunning():
            self.thread.quit()
            self.thread.wait()
        self._in_flight.clear()
