from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.text import Utf16Map, assemble, content_hash, normalize


def test_text_normalize_strips_bom_and_crlf_and_maps_offsets():
    raw = "\ufeffTitle\r\nBody\rmore\r\n"
    n = normalize(raw)
    assert n.text == "Title\nBody\nmore\n"
    i = raw.index("Body")
    assert n.text[n.map_offset(i) : n.map_offset(i + 4)] == "Body"
    assert n.map_offset(len(raw)) == len(n.text)


@given(st.text(alphabet=st.sampled_from(["a", "б", "\r", "\n", "\ufeff", " ", "😀"])))
def test_text_normalize_map_keeps_every_surviving_character(raw):
    n = normalize(raw)
    assert "\r" not in n.text
    for i, ch in enumerate(raw):
        if ch not in "\r\n" and not (i == 0 and ch == "\ufeff"):
            assert n.text[n.map_offset(i)] == ch


def test_text_assemble_sections_are_exact():
    text, sections = assemble("Title", ["One.", "", "Two."])
    assert text == "Title\n\nOne.\n\nTwo."
    assert [text[s.start : s.end] for s in sections] == ["Title", "One.", "Two."]
    assert [s.kind for s in sections] == ["title", "paragraph", "paragraph"]


def test_text_utf16_map_shifts_after_emoji_only():
    text = "a😀b c"
    m = Utf16Map(text)
    qt = text.encode("utf-16-le")
    for i in range(len(text) + 1):
        j = m.to_utf16(i)
        assert qt[: 2 * j].decode("utf-16-le") == text[:i]
        assert m.from_utf16(j) == i


@given(st.text())
def test_text_utf16_map_roundtrips(text):
    m = Utf16Map(text)
    for i in range(len(text) + 1):
        assert m.from_utf16(m.to_utf16(i)) == i
        assert m.to_utf16(i) == len(text[:i].encode("utf-16-le")) // 2


def test_text_content_hash_depends_on_text_only():
    assert content_hash("x") == content_hash("x") != content_hash("y")
