"""stats reads only the articles two or more annotators finished for its agreement, and
gets exactly what reading every finished article's gold gave."""

from __future__ import annotations

import random

from annotator.core import commands as cmd
from annotator.core.agreement import agreement
from annotator.core.models import ParsedDoc, Span
from annotator.store.team import ADJUDICATOR, agreement_docs, shared_docs

LABELS = ("PERSON", "ORG", "GPE")


def test_team_shared_docs_equal_the_shared_part_of_all_docs(store):
    rng = random.Random(4)
    words = "Tokayev met Mirziyoyev in Astana and Tashkent on Monday".split()
    texts = [" ".join(rng.choice(words) for _ in range(30)) + f" {i}." for i in range(12)]
    store.add_docs([ParsedDoc(t, lang="en") for t in texts])
    for aid in range(1, 13):
        for who in ("alice", "bob", "carol", ADJUDICATOR):
            if rng.random() < 0.4:
                continue
            spans = {Span(s, s + 5, rng.choice(LABELS)) for s in rng.sample(range(0, 100, 6), 4)}
            changes = tuple(cmd.add_span(s) for s in sorted(spans))
            store.apply(aid, who, cmd.Command("import", changes))
            if rng.random() < 0.8:
                store.apply(aid, who, cmd.Command("done", (cmd.set_status("in_progress", "done"),)))
    docs, names = agreement_docs(store)
    expected = [d for d in docs if len(d.versions) >= 2]
    got, got_names = shared_docs(store)
    assert got_names == names
    assert [(d.article_id, d.text, d.versions) for d in got] == [
        (d.article_id, d.text, d.versions) for d in expected
    ]
    assert len(got) >= 3
    assert agreement(got, names)["overall"] == agreement(expected, names)["overall"]
