"""Processes the write-path tests start (real processes, not threads).

    python tests/store/procs.py hold DB SECONDS
    python tests/store/procs.py decide DB ARTICLE_ID ANNOTATOR COUNT SEED [STOP_FILE [GO_FILE]]

``decide`` works like an annotator at the keyboard, through the API the window uses
(``Store.apply``): it reads the gold, adds or removes a span, and prints one JSON line per
decision *after* the store returned it (saved), so a test that kills it knows exactly
which decisions were reported saved.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time

from annotator.core import commands as cmd
from annotator.core.models import Span
from annotator.store import ConflictError, Store
from annotator.store.errors import LockedError

LABELS = ("PERSON", "ORG", "GPE", "DATE")


def hold(db: str, seconds: str) -> None:
    store = Store(db)
    with store.write():
        store.db.execute("INSERT INTO meta(key, value) VALUES ('held', 'yes')")
        print("locked", flush=True)
        time.sleep(float(seconds))
    print("released", flush=True)


def _command(spans: set[Span], size: int, rng: random.Random) -> cmd.Command:
    if spans and rng.random() < 0.3:
        return cmd.Command("delete", (cmd.remove_span(rng.choice(sorted(spans))),))
    while True:  # a span this annotator does not have yet (as the window would offer)
        start = rng.randrange(size - 1)
        span = Span(start, start + 1, rng.choice(LABELS))
        if span not in spans:
            return cmd.Command("label", (cmd.add_span(span),))


def decide(
    db: str, article_id: str, who: str, count: str, seed: str, stop: str = "", go: str = ""
) -> None:
    """``count`` decisions, or fewer when the file ``stop`` appears; with ``go``, say
    "ready" and start only once that file exists (processes that start together)."""
    store = Store(db)
    aid, rng = int(article_id), random.Random(int(seed))
    size = len(store.get_article(aid).text)
    tally = {"conflicts": 0, "refused": 0}
    # like an open window: its own view of the gold, kept up to date by its own commands,
    # read again from the store only after a conflict
    spans = set(store.gold_spans(aid, who))
    if go:
        print(json.dumps({"ready": True}), flush=True)
        while not os.path.exists(go):
            time.sleep(0.001)
    for _ in range(int(count)):
        if stop and os.path.exists(stop):
            break
        command = _command(spans, size, rng)
        try:
            did = store.apply(aid, who, command)
        except ConflictError:  # another window of the same annotator got there first
            tally["conflicts"] += 1
            spans = set(store.gold_spans(aid, who))
            continue
        except LockedError:
            tally["refused"] += 1
            continue
        for change in command.changes:
            if change.before:
                spans.discard(Span.from_dict(change.before))
            if change.after:
                spans.add(Span.from_dict(change.after))
        print(json.dumps({"saved": did}), flush=True)
    print(json.dumps({"finished": True, **tally}), flush=True)


if __name__ == "__main__":
    {"hold": hold, "decide": decide}[sys.argv[1]](*sys.argv[2:])
