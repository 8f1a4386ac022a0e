from __future__ import annotations

from annotator.store import Store
from annotator.workflows import importing


def _snapshot(store: Store) -> list[tuple]:
    return [
        (a.title, a.lang, a.date)
        for a in (store.get_article(r.id) for r in store.list_articles("x"))
    ]


def test_importing_parallel_reading_gives_the_same_result_in_the_same_order(
    monkeypatch, corpus_dir, tmp_path
):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00garbage" * 10)
    serial = Store()
    s1 = importing.import_paths(serial, [corpus_dir, bad])
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)
    parallel = Store()
    s2 = importing.import_paths(parallel, [corpus_dir, bad])
    assert (s1.imported, s1.duplicates, [str(e) for e in s1.errors]) == (
        s2.imported,
        s2.duplicates,
        [str(e) for e in s2.errors],
    )
    assert s1.imported >= 30 and len(s1.errors) == 1
    assert _snapshot(serial) == _snapshot(parallel)


def test_importing_a_failing_file_leaves_nothing_behind(tmp_path):
    good = tmp_path / "a.jsonl"
    good.write_text('{"text": "Astana", "spans": [{"start": 0, "end": 99, "label": "GPE"}]}\n')
    store = Store()
    summary = importing.import_paths(store, [good])
    assert summary.imported == 0 and summary.failed == 1
    assert "past the end" in str(summary.errors[0]) or "99" in str(summary.errors[0])
    assert store.count_articles() == 0


def test_importing_stops_between_files_and_keeps_what_it_read(monkeypatch, corpus_dir):
    monkeypatch.setattr(importing, "PARALLEL_FROM", 1)  # also through the process pool
    store = Store()
    seen = []
    summary = importing.import_paths(
        store,
        sorted(corpus_dir.glob("*.txt")),
        on_file=seen.append,
        should_stop=lambda: len(seen) >= 3,
    )
    assert summary.stopped and summary.files == 3 and summary.imported == 3
    assert store.count_articles() == 3
