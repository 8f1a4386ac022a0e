"""Duplicate keys in a JSONL record (``{"start": 3, "end": 9, "start": 5, ...}``).

``json.loads`` keeps the last of two equal keys without a word: a span would come in with
offsets or a label nobody can tell were meant. Parsing every line with an
``object_pairs_hook`` costs ~75 % more than ``json.loads`` (a list of pairs per object:
~40 spans, ~500 tokens a record), far too much for the bulk import, so a cheap exact
filter picks the lines to check. Every key in a JSON line is followed by a colon, and a
colon can stand nowhere else but inside a string; so the colons of the line are the keys
of the objects ``json.loads`` kept plus the colons inside strings *unless a key was
repeated* (its object then holds fewer keys than the line wrote). Counting the line's
colons (one pass in C) and the parsed record's keys and string colons (``len`` of each
span and token object, a walk of the few other values) tells whether the line can hold a
repeated key; only then is it parsed again with a hook that names the first one. A line
the count cannot account for (a colon in a span's own text, a key written with a space
before its colon) is checked the slow way too: never refused for what is not there.
Cost: ~7 us for a 4.5 kB record, of ~480 us of CPU to import it (~1.5 %).
"""

from __future__ import annotations

import json
from typing import Any

FLAT_LISTS = ("spans", "tokens")  # lists of flat objects: their keys counted by len()


class _Repeated(dict):  # type: ignore[type-arg]
    """An object in which ``key`` appeared twice (its first repeat)."""

    key = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    repeated = _Repeated(obj)
    repeated.key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return repeated


def repeated_key(line: str, obj: dict[str, Any]) -> str | None:
    """Where a key repeats in the JSON object ``obj`` parsed from ``line``, as words
    (``key 'start' twice in spans[2]``); None when none does."""
    if line.count(":") == _colons(obj):  # the common case: nothing repeated
        return None
    found = _find(json.loads(line, object_pairs_hook=_pairs), "")
    if found is None:
        return None
    key, where = found
    return f"key {key!r} twice in {where or 'the record'}"


def _colons(obj: dict[str, Any]) -> int:
    """The colons a line holding ``obj`` has when no key repeats: one per key, plus those
    inside its strings (of the span and token objects only the keys: a colon in a span's
    text makes the line's count differ, and the exact check runs)."""
    n = len(obj)
    for key, value in obj.items():
        if key in FLAT_LISTS and type(value) is list and all(type(x) is dict for x in value):
            n += sum(map(len, value))  # objects: one colon per key
            continue
        n += _inside(value)  # anything else (a token that is a string ...): walked
    return n


def _inside(value: Any) -> int:
    if type(value) is str:
        return value.count(":")
    if type(value) is dict:
        return len(value) + sum(map(_inside, value.values()))
    if type(value) is list:
        return sum(map(_inside, value))
    return 0


def _find(value: Any, where: str) -> tuple[str, str] | None:
    """The first repeated key in ``value`` and where it is (``spans[2]``)."""
    if isinstance(value, _Repeated):
        return value.key, where
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for k, v in items:
        here = f"{where}[{k}]" if isinstance(k, int) else f"{where}.{k}" if where else str(k)
        found = _find(v, here)
        if found is not None:
            return found
    return None
