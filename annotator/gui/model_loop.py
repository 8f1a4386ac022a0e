"""The model loop in the window: train on the gold in the background, re-suggest the
unreviewed articles with the new model, and open the most useful article next.

Training runs in its own :class:`~annotator.gui.jobs.JobHost` thread over its own store
connection (``annotator.workflows.training``: spaCy's training, progress per step in the
status bar, the window stays responsive; asking again stops it and keeps the best model so
far). When it is done, the same thread suggests with the new model for the articles of
that language nobody has finished (``annotator.workflows.suggesting``). "Most useful next"
opens the unfinished article on which the base pipeline and the trained model disagree
most (:mod:`annotator.store.ranking`: query by committee).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from annotator.gui.jobs import JobHost, Progress
from annotator.store import Store
from annotator.store.models import models
from annotator.store.ranking import base_model, most_useful_first
from annotator.workflows.suggesting import plan_suggest, suggest_pending

if TYPE_CHECKING:
    from annotator.workflows.training import TrainResult

BASE_MODEL = "en_core_web_sm"


def train_job(
    out: Path, lang: str, base: str, max_steps: int, annotator: str
) -> Callable[..., Any]:
    """Train, then suggest with the new model for the articles of ``lang`` that
    ``annotator`` has not finished."""

    def work(store: Store, progress: Progress, cancelled: Callable[[], bool]) -> Any:
        # spaCy's training (and spaCy) load here, in the job: not when the window opens
        from annotator.workflows.training import train

        result = train(
            store,
            out,
            lang=lang,
            base=base,
            max_steps=max_steps,
            on_line=lambda _line: None,
            progress=progress,
            should_stop=cancelled,
        )
        summary = plan_suggest(store, model=result.name, lang=lang, unfinished_for=annotator)
        suggest_pending(store, summary)
        return result, summary.articles

    return work


class ModelLoop(QObject):
    """What the window's Model menu does; messages go to the status bar."""

    message = Signal(str, int)  # text, milliseconds
    trained = Signal(object)  # TrainResult

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs = JobHost("train-jobs", self)
        self._job: Any = None
        self.base = BASE_MODEL  # the pipeline fine-tuned (tests: "blank")
        self.max_steps = 600

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def train(self, store: Store, lang: str, annotator: str) -> None:
        """Start training (or, while it runs, stop it: the best model so far is kept)."""
        if self.jobs.busy:
            if self._job is not None:
                self._job.cancel()
            self.message.emit("Stopping the training: the best model so far is kept…", 6000)
            return
        if store.path is None:
            self.message.emit("Training needs a project file (this one is in memory).", 6000)
            return
        out = store.path.parent / "models" / f"trained-{lang}"
        self.message.emit(f"Training a model on the {lang} gold…", 4000)

        def done(value: Any) -> None:
            result, resuggested = value
            self._report(result, resuggested)

        def failed(reason: str) -> None:
            self.message.emit(f"Training stopped: {reason}", 10000)

        def progress(step: int, total: int) -> None:
            self.message.emit(f"Training: step {step} of {total} (Ctrl+Shift+T stops)", 0)

        self._job = self.jobs.submit(
            store,
            train_job(out, lang, self.base, self.max_steps, annotator),
            done=done,
            failed=failed,
            progress=progress,
        )

    def _report(self, result: TrainResult, resuggested: int) -> None:
        new = result.scores.get("entities", {}).get("all", {})
        base = result.base_scores.get("entities", {}).get("all", {})
        scores = ""
        if new and result.scores.get("docs"):
            scores = f": entity F1 {new.get('f1', 0):.2f}"
            if base:
                scores += f" (base {base.get('f1', 0):.2f})"
            scores += f" on {result.scores['docs']} held-out articles"
        stopped = ", stopped early" if result.stopped else ""
        self.message.emit(
            f"Trained {result.name}@{result.version}{stopped}{scores}; "
            f"new suggestions on {resuggested} unfinished articles", 15000
        )  # fmt: skip
        self.trained.emit(result)

    def most_useful(self, store: Store, annotator: str, lang: str) -> int | None:
        """The unfinished article the base and the latest trained model disagree on most
        (None, with a message, when there is no trained model or nothing to rank)."""
        trained = [m for m in models(store) if m.lang == lang]
        if not trained:
            self.message.emit(
                "Train a model first (Model → Train, Ctrl+Shift+T): the ranking compares "
                "it with the model that suggested before (the base model).",
                8000,
            )
            return None
        base_name = base_model(store, lang, trained[0].name)
        ranked = most_useful_first(store, annotator, base_name, trained[0].name, lang=lang)
        if not ranked:
            self.message.emit("No unfinished article has suggestions from both models yet.", 8000)
            return None
        aid, score = ranked[0]
        self.message.emit(f"Most useful next: the models disagree on {score:.0%} of it.", 6000)
        return aid

    def stop(self) -> None:
        self.jobs.stop()
