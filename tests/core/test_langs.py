"""Language codes: canonical codes, and codes that could be paths are refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.langs import LANG_RE, canonical_lang, check_lang


@pytest.mark.parametrize(
    ("code", "expected"),
    [("en", "en"), ("EN", "en"), ("en-US", "en"), ("en_GB", "en"), ("KZ", "kk"), (" ru ", "ru")],
)
def test_langs_check_lang_gives_the_canonical_code(code, expected):
    assert check_lang(code) == expected


@pytest.mark.parametrize("code", ["../../x", "en/..", "..", "e", "english", "en-", "", "x\x00"])
def test_langs_check_lang_refuses_what_is_not_a_language_tag(code):
    with pytest.raises(ValueError, match="bad language code") as err:
        check_lang(code)
    assert "\n" not in str(err.value)


def test_langs_canonical_lang_never_returns_a_path():
    assert canonical_lang("../../x") == "xx"
    assert canonical_lang("en/../../etc") == "xx"
    assert canonical_lang(None) == canonical_lang("") == "xx"
    assert canonical_lang("kz") == "kk"


@given(st.text(max_size=20))
def test_langs_canonical_lang_is_always_a_plain_code(code):
    got = canonical_lang(code)
    assert got.isascii() and got.isalpha() and LANG_RE.fullmatch(got)
