"""Trained models registered in the project: name, version, where, on what, how good.

``annotator train`` registers each model it trains (the version is the next number for
that name); ``suggest --model NAME`` and the window find it by name (the latest version,
or ``NAME@VERSION``). The table is schema v5 (see :mod:`annotator.store.schema`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from annotator.store.rows import now
from annotator.store.store import Store


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    version: str
    path: str
    lang: str
    base: str
    data_hash: str
    scores: dict[str, Any]
    trained_at: str

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


def register(
    store: Store,
    *,
    name: str,
    path: str,
    lang: str,
    base: str,
    data_hash: str,
    scores: dict[str, Any],
) -> str:
    """Add a model; return its version ("1", "2", ... per name)."""
    with store.write():
        row = store.db.execute(
            "SELECT coalesce(max(CAST(version AS INTEGER)), 0) FROM models WHERE name = ?",
            [name],
        ).fetchone()
        version = str(row[0] + 1)
        store.db.execute(
            "INSERT INTO models(name, version, path, lang, base, data_hash, scores, trained_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [name, version, path, lang, base, data_hash, json.dumps(scores), now()],
        )
    return version


def models(store: Store, name: str | None = None) -> list[RegisteredModel]:
    """Registered models (of ``name``), newest first."""
    sql = "SELECT name, version, path, lang, base, data_hash, scores, trained_at FROM models"
    args: list[Any] = []
    if name:
        sql += " WHERE name = ?"
        args.append(name)
    sql += " ORDER BY trained_at DESC, CAST(version AS INTEGER) DESC"
    return [
        RegisteredModel(n, v, p, lang, base, h, json.loads(s or "{}"), at)
        for n, v, p, lang, base, h, s, at in store.db.execute(sql, args)
    ]


def find(store: Store, ref: str) -> RegisteredModel | None:
    """``NAME`` (its latest version) or ``NAME@VERSION``; None when not registered."""
    name, _, version = ref.partition("@")
    for model in models(store, name):
        if not version or model.version == version:
            return model
    return None
