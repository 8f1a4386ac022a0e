"""On-demand suggestions for the window: pipelines loaded once per language, then reused.

Design of the long-lived GUI worker that wraps :class:`SuggestionService` (in annotator/gui;
this module stays free of Qt):

- ``SuggestWorker(QObject)`` owns one ``SuggestionService``; it is ``moveToThread``-ed to a
  ``QThread`` started once with the window and stopped (``quit()`` + ``wait()``) on close,
  so no thread outlives the window.
- Requests are queued by Qt: the controller emits ``suggest_requested(article_id, lang,
  text)`` connected to the worker's slot; a signal to an object living in another thread is
  a queued connection, delivered in order on the worker's event loop. The window only
  needs the article it shows: the worker drops a request when a newer one has been made
  since (a request counter set from the GUI thread, compared before running spaCy).
- The slot calls ``service.suggest(...)`` and ``service.model_info(lang)`` and emits
  ``suggestions_ready(article_id, model, version, suggestions)`` with plain core objects,
  or ``suggestion_failed(article_id, message)`` with the one-line ValueError text (a bad
  model or pattern file). It never touches widgets, the Store or its SQLite connection.
- The GUI thread receives the signal and saves with
  ``store.add_suggestions([(article_id, suggestions)], model, version)`` (one writer), which
  records the run, so the batch command later skips that article.
- The first request for a language loads its pipeline (about 0.3-2 s); emitting a
  ``preload(langs)`` request when the project opens hides that. ``notes()`` lists the
  languages that have no model, for a status-bar message shown once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from annotator.core.models import Suggestion
from annotator.suggest.entities import suggest_article
from annotator.suggest.pipeline import Pipeline, load_pipeline
from annotator.suggest.resolve import PipelineSpec, canonical_lang, load_config, resolve_pipeline

Loader = Callable[..., Pipeline]


class SuggestionService:
    """Suggest for one article at a time; pure Python, safe to call from any one thread.

    ``models`` maps a language to a model name or path (like ``--model``); other
    languages use the configured pipeline, or rules when they have none. Calls are
    serialised by a lock, because a spaCy pipeline must not run in two threads at once.
    """

    def __init__(
        self,
        *,
        config: Path | None = None,
        models: Mapping[str, str] | None = None,
        entities_only: bool = True,
        events: bool = True,
        schema: Path | None = None,
        loader: Loader = load_pipeline,
    ) -> None:
        self._config = config
        self._languages = load_config(config)
        self._models = {self._canonical(k): v for k, v in (models or {}).items()}
        self._entities_only = entities_only
        self._events = events
        self._schema = schema
        self._loader = loader
        self._pipelines: dict[str, Pipeline] = {}
        self._lock = threading.RLock()

    def _canonical(self, lang: str) -> str:
        return canonical_lang(lang, self._languages)

    def spec(self, lang: str) -> PipelineSpec:
        """What would be loaded for this language (cheap; raises ValueError for a bad model)."""
        code = self._canonical(lang)
        return resolve_pipeline(code, self._models.get(code), self._config)

    def pipeline(self, lang: str) -> Pipeline:
        """The loaded pipeline for a language, loading it on first use."""
        code = self._canonical(lang)
        with self._lock:
            if code not in self._pipelines:
                self._pipelines[code] = self._loader(
                    self.spec(code),
                    entities_only=self._entities_only,
                    events=self._events,
                    schema=self._schema,
                )
            return self._pipelines[code]

    def preload(self, langs: Iterable[str]) -> None:
        for lang in langs:
            self.pipeline(lang)

    def suggest(self, article_id: int, lang: str, text: str) -> list[Suggestion]:
        """Suggestions for one article's stored text (``article_id`` is for the caller's
        bookkeeping: results are matched to requests by it)."""
        pipeline = self.pipeline(lang)
        with self._lock:
            return suggest_article(pipeline, text)

    def model_info(self, lang: str) -> tuple[str, str]:
        """(model, version) to store this language's suggestions under."""
        pipeline = self.pipeline(lang)
        return pipeline.model, pipeline.version

    def notes(self) -> list[str]:
        """One line per loaded language that has no model (rules or nothing instead)."""
        with self._lock:
            return [p.note for p in self._pipelines.values() if p.note]
