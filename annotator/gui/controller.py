"""The controller: owns the store, the open article's review state and the undo stacks.

Every key ends here. A command is built by :class:`~annotator.core.review.Review`, saved by
``Store.apply`` in one transaction (before anything repaints), pushed on the article's
``QUndoStack`` and announced by ONE signal, ``changed``, carrying what changed so each view
does the smallest update. Suggestions arrive from the worker by signal and are stored here,
on the GUI thread: the only writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QUndoGroup, QUndoStack

from annotator.core.commands import Command
from annotator.core.history import rebuild
from annotator.core.labels import LabelSet
from annotator.core.models import Article
from annotator.core.review import Focus, Review, Step, Token, regex_tokens, snap
from annotator.gui.stats import SessionStats
from annotator.gui.undo import DecisionCommand
from annotator.gui.worker import WorkerHost
from annotator.store import ConflictError, Store, browse

OPENED, EDITED, CURRENT, SUGGESTED = "opened", "edited", "current", "suggested"


@dataclass(frozen=True)
class Update:
    """What ``changed`` reports. ``ranges`` (code points) None means everything."""

    article_id: int | None
    kind: str
    ranges: tuple[tuple[int, int], ...] | None = None
    status_changed: bool = False


class Controller(QObject):
    changed = Signal(object)  # Update
    message = Signal(str)  # one line for the status bar

    def __init__(
        self,
        store: Store,
        annotator: str,
        labels: LabelSet,
        worker: WorkerHost | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.labels = labels
        self.worker = worker
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[int, QUndoStack] = {}
        self.replaying = False
        self.article: Article | None = None
        self.review: Review | None = None
        self._tokens: list[Token] | None = None  # None: not needed yet
        self.lang_filter: str | None = None
        self.stats = SessionStats(store, annotator)
        self.last_model = ""
        if worker is not None:
            worker.suggested.connect(self._on_worker_suggested)
            worker.tokenized.connect(self._on_worker_tokenized)
            worker.failed.connect(self._on_worker_failed)
            worker.noted.connect(self.message)

    # -- articles -----------------------------------------------------------------------

    def start(self) -> None:
        """Open the first unfinished article (or the first one) with its first suggestion."""
        first = browse.next_unfinished(self.store, self.annotator, lang=self.lang_filter)
        if first is None:
            ids = browse.article_ids(self.store, self.annotator)
            first = ids[0] if ids else None
        if first is None:
            self.message.emit("This project has no articles yet: File → Import adds some.")
            return
        self.open_article(first)

    def open_article(self, article_id: int) -> None:
        self.article = self.store.get_article(article_id)
        self._tokens = None  # the regex fallback is made on first use, spaCy's replace it
        self.review = self._load_review(Focus(None, next_pending=True))
        self.undo_group.setActiveStack(self._stack(article_id))
        self._ask_worker(self.article)
        self.changed.emit(Update(article_id, OPENED))

    def _load_review(self, focus: Focus) -> Review:
        aid = self.article.id
        review = Review(
            aid,
            self.article.text,
            self.store.suggestions(aid, self.annotator),
            self.store.gold_spans(aid, self.annotator),
            self.store.status(aid, self.annotator),
        )
        review.current = review.locate(focus)
        return review

    def _ask_worker(self, article: Article) -> None:
        if self.worker is None:
            return
        self.worker.request_tokens(article.id, article.lang, article.text)
        if not browse.models_run(self.store, article.id):
            self.worker.request_suggestions(article.id, article.lang, article.text)
        # one article ahead, so that "done → next" finds its suggestions ready
        ahead = browse.next_unfinished(
            self.store, self.annotator, after=article.id, lang=self.lang_filter
        )
        if ahead not in (None, article.id) and not browse.models_run(self.store, ahead):
            nxt = self.store.get_article(ahead)
            self.worker.request_suggestions(nxt.id, nxt.lang, nxt.text)

    def done_and_next(self) -> None:
        self._finish(self.review.mark_done() if self.review else None)

    def skip_and_next(self) -> None:
        self._finish(self.review.skip() if self.review else None)

    def _finish(self, step: Step | None) -> None:
        if self.article is None:
            return
        self.execute(step)
        after = self.article.id
        nxt = browse.next_unfinished(self.store, self.annotator, after=after, lang=self.lang_filter)
        if nxt is None:
            self.message.emit("Every article is done or skipped.")
        elif nxt != after:
            self.open_article(nxt)

    # -- the current item ---------------------------------------------------------------

    def move_current(self, step: int) -> None:
        if self.review and self.review.move(step):
            self.changed.emit(Update(self.article.id, CURRENT))

    def set_current(self, index: int | None) -> None:
        if self.review is None or index is None or index == self.review.current:
            return
        if 0 <= index < len(self.review.items):
            self.review.current = index
            self.changed.emit(Update(self.article.id, CURRENT))

    def select_at(self, offset: int) -> None:
        if self.review is not None:
            self.set_current(self.review.item_at(offset))

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        return snap(self.tokens, start, end)

    # -- decisions ----------------------------------------------------------------------

    def accept(self) -> bool:
        return self.execute(self.review.accept() if self.review else None)

    def reject(self) -> bool:
        return self.execute(self.review.reject() if self.review else None)

    def accept_all(self) -> bool:
        return self.execute(self.review.accept_all() if self.review else None)

    def delete(self) -> bool:
        return self.execute(self.review.delete() if self.review else None)

    def apply_label(self, label: str, selection: tuple[int, int] | None = None) -> bool:
        """Label the selection as a new gold span, or give the current item this label."""
        if self.review is None:
            return False
        if selection is not None:
            return self.execute(self.review.add_span(*selection, label))
        return self.execute(self.review.relabel(label))

    def apply_key(self, key: int, selection: tuple[int, int] | None = None) -> bool:
        label = self.labels.by_key(key)
        return self.apply_label(label.name, selection) if label else False

    def move_boundary(self, edge: str, step: int) -> bool:
        if self.review is None:
            return False
        return self.execute(self.review.move_boundary(edge, step, self.tokens))

    def execute(self, step: Step | None) -> bool:
        """Save one command (one transaction), push it for undo, announce it."""
        if step is None or self.article is None or self.review is None:
            return False
        aid = self.article.id
        decision = self._write(aid, step.command)
        if decision is None:  # the store disagreed: show what it holds
            item = self.review.current_item
            self.review = self._load_review(Focus(item.span if item else None))
            self.changed.emit(Update(aid, EDITED, None, status_changed=True))
            return False
        self._stack(aid).push(DecisionCommand(self, aid, step.command, decision))
        self._reload(step.focus, step.command)
        return True

    def _write(
        self, aid: int, command: Command, *, undo_of: int | None = None, redo_of: int | None = None
    ) -> int | None:
        try:
            decision = self.store.apply(
                aid, self.annotator, command, undo_of=undo_of, redo_of=redo_of
            )
        except (ConflictError, ValueError) as exc:
            self.message.emit(f"Not saved: {exc}")
            return None
        self.stats.record()
        return decision

    def _reload(self, focus: Focus, command: Command) -> None:
        old = self.review
        self.review = self._load_review(focus)
        ranges = tuple((s.start, s.end) for s in old.spans_of(command))
        moved = old.status != self.review.status
        self.changed.emit(Update(self.article.id, EDITED, ranges, status_changed=moved))

    # -- undo ---------------------------------------------------------------------------

    def undo(self) -> None:
        stack = self.undo_group.activeStack()
        if stack is None or not stack.canUndo():
            self.message.emit("Nothing to undo in this article.")
            return
        stack.undo()

    def redo(self) -> None:
        stack = self.undo_group.activeStack()
        if stack is None or not stack.canRedo():
            self.message.emit("Nothing to redo in this article.")
            return
        stack.redo()

    def replay(
        self,
        article_id: int,
        command: Command,
        *,
        undo_of: int | None = None,
        redo_of: int | None = None,
    ) -> int | None:
        """Write an undo or redo decision (called by the undo stack)."""
        decision = self._write(article_id, command, undo_of=undo_of, redo_of=redo_of)
        if decision is None:  # the store changed under us: start again from its log
            QTimer.singleShot(0, self, lambda: self._forget_stack(article_id))
            return None
        if self.article is not None and self.article.id == article_id:
            spans = self.review.spans_of(command)  # focus the first in the text
            first = min(spans, key=lambda s: (s.start, s.end)) if spans else None
            self._reload(Focus(first), command)
        return decision

    def _stack(self, article_id: int) -> QUndoStack:
        """The article's undo stack, rebuilt from the decisions log on first use."""
        stack = self._stacks.get(article_id)
        if stack is not None:
            return stack
        stack = self._stacks[article_id] = QUndoStack(self.undo_group)
        history = rebuild(self.store.decisions(article_id, self.annotator))
        self.replaying = True
        try:
            for entry in [*history.undo, *reversed(history.redo)]:
                stack.push(DecisionCommand(self, article_id, entry.command, entry.decision_id))
            stack.setIndex(len(history.undo))
        finally:
            self.replaying = False
        return stack

    def _forget_stack(self, article_id: int) -> None:
        stack = self._stacks.pop(article_id, None)
        if stack is not None:
            self.undo_group.removeStack(stack)
            stack.deleteLater()
        if self.article is not None and self.article.id == article_id:
            self.open_article(article_id)

    def _forget_all_stacks(self) -> None:
        for aid in list(self._stacks):
            stack = self._stacks.pop(aid)
            self.undo_group.removeStack(stack)
            stack.deleteLater()

    # -- project and annotator ----------------------------------------------------------

    def set_annotator(self, name: str) -> None:
        """Decisions from now on are this annotator's; their own undo history applies."""
        if not name or name == self.annotator:
            return
        self.annotator = name
        self.stats = SessionStats(self.store, name)
        self._forget_all_stacks()
        self.start() if self.article is None else self.open_article(self.article.id)

    def set_store(self, store: Store) -> None:
        if self.worker is not None:
            self.worker.reset()  # answers still on their way belong to the old project
        self._forget_all_stacks()
        self.store = store
        self.stats = SessionStats(store, self.annotator)
        self.article = self.review = None
        self.changed.emit(Update(None, OPENED))
        self.start()

    # -- the worker ---------------------------------------------------------------------

    @Slot(int, object, str, str)
    def _on_worker_suggested(self, aid: int, found: list, model: str, version: str) -> None:
        try:
            self.store.add_suggestions([(aid, found)], model, version)
        except Exception as exc:  # e.g. the project was switched meanwhile
            self.message.emit(f"Suggestions for article {aid} not saved: {exc}")
            return
        self.last_model = f"{model} {version}".strip()
        if self.article is None or self.article.id != aid:
            self.changed.emit(Update(aid, SUGGESTED))
            return
        item = self.review.current_item
        focus = Focus(item.span) if item else Focus(None, next_pending=True)
        self.review = self._load_review(focus)
        self.changed.emit(Update(aid, SUGGESTED))

    @Slot(int, object)
    def _on_worker_tokenized(self, aid: int, tokens: list) -> None:
        if self.article is not None and self.article.id == aid and tokens:
            self._tokens = tokens

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = regex_tokens(self.article.text) if self.article else []
        return self._tokens

    @Slot(int, str)
    def _on_worker_failed(self, aid: int, message: str) -> None:
        self.message.emit(f"Article {aid}: {message}")

    @property
    def asking(self) -> bool:
        """Suggestions for the open article are being made."""
        return bool(self.worker and self.article and self.worker.asking(self.article.id))

    @property
    def model_text(self) -> str:
        models = self.review.models if self.review else []
        return ", ".join(models) if models else self.last_model
