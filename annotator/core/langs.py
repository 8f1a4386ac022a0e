"""Language codes: one canonical code per language wherever articles are stored or filtered.

News feeds often tag articles with a country code (``KZ`` for Kazakh, ``UA`` for
Ukrainian); spaCy and every export use ISO 639-1 language codes (``kk``, ``uk``).
"""

from __future__ import annotations

UNKNOWN = "xx"

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
}


def canonical_lang(code: str | None) -> str:
    """Lower-case primary code with country-code aliases resolved: "KZ" -> "kk", "en-US" -> "en"."""
    primary = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return ALIASES.get(primary, primary) or UNKNOWN
