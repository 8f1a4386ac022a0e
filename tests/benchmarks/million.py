"""A generated 1,000,000-article project for issue 15's "stays usable" benchmark.

The file is made through the project's own schema (``Store`` creates it: migrations,
triggers, the FTS table are the real ones), then bulk-filled with ``executemany`` and
set-based SQL, not through the per-article import (that would take hours):

- 1,000,000 English news articles of ~150-250 words (shorter than the bulk corpus's ~410
  words, to keep the file near 5 GB and the generation in minutes): paragraphs made of
  sentences drawn from a pool of 40,000 — template sentences with entities (names,
  companies, places, dates, amounts from :mod:`newsgen`) and plain sentences over a
  Zipf-distributed vocabulary of 20,000 made-up words (so there are common and rare words
  for the full-text search);
- entity suggestions of one model run (``en_core_web_sm`` 3.8.0) for every article, ~10-40
  per article (~20 on average, ~20 million rows), and its ``suggestion_runs`` rows;
- gold, article statuses and logged decisions for three annotators on a few thousand
  articles, written through ``Store.apply`` (the real write path), and their assignments;
- the full-text index built (``meta.fts_upto`` = the last article id).

The file is cached: ``ANNOTATOR_MILLION_DB`` names it (default
``~/.cache/annotator-bench/million-<n>.db``); it is made only when missing (a half-made
file is never left under that name). ``ANNOTATOR_MILLION_N`` changes the article count.

Run alone: ``.venv/bin/python tests/benchmarks/million.py [path]`` (prints the time).
Measured: 1,691 s (28 min) on the shared 2-core machine at load 4-5 (articles and
suggestions 1,112 s, the full-text index ~7 min, gold ~1 min); 5.7 GB, 20,131,849
suggestions, 10,596 decisions.
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import newsgen  # noqa: E402

from annotator.core import commands as cmd  # noqa: E402
from annotator.core.text import content_hash  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.store.stats import suggestion_counts  # noqa: E402

N = int(os.environ.get("ANNOTATOR_MILLION_N", "1000000"))
MODEL, VERSION = "en_core_web_sm", "3.8.0"
STAMP = "2026-11-02T09:00:00.000+00:00"
ANNOTATORS = {"alice": 150, "bob": 400, "carol": 700}  # every k-th article is theirs
POOL = 40_000
VOCAB = 20_000
CHUNK = 20_000

COMMON = (
    "the of and to in a that for on with as was said by at from is its will has be have "
    "were an which this their more after also new year government president minister "
    "region city people country work project plan state company market officials police"
).split()


def default_path(n: int = N) -> Path:
    env = os.environ.get("ANNOTATOR_MILLION_DB")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "annotator-bench" / f"million-{n}.db"


def _vocabulary(rng: random.Random) -> list[str]:
    """Made-up words (syllables), most common first; the first ones are real function words."""
    onsets = "b d g k l m n p r s t v z sh kh zh ch".split()
    vowels = "a e i o u y ai ei".split()
    words, seen = list(COMMON), set(COMMON)
    while len(words) < VOCAB:
        w = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w + rng.choice(("", "", "n", "r", "s", "t")))
    return words


def _pool(rng: random.Random) -> list[tuple[str, tuple[tuple[int, int, str], ...]]]:
    """Sentences with their entity spans (offsets within the sentence)."""
    vocab = _vocabulary(rng)
    cum = list(itertools.accumulate(1 / (k + 1) for k in range(len(vocab))))  # Zipf
    out = []
    for i in range(POOL):
        if i % 5 < 2:  # template sentences: ~4 entities each
            template, text, spans, pos = rng.choice(newsgen.TEMPLATES), "", [], 0
            while (at := template.find("{", pos)) >= 0:
                text += template[pos:at]
                end = template.index("}", at)
                label = template[at + 1 : end]
                value = newsgen._filler(rng, label, True)
                spans.append((len(text), len(text) + len(value), label))
                text += value
                pos = end + 1
            out.append((text + template[pos:], tuple(spans)))
        else:
            words = [vocab[bisect.bisect(cum, rng.random() * cum[-1])] for _ in range(13)]
            out.append((" ".join(words).capitalize() + ".", ()))
    return out


def _article(rng: random.Random, n: int, pool: list) -> tuple[tuple, list[tuple]]:
    """One article row and its suggestion spans (start, end, label)."""
    title = f"Regional news {n}: " + pool[rng.randrange(POOL)][0][:48].rstrip(" .,")
    parts, spans, pos = [title, "\n\n"], [], len(title) + 2
    picks = rng.choices(range(POOL), k=rng.randint(10, 18))
    for k, p in enumerate(picks):
        text, found = pool[p]
        spans.extend((pos + s, pos + e, label) for s, e, label in found)
        sep = "\n\n" if k % 4 == 3 else " "
        parts += (text, sep)
        pos += len(text) + len(sep)
    text = "".join(parts[:-1]) + "\n"
    date = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
    row = (content_hash(text), f"gen-{n}", f"gen-{n}", "en", date, title, text, "{}", STAMP)
    return row, spans


def _fill(conn: sqlite3.Connection, n: int, seed: int, say) -> int:  # noqa: ANN001
    rng = random.Random(seed)
    pool = _pool(rng)
    total = 0
    article_sql = """INSERT INTO articles (content_hash, source, external_id, lang, date,
        title, text, meta, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""
    sugg_sql = """INSERT INTO suggestions (article_id, kind, start, "end", label, score,
        source, model, model_version, created_at) VALUES (?, 'entity', ?, ?, ?, ?, 'model',
        ?, ?, ?)"""
    for first in range(1, n + 1, CHUNK):
        ids = range(first, min(first + CHUNK, n + 1))
        made = [_article(rng, i, pool) for i in ids]
        conn.executemany(article_sql, [row for row, _ in made])
        rows = [
            (aid, s, e, label, 0.9, MODEL, VERSION, STAMP)
            for aid, (_, spans) in zip(ids, made)
            for s, e, label in spans
        ]
        conn.executemany(sugg_sql, rows)
        total += len(rows)
        if first // CHUNK % 10 == 0:
            say(f"  {ids[-1]:,} articles, {total:,} suggestions")
    conn.execute(
        "INSERT INTO suggestion_runs (article_id, model, model_version, at) "
        "SELECT id, ?, ?, ? FROM articles",
        [MODEL, VERSION, STAMP],
    )
    return total


def _gold(store: Store, n: int, say) -> int:  # noqa: ANN001
    """Each annotator's share through the real write path: most suggestions accepted (gold
    spans), some rejected, the article done; every 10th left in progress, every 25th skipped."""
    decisions = 0
    for who, every in ANNOTATORS.items():
        ids = range(1, n + 1, every)  # overlaps: two annotators on every lcm-th article
        with store.write():
            store.db.conn.executemany(
                "INSERT INTO assignments (article_id, annotator, assigned_at) VALUES (?, ?, ?)",
                [(aid, who, STAMP) for aid in ids],
            )
        for k, aid in enumerate(ids):
            changes = []
            for sugg, _ in store.suggestions(aid, who):
                if (sugg.id or 0) % 7 == 0:
                    changes.append(cmd.set_suggestion(sugg.id, "pending", "rejected"))
                else:
                    changes.append(cmd.set_suggestion(sugg.id, "pending", "accepted"))
                    changes.append(cmd.add_span(sugg.span))
            if k % 25 == 24:
                changes = [cmd.set_status("new", "skipped")]
            elif k % 10 != 9:
                changes.append(cmd.set_status("new", "done"))
            store.apply(aid, who, cmd.Command("accept_all", tuple(changes)))
            decisions += 1
        say(f"  {who}: {len(ids):,} articles")
    return decisions


def generate(path: Path, n: int = N, seed: int = 1_000_000, say=print) -> Path:  # noqa: ANN001
    """Make the project at ``path`` (under a temporary name, renamed when complete)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    Store(part).close()  # the schema, by the project's own migrations
    conn = sqlite3.connect(part, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")  # a bulk fill of a file nobody else has open
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    conn.execute("BEGIN")
    suggestions = _fill(conn, n, seed, say)
    conn.execute("COMMIT")
    say(f"  articles and suggestions: {time.perf_counter() - started:.0f} s")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO articles_fts(rowid, title, text) SELECT id, title, text FROM articles"
    )
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_upto', ?)", [str(n)])
    conn.execute("COMMIT")
    say(f"  full-text index: {time.perf_counter() - started:.0f} s")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    with Store(part) as store:
        decisions = _gold(store, n, say)
        suggestion_counts(store)  # as the first ``annotator stats`` would: counts kept
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    part.rename(path)
    size = path.stat().st_size / 2**30
    say(
        f"generated {n:,} articles, {suggestions:,} suggestions, {decisions:,} decisions "
        f"in {time.perf_counter() - started:.0f} s: {path} ({size:.1f} GB)"
    )
    return path


def project(n: int = N, say=print) -> Path:  # noqa: ANN001
    """The cached project file; generated first when missing."""
    path = default_path(n)
    if not path.exists():
        generate(path, n, say=say)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default_path()
    if target.exists():
        print(f"{target} exists; delete it to generate again")
    else:
        generate(target)
