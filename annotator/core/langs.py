"""Language codes: one canonical code per language wherever articles are stored or filtered.

News feeds often tag articles with a country code (``KZ`` for Kazakh, ``UA`` for
Ukrainian); spaCy and every export use ISO 639-1 language codes (``kk``, ``uk``). Other
tools write ISO 639-2/3 codes (``eng``, ``rus``, ``kaz``) or full BCP-47 tags (``en-GB``).
The project's own aliases (:data:`ALIASES`, country codes) are looked up first; everything
else goes through ``langcodes`` (the maintained registry of language tags), which maps a
three-letter code to its two-letter one and deprecated codes to their successors
(``iw`` -> ``he``). Only the language subtag is kept: spaCy keys pipelines on it.

A language code comes from the user's files and later names resources (pattern files,
spaCy language classes), so only the shape of a BCP-47 tag is accepted: a 2-3 letter
primary subtag, then subtags of 1-8 letters or digits after ``-`` or ``_``. Anything else
(``../../x``, ``en/..``, an empty string with spaces) is refused by :func:`check_lang`.
"""

from __future__ import annotations

import re
from functools import lru_cache

UNKNOWN = "xx"

# the shape of a BCP-47 tag (not its registry): enough that no code can be a path
LANG_RE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")
MAX_SHOWN = 40

# country codes seen as language tags -> the ISO 639-1 code of the language
ALIASES = {
    "kz": "kk",
    "ua": "uk",
    "cz": "cs",
    "gr": "el",
    "jp": "ja",
    "cn": "zh",
    "dk": "da",
    "se": "sv",
    "ee": "et",
    "by": "be",
    "am": "hy",
    "ge": "ka",
    "tj": "tg",
    "kg": "ky",
    "tm": "tk",
    # "undetermined" and "multiple languages" in ISO 639: spaCy's multi-language code
    "und": UNKNOWN,
    "mul": UNKNOWN,
}


def check_lang(code: str) -> str:
    """The canonical code of a well-formed tag ("KZ" -> "kk", "en-US" -> "en").

    Raises ValueError with a one-line reason for anything not shaped like a language tag.
    """
    stripped = code.strip() if isinstance(code, str) else code
    if not isinstance(stripped, str) or not LANG_RE.fullmatch(stripped):
        shown = stripped[:MAX_SHOWN] if isinstance(stripped, str) else stripped
        raise ValueError(f"bad language code {shown!r} (expected a code like en, kk or en-US)")
    primary = stripped.lower().replace("_", "-").split("-")[0]
    return ALIASES.get(primary) or _registered(primary)


@lru_cache(maxsize=512)
def _registered(primary: str) -> str:
    """The shortest registered code for a primary subtag ("eng" -> "en"), else itself."""
    import langcodes  # ~60 ms to import: only when a code is first seen

    try:
        code = langcodes.Language.get(primary, normalize=True).language
    except (ValueError, LookupError):
        return primary
    # a code langcodes cannot place stays as written (e.g. "xx", spaCy's multi-language)
    return code if code and LANG_RE.fullmatch(code) and code.isalpha() else primary


def canonical_lang(code: str | None) -> str:
    """Like :func:`check_lang`, but never raises: no code or a malformed one is "xx"."""
    try:
        return check_lang(code or UNKNOWN)
    except ValueError:
        return UNKNOWN
