"""The token cache (issue 15): exports read the tokenizer's tokens from a sidecar file,
keyed by the text's hash and the tokenizer's version, and write the same bytes as without it."""

from __future__ import annotations

import random
import sqlite3

from export_data import ANNOTATOR, edge_docs, gold_store, ltd_docs, mark_done

from annotator.cli.export_cmd import run_export
from annotator.core.models import ParsedDoc, Span
from annotator.io.export_common import TokenTable
from annotator.io.token_cache import TokenCache, Tokens, sidecar_path, tokenizer_version
from annotator.io.tokens import blank, gold_doc, recut_offsets
from annotator.store import Store


def _file_store(tmp_path, docs) -> Store:
    """What ``gold_store`` makes, in a project file."""
    store = Store(tmp_path / "project.db")
    results = store.add_docs(list(docs), as_gold=True, annotator=ANNOTATOR)
    for doc, result in zip(docs, results):
        if not (doc.spans or doc.events) and not result.duplicate:
            mark_done(store, result.article_id)
    return store


def _export(store: Store, out) -> bytes:
    run_export(store, "jsonl", out, annotator=ANNOTATOR, status=None)
    return out.read_bytes()


def test_second_export_reads_the_cache_and_writes_the_same_bytes(tmp_path):
    docs = [*edge_docs(), *ltd_docs()]
    expected = _export(gold_store(docs), tmp_path / "memory.jsonl")  # no cache at all
    store = _file_store(tmp_path, docs)
    sidecar = sidecar_path(store.path)
    assert not sidecar.exists()
    assert _export(store, tmp_path / "cold.jsonl") == expected
    rows = sqlite3.connect(sidecar).execute("SELECT count(*) FROM tokens").fetchone()[0]
    assert rows == len({d.text for d in docs})
    assert _export(store, tmp_path / "warm.jsonl") == expected


def _poison(sidecar, version: str) -> None:
    """Every cached text as one single token under ``version`` (fits any text's length)."""
    conn = sqlite3.connect(sidecar)
    rows = conn.execute("SELECT content_hash, ends FROM tokens").fetchall()
    with conn:
        conn.execute("DELETE FROM tokens")
        for h, ends in rows:
            last = Tokens.from_row(b"", ends, b"").ends[-1]
            one = Tokens([0], [last], b"\0")
            conn.execute(
                "INSERT OR REPLACE INTO tokens VALUES (?,?,?,?,?)", (h, version, *one.to_row())
            )
    conn.close()


def test_tokens_of_another_tokenizer_version_are_not_read(tmp_path):
    docs = ltd_docs()
    store = _file_store(tmp_path, docs)
    expected = _export(store, tmp_path / "first.jsonl")
    _poison(sidecar_path(store.path), "1:3.0.0:en:0123456789abcdef")  # an older spaCy's
    assert _export(store, tmp_path / "other.jsonl") == expected
    # the same wrong tokens under this tokenizer's key are read: the key is what decides
    _poison(sidecar_path(store.path), tokenizer_version("en"))
    assert _export(store, tmp_path / "poisoned.jsonl") != expected


def test_tokens_that_do_not_cover_the_text_are_recomputed(tmp_path):
    cache = TokenCache(tmp_path / "x.tokens")
    text = "Acme Ltd. met Tokayev."
    first = cache.tokens([("h", "en", text)])[0]
    again = cache.tokens([("h", "en", text + " And more.")])[0]  # same hash, other text
    assert again.ends[-1] == len(text) + len(" And more.")
    assert cache.misses == 2 and first.ends[-1] == len(text)


def test_an_unwritable_folder_only_costs_speed(tmp_path):
    cache = TokenCache(tmp_path / "missing-folder" / "x.tokens")
    tokens = cache.tokens([("h", "en", "Tokayev met Mirziyoyev.")])[0]
    assert tokens.ends == [7, 11, 22, 23]
    assert cache.path is None  # gave up keeping a cache there


def test_another_database_at_the_sidecar_path_is_never_written(tmp_path):
    """A project (or any database) that sits where the sidecar would be — a link to another
    project, a copy under that name — is left untouched: the export tokenizes instead."""
    other = tmp_path / "other.db"
    with Store(other) as victim:
        victim.add_docs([ParsedDoc("Tokayev met Mirziyoyev.", lang="en")])
    before = other.read_bytes()
    tables = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")}
    with _file_store(tmp_path, ltd_docs()) as store:
        sidecar_path(store.path).symlink_to(other)
        assert _export(store, tmp_path / "out.jsonl")  # exported all the same
    after = {r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")}
    assert after == tables and other.read_bytes() == before


def test_recut_offsets_is_gold_docs_cut():
    rng = random.Random(7)
    nlp = blank("en")
    texts = [d.text for d in [*edge_docs(), *ltd_docs()]] + ["Trade (up 4.4%)  rose, Ltd.' x"]
    for text in texts:
        doc = nlp.tokenizer(text)
        tokens = Tokens.of(doc)
        for _ in range(40):
            spans = []
            for _ in range(rng.randint(1, 4)):
                a = rng.randrange(len(text))
                spans.append(Span(a, rng.randint(a + 1, len(text)), "X"))
            pairs = {(s.start, s.end) for s in spans}
            cut = TokenTable(gold_doc(doc, spans, text))
            got = recut_offsets(tokens.starts, tokens.ends, tokens.spaces(), text, pairs)
            assert got == (cut.starts, cut.ends, cut.spaces), (text, spans)


def test_conll_from_the_cache_is_the_same_as_tokenized(tmp_path):
    docs = [*edge_docs(), *ltd_docs()]

    def conll(store, name):
        run_export(store, "conll", tmp_path / name, annotator=ANNOTATOR)
        return (tmp_path / name).read_bytes()

    expected = conll(gold_store(docs), "memory.conll")
    store = _file_store(tmp_path, docs)
    assert conll(store, "cold.conll") == expected
    assert conll(store, "warm.conll") == expected
    _poison(sidecar_path(store.path), tokenizer_version("en"))
    assert conll(store, "poisoned.conll") != expected  # the warm export read the cache


def test_tokens_keep_the_row_they_were_made_or_read_with():
    """Tokens.of and from_row keep their stored row's bytes (not made again from the
    lists): the same bytes as from the lists, and the same numbers as the Doc's."""
    from array import array

    text = "Acme Ltd.  paid \u20b84.5 bn;\n\n\u201cYes,\u201d said K. Beisenov\u2026 \t end "
    doc = blank("en").tokenizer(text)
    tokens = Tokens.of(doc)
    assert tokens.starts == [t.idx for t in doc]
    assert tokens.ends == [t.idx + len(t) for t in doc]
    assert tokens.spaces() == [int(bool(t.whitespace_)) for t in doc]
    assert tokens.flags == bytes(
        t.is_space * 1 | t.is_punct * 2 | bool(t.whitespace_) * 4 for t in doc
    )
    from_lists = (array("i", tokens.starts).tobytes(), array("i", tokens.ends).tobytes())
    assert tokens.to_row() == (*from_lists, tokens.flags)
    plain = Tokens(list(tokens.starts), list(tokens.ends), tokens.flags)  # no row kept
    assert plain.to_row() == tokens.to_row() and plain == tokens
    read = Tokens.from_row(*tokens.to_row())
    assert read == tokens and read.to_row() == tokens.to_row()
    assert all(type(part) is bytes for part in read.to_row())
    assert Tokens.of(blank("en").tokenizer("")) == Tokens([], [], b"")
