"""The SQLite gold dataset (sqlite-utils)."""

from annotator.store.changes import ConflictError
from annotator.store.store import AddResult, ArticleRow, GoldDoc, LoggedDecision, Store

__all__ = ["Store", "AddResult", "ArticleRow", "GoldDoc", "LoggedDecision", "ConflictError"]
