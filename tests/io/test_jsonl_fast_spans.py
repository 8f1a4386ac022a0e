"""The JSONL reader's inline check of plain spans (issue 15) accepts and refuses exactly what
the full check does: every refused span still gets the full check's message."""

from __future__ import annotations

import json

import pytest

from annotator.core.models import Span
from annotator.io import ParseError, parse_jsonl_line

TEXT = "Tokayev met Mirziyoyev."


def _parse(*spans):
    return parse_jsonl_line(json.dumps({"text": TEXT, "spans": list(spans)}), "in.jsonl", line_no=4)


def test_plain_spans_up_to_the_end_of_the_text():
    doc = _parse({"start": 0, "end": 7, "label": "PERSON"}, {"start": 12, "end": 23, "label": "X"})
    assert doc.spans == [Span(0, 7, "PERSON"), Span(12, 23, "X")]


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"start": True, "end": 7, "label": "X"}, "spans[1]: start must be an integer, found"),
        ({"start": 0, "end": 7.0, "label": "X"}, "spans[1]: end must be an integer, found"),
        ({"start": 0, "end": 7, "label": " "}, "spans[1]: label must be a non-empty string"),
        ({"start": 0, "end": 7, "label": 7}, "spans[1]: label must be a non-empty string"),
        ({"start": 0, "end": 24, "label": "X"}, "spans[1]: offsets 0..24 outside the text"),
        ({"start": 7, "end": 7, "label": "X"}, "spans[1]: start 7 is not before end 7"),
        ([0, 7, "X"], "spans[1] must be an object, found a list"),
    ],
)
def test_a_bad_span_gets_the_full_checks_message(item, reason):
    with pytest.raises(ParseError) as err:
        _parse({"start": 0, "end": 7, "label": "PERSON"}, item)
    assert err.value.reason.startswith(reason) and err.value.line == 4
