"""What an event suggester finds in a text, as the event tests compare it."""

from __future__ import annotations


def found(nlp, suggester, text: str) -> dict[tuple[str, str], list[tuple[str, str, str]]]:  # noqa: ANN001
    """(type, trigger) -> [(role, text, rule)] in text order."""
    out = {}
    for s in suggester(nlp(text)):
        args = [(a.role, text[a.span.start : a.span.end], a.rule) for a in s.arguments]
        out[(s.label, text[s.span.start : s.span.end])] = args
    return out
