"""What language detection adds to a JSONL import (issue 12): the same generated articles
as bench_import's big JSONL (~420 words, ~42 spans each, imported as gold), once with
``meta.lang`` and once without it, each in a child process; the difference is the
detection's cost.

Run with ``make bench`` (or ``pytest tests/benchmarks/bench_langdetect.py -m benchmark
-s``). ``ANNOTATOR_BENCH_LANG_N`` changes the count (default 100,000). Goal: detection
does not dominate the import (under half of the import's time without it).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from newsgen import write_big_jsonl

N = int(os.environ.get("ANNOTATOR_BENCH_LANG_N", "100000"))

# wall and CPU seconds of the import alone: on a shared machine the CPU time is the
# figure that does not depend on the other jobs
SCRIPT = r"""
import sys, time
from annotator.store import Store
from annotator.workflows.importing import import_paths
t0, c0 = time.perf_counter(), time.process_time()
store = Store(sys.argv[1])
summary = import_paths(store, [sys.argv[2]], fmt="jsonl", as_gold=True, annotator="bench")
store.close()
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
print(summary.imported, f"{wall:.2f}", f"{cpu:.2f}", dict(summary.detected))
"""


def _write(path, n: int, with_lang: bool) -> None:  # noqa: ANN001
    write_big_jsonl(path, n, meta={"lang": "en"} if with_lang else {})


def _import(tmp_path, name: str, with_lang: bool) -> tuple[int, float, float, str]:
    path = tmp_path / f"{name}.jsonl"
    _write(path, N, with_lang)
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / f"{name}.db"), str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    imported, wall, cpu, detected = res.stdout.split(" ", 3)
    return int(imported), float(wall), float(cpu), detected.strip()


@pytest.mark.benchmark
def test_bench_langdetect_cost_on_the_jsonl_import_path(tmp_path):
    load = os.getloadavg()[0]
    n1, wall1, cpu1, none = _import(tmp_path, "stated", True)
    n2, wall2, cpu2, found = _import(tmp_path, "detected", False)
    assert n1 == n2 == N
    assert found == str({"en": N})
    per_article = (cpu2 - cpu1) / N * 1000
    share = (cpu2 - cpu1) / cpu2
    print(
        f"\nJSONL import of {N:,} articles (~2,900 characters, ~42 spans, as gold): "
        f"with meta.lang {wall1:.1f} s wall / {cpu1:.1f} s CPU, without (detected) "
        f"{wall2:.1f} s / {cpu2:.1f} s: detection {per_article:.2f} ms CPU per article, "
        f"{share:.0%} of the import's CPU time; load {load:.2f} -> {os.getloadavg()[0]:.2f}"
    )
    assert share < 0.5
