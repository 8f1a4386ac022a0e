"""Record files are read a record at a time: the size limit is per record, memory is flat."""

from __future__ import annotations

import json

import pytest

from annotator.core.models import ParsedDoc, ReadError
from annotator.io import reader
from annotator.io.reader import read_file
from annotator.store import Store
from annotator.workflows import importing


def jsonl(path, n: int, pad: int = 0) -> str:
    lines = [
        json.dumps({"text": f"Article {i} in Astana. {'x' * pad}", "meta": {"id": f"a{i}"}})
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_stream_size_limit_is_per_record_not_per_file(tmp_path):
    path = jsonl(tmp_path / "big.jsonl", 30, pad=1000)  # ~31 kB, records of ~1 kB
    docs = list(read_file(path, max_bytes=2000))
    assert len(docs) == 30 and all(isinstance(d, ParsedDoc) for d in docs)
    lines = (tmp_path / "big.jsonl").read_text().splitlines()
    lines[3] = json.dumps({"text": "y" * 5000})
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    items = list(read_file(path, max_bytes=2000))
    errors = [i for i in items if isinstance(i, ReadError)]
    assert len(items) == 30 and len(errors) == 1
    assert errors[0].line == 4
    assert "a line of 5.01 kB is larger than the 2 kB limit (--max-size)" in str(errors[0])


def test_stream_reads_lazily(tmp_path):
    path = tmp_path / "many.jsonl"
    jsonl(path, 2000)
    handles = []
    real_open = reader._open

    def spy(p):
        handle = real_open(p)
        handles.append(handle)
        return handle

    items = read_file(path)
    reader._open, saved = spy, reader._open
    try:
        first = next(items)
        assert isinstance(first, ParsedDoc) and first.external_id == "a0"
        assert handles[0].tell() < path.stat().st_size // 4  # not read whole for one record
    finally:
        reader._open = saved
        items.close()


def test_stream_json_array_reads_lazily_and_stops_at_a_cut(tmp_path):
    tasks = [{"id": i, "data": {"text": f"Task {i} text."}} for i in range(3000)]
    raw = json.dumps(tasks)
    path = tmp_path / "tasks.json"
    path.write_text(raw[: len(raw) - 30], encoding="utf-8")  # cut inside the last task
    items = list(read_file(path))
    docs = [i for i in items if isinstance(i, ParsedDoc)]
    (error,) = [i for i in items if isinstance(i, ReadError)]
    assert len(docs) == 2999
    assert "task 3000: invalid JSON: the file ends inside it (truncated?)" in str(error)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"text": "ok"}\n\xff\xfe{"text": 1}\n{"text": "fine"}\n', "not valid utf-8"),
        (b'{"text": "ok"}\n{"text": "a\x00b"}\n{"text": "fine"}\n', "contains a NUL byte"),
    ],
)
def test_stream_a_bad_line_is_one_error_and_the_next_lines_come_in(tmp_path, raw, reason):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(raw)
    items = list(read_file(path))
    assert [type(i).__name__ for i in items] == ["ParsedDoc", "ReadError", "ParsedDoc"]
    assert items[1].line == 2 and reason in items[1].reason


def test_stream_utf16_is_read_whole_with_the_file_limit(tmp_path):
    path = tmp_path / "u.jsonl"
    path.write_bytes('{"text": "Astana"}\n'.encode("utf-16"))
    assert reader.stream_format(path, encoding="utf-16") is None
    (doc,) = read_file(path, encoding="utf-16")
    assert doc.text == "Astana"


def test_stream_import_stores_batches_and_a_stopped_import_resumes(tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH", 10)
    path = jsonl(tmp_path / "a.jsonl", 45)
    store = Store()
    calls = {"n": 0}

    def stop() -> bool:
        calls["n"] += 1
        return calls["n"] > 2  # the check before the file, after batch 1; stop after batch 2

    first = importing.import_paths(store, [path], should_stop=stop)
    assert first.stopped and first.imported == store.count_articles() == 20
    again = importing.import_paths(store, [path])
    assert (again.imported, again.duplicates) == (25, 20)
    assert store.count_articles() == 45


def _peak(path: str) -> int:
    import tracemalloc

    tracemalloc.start()
    try:
        importing.import_paths(Store(), [path])
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_stream_import_memory_does_not_grow_with_the_number_of_records(tmp_path, monkeypatch):
    """Python's peak while importing 3x the records stays about the same (it tripled, 2.2 to
    6.5 MB, when a file was read whole)."""
    monkeypatch.setattr(importing, "BATCH", 50)
    _peak(jsonl(tmp_path / "warm.jsonl", 20))  # one-time costs (imports, caches) first
    small = _peak(jsonl(tmp_path / "small.jsonl", 300, pad=2000))
    big = _peak(jsonl(tmp_path / "big.jsonl", 900, pad=2000))
    assert big < small * 1.5, (small, big)
