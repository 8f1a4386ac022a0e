"""Store.suggestions reuses the objects it built from unchanged rows (an article switch
builds none again), and never serves an old object for a row whose content differs."""

from __future__ import annotations

from annotator.core.models import ParsedDoc, Span, Suggestion
from annotator.store import Store


def test_suggestion_objects_are_reused_for_the_same_rows_only(tmp_path):
    with Store(tmp_path / "p.db") as store:
        store.add_docs([ParsedDoc(text="Tokayev met Japarov in Astana.", title="t", lang="en")])
        store.add_suggestions([(1, [Suggestion(Span(0, 7, "PERSON"))])], "m", "1")
        first = store.suggestions(1, "ann")
        again = store.suggestions(1, "ann")
        assert first[0][0] is again[0][0]
        sid = first[0][0].id
        # another writer replaces the row, reusing its id with other content
        store.db.execute("DELETE FROM suggestions WHERE id = ?", [sid])
        store.db.execute(
            "INSERT INTO suggestions (id, article_id, kind, start, \"end\", label, arguments, "
            "attributes, score, source, model, model_version, created_at) "
            "SELECT ?, 1, 'entity', 23, 29, 'GPE', '[]', '{}', NULL, 'model', 'm', '1', 'now'",
            [sid],
        )
        store.db.conn.commit()
        fresh = store.suggestions(1, "ann")
        assert [(s.id, s.span) for s, _ in fresh] == [(sid, Span(23, 29, "GPE"))]
