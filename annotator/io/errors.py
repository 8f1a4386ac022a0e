"""The one exception the parsers raise for bad content."""

from __future__ import annotations


class ParseError(ValueError):
    """Content that cannot become an article; ``str(err)`` is a one-line user message.

    ``line`` is the 1-based line of the input the problem is on, when known.
    """

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
