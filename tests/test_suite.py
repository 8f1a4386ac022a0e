"""The test suite itself: pytest's default import mode needs unique test file names."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_suite_test_module_names_are_unique():
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.name.startswith(("test_", "bench_")))
    assert [n for n, k in names.items() if k > 1] == []
