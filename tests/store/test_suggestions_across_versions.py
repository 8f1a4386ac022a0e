"""A proposal another version of the same model already made on an article is not stored
again: ``suggest`` after ``suggest --no-events`` (versions "3.8.0" and "3.8.0+events…")
stored every entity suggestion twice, and the window listed accepted entities again as
pending duplicates (new-user trial)."""

from __future__ import annotations

from collections import Counter

from annotator.core import commands as cmd
from annotator.core.models import Argument, ParsedDoc, Span, Suggestion
from annotator.store import Store
from annotator.store.suggestions import PROPOSED_BEFORE

TEXT = "Tokayev met Putin in Astana."
TOK, PUTIN, ASTANA = Span(0, 7, "PERSON"), Span(12, 17, "PERSON"), Span(21, 27, "GPE")
MEET = Suggestion(Span(8, 11, "Meet"), "event", (Argument("Participant", TOK),))


def _pending(store: Store, aid: int) -> list[tuple[str, Span, str]]:
    return sorted((s.kind, s.span, state) for s, state in store.suggestions(aid, "ann"))


def test_a_newer_version_stores_only_what_no_version_proposed_before():
    store = Store()
    (aid,) = [r.article_id for r in store.add_docs([ParsedDoc(TEXT, lang="en")])]
    assert store.add_suggestions([(aid, [Suggestion(TOK), Suggestion(PUTIN)])], "m", "1") == 2
    (tok,) = [s for s, _ in store.suggestions(aid, "ann") if s.span == TOK]
    store.apply(
        aid,
        "ann",
        cmd.Command(
            "accept", (cmd.add_span(TOK), cmd.set_suggestion(tok.id, "pending", "accepted"))
        ),
    )
    tally: Counter[str] = Counter()
    again = [Suggestion(TOK), Suggestion(PUTIN), Suggestion(ASTANA), MEET]
    assert store.add_suggestions([(aid, again)], "m", "1+events", tally=tally) == 2
    assert tally[PROPOSED_BEFORE] == 2
    assert _pending(store, aid) == sorted(
        [
            ("entity", TOK, "accepted"),  # still decided: nobody is asked twice
            ("entity", PUTIN, "pending"),
            ("entity", ASTANA, "pending"),
            ("event", MEET.span, "pending"),
        ]
    )
    # a forced re-run of either version changes nothing
    for version in ("1+events", "1"):
        store.add_suggestions([(aid, again)], "m", version, force=True)
        assert len(store.suggestions(aid, "ann")) == 4
    # another model's proposal of the same span is its own
    assert store.add_suggestions([(aid, [Suggestion(TOK)])], "other", "1") == 1


def test_an_older_project_with_both_copies_keeps_them_on_a_forced_rerun():
    """Before this, both versions stored the proposal: a forced re-run of one version keeps
    its own copy (and every decision on it) rather than deleting it as not found again."""
    store = Store()
    (aid,) = [r.article_id for r in store.add_docs([ParsedDoc(TEXT, lang="en")])]
    store.add_suggestions([(aid, [Suggestion(TOK)])], "m", "1")
    store.db.execute(  # the second copy, as the old code stored it
        'INSERT INTO suggestions (article_id, kind, start, "end", label, source, model, '
        "model_version) VALUES (?, 'entity', 0, 7, 'PERSON', 'model', 'm', '2')",
        [aid],
    )
    store.db.execute(
        "INSERT INTO suggestion_runs (article_id, model, model_version, at) "
        "VALUES (?, 'm', '2', '')",
        [aid],
    )
    (copy,) = [s for s, _ in store.suggestions(aid, "ann") if s.model_version == "2"]
    store.apply(
        aid, "ann", cmd.Command("reject", (cmd.set_suggestion(copy.id, "pending", "rejected"),))
    )
    store.add_suggestions([(aid, [Suggestion(TOK)])], "m", "2", force=True)
    states = sorted((s.model_version, state) for s, state in store.suggestions(aid, "ann"))
    assert states == [("1", "pending"), ("2", "rejected")]
