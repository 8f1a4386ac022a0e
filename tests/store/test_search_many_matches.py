"""Search ranks the matches (bm25) when they are few; past RANKED_MATCHES (a common word
of a huge project, where ranking every match took 600 ms) it lists the newest first."""

from __future__ import annotations

import annotator.store.store as store_module
from annotator.core.models import ParsedDoc


def _docs():
    texts = [
        "Astana talks on trade.",
        "Astana Astana Astana: the capital hosts talks in Astana.",
        "Trade talks elsewhere; Astana once.",
        "Nothing here about it.",
    ]
    return [ParsedDoc(t, lang="en") for t in texts]


def test_search_few_matches_are_ranked(store):
    store.add_docs(_docs())
    assert store.search("Astana")[0] == 2  # the article saying it most
    assert set(store.search("Astana")) == {1, 2, 3}


def test_search_many_matches_newest_first(store, monkeypatch):
    store.add_docs(_docs())
    monkeypatch.setattr(store_module, "RANKED_MATCHES", 2)
    assert store.search("Astana") == [3, 2, 1]
    assert store.search("Astana", limit=2) == [3, 2]
    assert store.search("elsewhere") == [3]  # one match: ranked (the same)
