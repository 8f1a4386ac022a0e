"""What a file that would be read as plain text really holds, when it is an export of
another format under a ``.txt`` name (``annotator export --out tasks.txt``): read as an
article, its annotations would be lost and its markup would become the article's text."""

from __future__ import annotations

import json
import re

# a CoNLL line: a token and its IOB tag
_TAGGED = re.compile(r"\S+[\t ]+(?:O|[BIES]-\S+)")


def export_shape(text: str) -> str | None:
    """Why ``text`` is no plain-text article, when it is a Label Studio JSON list, JSON
    Lines (JSONL, doccano) or CoNLL; None when it is not one of them."""
    lines = text.lstrip("\ufeff")[:20_000].splitlines()
    head = [line.strip() for line in lines if line.strip()][:10]
    if not head:
        return None
    if head[0].startswith("-DOCSTART-") or (
        len(head) > 1 and all(_TAGGED.fullmatch(line) for line in head)
    ):
        return "looks like CoNLL (a token and its tag a line), not plain text: pass --format conll"
    if head[0].startswith("["):  # Label Studio's tasks: one JSON list
        shape, fmt, part = "a JSON list", "labelstudio", text
    elif head[0].startswith("{"):  # JSONL, doccano: one object a line
        shape, fmt = "JSON Lines", "jsonl"
        part = text.lstrip("\ufeff \t\r\n").partition("\n")[0]  # the whole first line
    else:
        return None
    try:
        json.loads(part)
    except ValueError:
        return None
    return f"looks like {shape}, not plain text: pass --format {fmt}"
