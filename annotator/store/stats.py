"""Counts for ``annotator stats`` and the window's status bar."""

from __future__ import annotations

from typing import Any

from annotator.store.store import Store


def project_stats(store: Store) -> dict[str, Any]:
    q = store.db.execute
    by_lang = dict(q("SELECT lang, count(*) FROM articles GROUP BY lang ORDER BY lang"))
    status: dict[str, dict[str, int]] = {}
    for who, st, n in q(
        "SELECT annotator, status, count(*) FROM article_status GROUP BY 1, 2 ORDER BY 1, 2"
    ):
        status.setdefault(who, {})[st] = n
    total = sum(by_lang.values())
    for counts in status.values():  # articles an annotator never opened are new to them
        counts["new"] = counts.get("new", 0) + total - sum(counts.values())
    return {
        "articles": total,
        "languages": by_lang,
        "status": status,
        "suggestions": _nested(
            q("SELECT kind, label, count(*) FROM suggestions GROUP BY 1, 2 ORDER BY 1, 2")
        ),
        "models": [
            {"model": m, "version": v, "articles": n}
            for m, v, n in q(
                "SELECT model, model_version, count(*) FROM suggestion_runs GROUP BY 1, 2"
            )
        ],
        "gold_spans": dict(q("SELECT label, count(*) FROM gold_spans GROUP BY 1 ORDER BY 1")),
        "gold_events": dict(q("SELECT type, count(*) FROM gold_events GROUP BY 1 ORDER BY 1")),
        "annotators": {
            who: n
            for who, n in q("SELECT annotator, count(*) FROM decisions GROUP BY 1 ORDER BY 1")
        },
    }


def _nested(rows: Any) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for kind, label, n in rows:
        out.setdefault(kind, {})[label] = n
    return out
