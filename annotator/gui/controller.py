"""The controller: owns the store, the open article's review state and the undo stacks.

Every key ends here. A command is built by :class:`~annotator.core.review.Review` (entities)
or :class:`~annotator.core.event_review.EventReview` (events) and is the unit of change:
the article's :class:`~annotator.core.history.CommandStack` saves it through
``Store.apply_command`` in one transaction (before anything repaints), the store returns
the command as applied, and the same changes are applied to the article's state in memory
(:class:`ArticleState`: no re-read of the article; a full read only on opening or after a
conflict). ONE signal, ``changed``, carries what changed so each view does the smallest
update. Undo and redo go through the same stack, so they are decisions like any other.
The review keys (J/K, A, X, Delete, Shift+A) act on the list of the current
``mode``: entities or events. Suggestions arrive from the worker by signal and are stored
here, on the GUI thread: the only writer. A write the store refuses (read-only, disk full,
locked) is one "Not saved: …" line, and the view goes back to what the store holds.

Marking done with suggestions still pending asks first (``done_held``; the window answers
with :meth:`Controller.finish_pending`) or, per ``done_policy``, accepts or rejects them:
the rest and the status change are one command (:mod:`annotator.gui.finish`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.article_state import ArticleState
from annotator.core.commands import EVENT as EVENT_CHANGE
from annotator.core.commands import SPAN as SPAN_CHANGE
from annotator.core.commands import SUGGESTION as SUGGESTION_CHANGE
from annotator.core.commands import Command
from annotator.core.event_review import EventFocus, EventReview, EventStep
from annotator.core.history import CommandStack, rebuild
from annotator.core.labels import LabelSet
from annotator.core.links import on_entity
from annotator.core.models import Article, Span
from annotator.core.review import Focus, Review, Step, Token, move_edge, regex_tokens, snap
from annotator.core.schema import EventSchema, load_schema
from annotator.gui.conflicts import conflict_line
from annotator.gui.finish import finish_step, pending_counts
from annotator.gui.prefs import DONE_ASK, DONE_POLICIES
from annotator.gui.stats import SessionStats
from annotator.gui.worker import WorkerHost
from annotator.store import ConflictError, Store, browse
from annotator.store.errors import StoreError, describe

OPENED, EDITED, CURRENT, SUGGESTED, MODE = "opened", "edited", "current", "suggested", "mode"
ENTITIES, EVENTS = "entities", "events"


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
    done_held = Signal(int, int, int)  # article id, pending entities, pending events: ask

    def __init__(
        self,
        store: Store,
        annotator: str,
        labels: LabelSet,
        worker: WorkerHost | None = None,
        parent: QObject | None = None,
        schema: EventSchema | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.labels = labels
        self.schema = schema or load_schema()
        self.worker = worker
        self._stacks: dict[int, CommandStack] = {}  # per article, rebuilt from the log
        self.state: ArticleState | None = None
        self.article: Article | None = None
        self.review: Review | None = None
        self.events: EventReview | None = None
        self.mode = ENTITIES
        self._tokens: list[Token] | None = None  # None: not needed yet
        self._expanded: set[str] = set()  # events whose arguments J/K walk (this article)
        self.lang_filter: str | None = None
        # done -> next in the article list's order (the window sets ArticleListPane.next_after)
        self.next_after: Callable[[int], int | None] | None = None
        self.stats = SessionStats(store, annotator)
        self.last_model = ""
        self.done_policy = DONE_ASK  # or DONE_ACCEPT / DONE_REJECT: decide without asking
        if worker is not None:
            worker.suggested.connect(self._on_worker_suggested)
            worker.tokenized.connect(self._on_worker_tokenized)
            worker.failed.connect(self._on_worker_failed)
            worker.noted.connect(self.message)

    def stack(self, article_id: int | None = None) -> CommandStack:
        """The undo/redo stack of an article (default: the open one), rebuilt from the
        decisions log the first time it is needed (so undo works after a restart)."""
        aid = self.article.id if article_id is None else article_id
        found = self._stacks.get(aid)
        if found is None:
            history = rebuild(self.store.decisions(aid, self.annotator))
            found = self._stacks[aid] = CommandStack(
                lambda c, u, r, aid=aid: self._apply(aid, c, u, r), history
            )
        return found

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
        self._expanded = set()
        self._tokens = None  # the regex fallback is made on first use, spaCy's replace it
        self._load(Focus(None, next_pending=True), EventFocus(next_pending=True))
        self._ask_worker(self.article)
        self.changed.emit(Update(article_id, OPENED))

    def _load(self, focus: Focus, event_focus: EventFocus) -> None:
        """Read the open article's suggestions, gold and status again (both lists)."""
        aid = self.article.id
        self.state = ArticleState.read(
            self.store.suggestions(aid, self.annotator),
            self.store.gold_spans(aid, self.annotator),
            self.store.gold_events(aid, self.annotator),
            self.store.status(aid, self.annotator),
        )
        self._rebuild(focus, event_focus)

    def _rebuild(self, focus: Focus, event_focus: EventFocus) -> None:
        """Both review lists from the article's state in memory."""
        aid = self.article.id
        suggestions = list(self.state.suggestions.values())
        gold_spans = self.state.sorted_spans()
        gold_events = self.state.sorted_events()
        self.review = Review(
            aid, self.article.text, suggestions, gold_spans, self.state.status, gold_events
        )
        self.review.current = self.review.locate(focus)
        self.events = EventReview(
            aid, self.article.text, suggestions, gold_events, self.schema, gold_spans
        )
        self.events.expanded = self._expanded  # kept across reloads of the article
        self.events.current = self.events.locate(event_focus)

    def _here(self) -> tuple[Focus, EventFocus]:
        item = self.review.current_item if self.review else None
        events = self.events.here() if self.events else EventFocus()
        return Focus(item.span if item else None), events

    def _ask_worker(self, article: Article) -> None:
        if self.worker is None:
            return
        self.worker.request_tokens(article.id, article.lang, article.text)
        if not browse.models_run(self.store, article.id):
            self.worker.request_suggestions(article.id, article.lang, article.text)
        # one article ahead, so that "done → next" finds its suggestions ready
        ahead = self._next_unfinished(article.id)
        if ahead not in (None, article.id) and not browse.models_run(self.store, ahead):
            nxt = self.store.get_article(ahead)
            self.worker.request_suggestions(nxt.id, nxt.lang, nxt.text)

    def done_and_next(self) -> None:
        """Mark done and open the next unfinished article; pending suggestions are decided
        first (asked through ``done_held`` unless ``done_policy`` says what to do)."""
        if self.review is None:
            return
        entities, events = pending_counts(self.review, self.events)
        if not entities and not events:
            self._finish(self.review.mark_done())
        elif self.done_policy == DONE_ASK:
            self.done_held.emit(self.article.id, entities, events)
        else:
            self.finish_pending(self.done_policy)

    def finish_pending(self, how: str, article_id: int | None = None) -> bool:
        """Accept or reject (``how``) every pending suggestion and mark the article done:
        one command. ``article_id``: the article asked about (nothing if another is open)."""
        if self.review is None or how not in DONE_POLICIES or how == DONE_ASK:
            return False
        if article_id is not None and article_id != self.article.id:
            return False
        return self._finish(finish_step(self.review, self.events, how))

    def skip_and_next(self) -> None:
        self._finish(self.review.skip() if self.review else None)

    def _finish(self, step: Step | None) -> bool:
        """Save ``step`` (None: nothing to change) and open the next unfinished article;
        stay on this one when the store refused it."""
        if self.article is None or (step is not None and not self.execute(step)):
            return False
        after = self.article.id
        nxt = self._next_unfinished(after)
        if nxt is None:
            self.message.emit("Every article is done or skipped.")
        elif nxt != after:
            self.open_article(nxt)
        return True

    def _next_unfinished(self, after: int) -> int | None:
        if self.next_after is not None:
            found = self.next_after(after)
            if found is not None:
                return found  # else: none left in the list (a filter): the next anywhere
        return browse.next_unfinished(
            self.store, self.annotator, after=after, lang=self.lang_filter
        )

    def reload(self) -> None:
        """Read the open article and its undo history again: something else in the window
        wrote this annotator's version of it (adjudicating as ``gold``, say)."""
        if self.article is None:
            return
        self._stacks.pop(self.article.id, None)
        self._load(*self._here())
        self.changed.emit(Update(self.article.id, EDITED, None, status_changed=True))

    # -- the mode and the current row ---------------------------------------------------

    def set_mode(self, mode: str) -> None:
        """Which list the review keys act on: ENTITIES or EVENTS."""
        if mode != self.mode and mode in (ENTITIES, EVENTS):
            self.mode = mode
            self.changed.emit(Update(self.article.id if self.article else None, MODE))

    def toggle_mode(self) -> None:
        self.set_mode(EVENTS if self.mode == ENTITIES else ENTITIES)

    @property
    def active(self) -> Review | EventReview | None:
        return self.events if self.mode == EVENTS else self.review

    def move_current(self, step: int) -> None:
        if self.active is not None and self.active.move(step):
            self.changed.emit(Update(self.article.id, CURRENT))

    def move_pending(self, step: int) -> None:
        """The next (+1) or previous (-1) pending suggestion of the current list."""
        if self.active is None:
            return
        if self.active.move_pending(step):
            self.changed.emit(Update(self.article.id, CURRENT))
        elif not self.active.pending_count():
            self.message.emit("Nothing pending in this list.")

    def move_event(self, step: int) -> None:
        """The next (+1) or previous (-1) event, from either list."""
        if self.events is None:
            return
        self.set_mode(EVENTS)
        if self.events.move_event(step):
            self.changed.emit(Update(self.article.id, CURRENT))

    def expand_event(self, on: bool) -> None:
        """Expand the current event (J/K then walk its arguments) or collapse it."""
        if self.events is None or self.mode != EVENTS:
            return
        if self.events.expand(on):
            self.changed.emit(Update(self.article.id, CURRENT))

    def set_current(self, index: int | None, mode: str | None = None) -> None:
        """Make row ``index`` of the ``mode`` list (default: the current one) current."""
        if mode is not None:
            self.set_mode(mode)
        target = self.active
        if target is None or index is None or index == target.current:
            return
        if 0 <= index < len(target.rows if self.mode == EVENTS else target.items):
            target.current = index
            self.changed.emit(Update(self.article.id, CURRENT))

    def select_at(self, offset: int) -> None:
        if self.active is None:
            return
        if self.mode == EVENTS:
            self.set_current(self.events.row_at(offset))
        else:
            self.set_current(self.review.item_at(offset))

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        return snap(self.tokens, start, end)

    # -- decisions ----------------------------------------------------------------------

    def accept(self) -> bool:
        return self.execute(self.active.accept() if self.active else None)

    def reject(self) -> bool:
        step = self.active.reject() if self.active else None
        if step is None and self.active is not None and self.active.current_item is not None:
            # X acts on pending suggestions only: say so instead of doing nothing in silence
            self.message.emit(
                "X rejects a pending suggestion; this one is not pending "
                "(Delete removes it, Ctrl+Z undoes a decision)."
            )
        return self.execute(step)

    def accept_all(self) -> bool:
        return self.execute(self.active.accept_all() if self.active else None)

    def delete(self) -> bool:
        return self.execute(self.active.delete() if self.active else None)

    def apply_label(self, label: str, selection: tuple[int, int] | None = None) -> bool:
        """Label the selection as a new gold span, or give the current item this label."""
        if self.review is None:
            return False
        self.set_mode(ENTITIES)
        if selection is not None:
            return self.execute(self.review.add_span(*selection, label))
        return self.execute(self.review.relabel(label))

    def apply_key(self, key: int, selection: tuple[int, int] | None = None) -> bool:
        """A number key: a label (entities), or a role for the current argument (events)."""
        if self.mode == EVENTS and selection is None:
            return self.role_key(key)
        label = self.labels.by_key(key)
        return self.apply_label(label.name, selection) if label else False

    def move_boundary(self, edge: str, step: int) -> bool:
        """Move the current entity's edge by a token; on an argument row, the edge of the
        argument's gold entity (the event follows it, as every event that uses it), or of
        the argument itself when it is a phrase (SPAN: a topic, an indicator): one edit of
        its gold event."""
        if self.review is None:
            return False
        if self.mode == ENTITIES:
            return self.execute(self.review.move_boundary(edge, step, self.tokens))
        arg = self.events.current_argument if self.events else None
        if arg is None:
            self.message.emit("Boundary keys move an entity: J to an argument, or Tab back.")
            return False
        if not on_entity(arg.span):  # a SPAN phrase (a topic, an indicator): its own span
            if not self.events.current_item.is_gold:
                self.message.emit("A suggested event's words do not move: accept it first (A).")
                return False
            new = move_edge(arg.span, edge, step, self.tokens, self.article.text)
            return self.execute(self.events.move_argument(new) if new else None)
        moved = self.review.move_boundary_of(arg.span, edge, step, self.tokens)
        if moved is None:
            if arg.span not in self.review.gold:
                self.message.emit("Only a gold entity's boundaries move: accept the event first.")
            return False
        return self.execute(EventStep(moved.command, self.events.here(), moved.note))

    # -- event decisions ----------------------------------------------------------------

    def create_event(self, start: int, end: int, event_type: str) -> bool:
        if self.events is None:
            return False
        self.set_mode(EVENTS)
        return self.execute(self.events.create(start, end, event_type))

    def retype_event(self, event_type: str) -> bool:
        return self.execute(self.events.retype(event_type) if self.events else None)

    def add_argument(self, span: Span, role: str) -> bool:
        if self.events is None:
            return False
        self.set_mode(EVENTS)
        return self.execute(self.events.add_argument(span, role))

    def role_key(self, key: int) -> bool:
        """Give the current argument the type's ``key``-th role."""
        roles = self.events.roles() if self.events else []
        if not 1 <= key <= len(roles):
            item = self.events.current_item if self.events else None
            if item is not None:
                self.message.emit(f"{item.event.type} has roles 1–{len(roles)} only.")
            return False
        if self.events.current_argument is None:
            self.message.emit("Number keys give the current argument a role: J to an argument.")
            return False
        return self.execute(self.events.set_role(roles[key - 1].name))

    def step_attribute(self, name: str) -> bool:
        if self.events is None:
            return False
        self.set_mode(EVENTS)
        return self.execute(self.events.step_attribute(name))

    def argument_spans(self) -> list[Span]:
        """Entity spans that can become arguments: gold and pending (not rejected)."""
        if self.review is None:
            return []
        return [i.span for i in self.review.items if i.state != "rejected"]

    # -- applying -----------------------------------------------------------------------

    def execute(self, step: Step | EventStep | None) -> bool:
        """Save one command (one transaction) on the article's stack, apply it to what the
        window shows, announce it."""
        if step is None or self.article is None or self.review is None:
            return False
        aid = self.article.id
        applied = self.stack(aid).push(step.command)
        if applied is None:  # the store disagreed: show what it holds, and undo from its log
            self._stacks.pop(aid, None)  # (another process changed it: this history is stale)
            self._load(*self._here())
            self.changed.emit(Update(aid, EDITED, None, status_changed=True))
            return False
        if step.note:
            self.message.emit(step.note[0].upper() + step.note[1:] + ".")
        focus, event_focus = self._here()
        if isinstance(step, EventStep):
            event_focus = step.focus
        else:
            focus = step.focus
        self._after(applied, focus, event_focus)
        return True

    def _apply(
        self, aid: int, command: Command, undo_of: int | None, redo_of: int | None
    ) -> tuple[int, Command] | None:
        """The stacks' way to the store: one transaction, or one "Not saved" line."""
        try:
            done = self.store.apply_command(
                aid, self.annotator, command, undo_of=undo_of, redo_of=redo_of
            )
        except ConflictError as exc:  # another window or program: the caller reloads
            review, events = self.review, self.events
            self.message.emit(
                conflict_line(
                    exc,
                    self.article.text,
                    review.suggestion_spans if review else {},
                    events.suggestion_triggers if events else {},
                )
            )
            return None
        except ValueError as exc:
            self.message.emit(f"Not saved: {exc}")
            return None
        except (sqlite3.Error, StoreError) as exc:  # read-only, disk full, locked elsewhere
            self.message.emit(f"Not saved: {describe(exc)}")
            return None
        if undo_of is None and redo_of is None:
            self.stats.record()  # undo and redo are no new decisions
        return done.decision_id, done.command

    def _after(self, applied: Command, focus: Focus, event_focus: EventFocus) -> None:
        """Apply what the store applied to the state in memory and announce it."""
        old = self.review
        self.state.absorb(applied)
        self._rebuild(focus, event_focus)
        ranges = tuple((s.start, s.end) for s in old.spans_of(applied))
        moved = old.status != self.review.status
        self.changed.emit(Update(self.article.id, EDITED, ranges, status_changed=moved))

    # -- undo ---------------------------------------------------------------------------

    def undo(self) -> None:
        self._step_history(undo=True)

    def redo(self) -> None:
        self._step_history(undo=False)

    def _step_history(self, *, undo: bool) -> None:
        if self.article is None:
            return
        stack = self.stack()
        if not (stack.can_undo() if undo else stack.can_redo()):
            self.message.emit(f"Nothing to {'undo' if undo else 'redo'} in this article.")
            return
        applied = stack.undo() if undo else stack.redo()
        if applied is None:  # the store changed under us: start again from its log
            self._stacks.pop(self.article.id, None)
            self._load(*self._here())
            self.changed.emit(Update(self.article.id, EDITED, None, status_changed=True))
            return
        self._after(applied, *self._focus_after_replay(applied, undo=undo))

    def _focus_after_replay(self, command: Command, *, undo: bool) -> tuple[Focus, EventFocus]:
        """Show what an undo or redo changed, in the list of what the command was made
        for: an entity's relabel that its events' arguments followed shows the entity (a
        new user's next Shift+A, meant for entities, accepted every pending event after
        undo had switched lists); an accepted event shows the event."""
        focus, event_focus = self._here()
        found = self.events.focus_for(command) if self.events else None
        spans = self.review.spans_of(command)
        if found is not None and (self._made_for(command, undo=undo) == EVENTS or not spans):
            self.mode = EVENTS  # announced by the update that follows
            return focus, found
        if spans:
            self.mode = ENTITIES
            focus = Focus(min(spans, key=lambda s: (s.start, s.end)))
        return focus, found or event_focus

    def _made_for(self, command: Command, *, undo: bool) -> str | None:
        """ENTITIES or EVENTS: what the command's first change decides (a span or an
        entity suggestion; an event or an event suggestion); later changes follow it. An
        undo replays the inverse, whose changes run backwards: its last change is that."""
        for change in reversed(command.changes) if undo else command.changes:
            value = change.after or change.before
            if value is None:
                continue
            if change.kind == SPAN_CHANGE:
                return ENTITIES
            if change.kind == EVENT_CHANGE:
                return EVENTS
            if change.kind == SUGGESTION_CHANGE:
                if value["id"] in self.review.suggestion_spans:
                    return ENTITIES
                if self.events is not None and value["id"] in self.events.suggestion_triggers:
                    return EVENTS
        return None

    # -- project and annotator ----------------------------------------------------------

    def set_annotator(self, name: str) -> None:
        """Decisions from now on are this annotator's; their own undo history applies."""
        if not name or name == self.annotator:
            return
        self.annotator = name
        self.stats = SessionStats(self.store, name)
        self._stacks.clear()
        self.start() if self.article is None else self.open_article(self.article.id)

    def set_store(self, store: Store) -> None:
        if self.worker is not None:
            self.worker.reset()  # answers still on their way belong to the old project
        self._stacks.clear()
        self.store = store
        self.stats = SessionStats(store, self.annotator)
        self.article = self.review = self.events = None
        self.changed.emit(Update(None, OPENED))
        self.start()

    # -- the worker ---------------------------------------------------------------------

    @Slot(int, object, str, str)
    def _on_worker_suggested(self, aid: int, found: list, model: str, version: str) -> None:
        try:
            self.store.add_suggestions([(aid, found)], model, version)
        except (sqlite3.Error, StoreError) as exc:  # read-only, disk full, locked
            self.message.emit(f"Not saved: suggestions for article {aid}: {describe(exc)}")
            return
        except Exception as exc:  # e.g. the project was switched meanwhile
            self.message.emit(f"Not saved: suggestions for article {aid}: {exc}")
            return
        self.last_model = f"{model} {version}".strip()
        if self.article is None or self.article.id != aid:
            self.changed.emit(Update(aid, SUGGESTED))
            return
        focus, event_focus = self._here()
        if self.review.current_item is None:
            focus = Focus(None, next_pending=True)
        if self.events.current_item is None:
            event_focus = EventFocus(next_pending=True)
        self._load(focus, event_focus)
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
