"""natasha's NER labels in the project's terms, and the identity of its suggestions.

natasha tags PER, ORG and LOC. PER and ORG map one to one; LOC is GPE (a country, city or
administrative region, as in OntoNotes) when a small gazetteer knows it, else LOC (a
continent, a sea, a building). The gazetteer reuses the event rules' English place names
(``resources/events/gazetteer.toml``) by transliterating the Russian lemma, plus the
Russian exonyms a transliteration cannot reach (Россия, Москва, Китай, Германия ...) and
the words that make a place an administrative unit (область, район, республика ...).

Nothing here imports spaCy or natasha: the identity is read from package metadata, so the
batch command can tell which articles are done without loading a model.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import tomllib
from collections.abc import Callable, Iterable
from functools import cache

from annotator.core.paths import resources_dir

# Bump when the mapping rules below change (the stored version then changes too).
MAP_VERSION = "1"
PACKAGES = ("natasha", "slovnet", "navec")
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
GPE = "GPE"

# Lemmas that make a LOC span a country or an administrative unit ("Жамбылской области").
REGION_WORDS = frozenset(
    "область район край округ республика федерация штат провинция эмират княжество "
    "королевство регион муниципалитет аул село город".split()
)
# Countries and cities whose Russian name is no transliteration of the English one.
RUSSIAN_PLACES = frozenset(
    """
    россия рф москва санкт-петербург петербург китай кнр пекин сша америка германия берлин
    франция париж италия рим испания мадрид великобритания британия англия лондон турция
    стамбул япония токио корея сеул индия иран тегеран пакистан афганистан кабул
    азербайджан армения грузия беларусь белоруссия минск украина киев монголия катар доха
    оаэ дубай аравия эр-рияд египет каир израиль ирак багдад сирия венгрия будапешт польша
    варшава австрия вена швейцария женева нидерланды голландия бельгия брюссель чехия
    прага словакия сербия греция афины болгария румыния латвия литва эстония финляндия
    швеция норвегия дания ирландия португалия канада бразилия мексика австралия сингапур
    малайзия индонезия вьетнам таиланд филиппины таджикистан киргизия киргизстан туркмения
    узбекия казахстан кыргызстан узбекистан туркменистан ош нур-султан алма-ата урумчи
    синьцзян гуанчжоу шэньчжэнь чунцин хоргос кашгар ташкент ашхабад душанбе бишкек
    """.split()
)
ADJECTIVE_ENDINGS = ("ский", "цкий")  # "Туркестанской" -> "туркестанский" -> "туркестан"

# Russian -> Latin as English news spells Central Asian names (Кызылорда -> Kyzylorda);
# "-" (ъ, ь) is dropped with the other non-letters by _key.
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(),
        strict=True,
    )
)

Lemmatizer = Callable[[str], Iterable[str]]


def map_label(natasha_type: str, text: str, lemmas: Lemmatizer | None = None) -> str:
    """The project's label for a natasha span: PERSON, ORG, GPE or LOC.

    ``lemmas(word)`` gives a word's possible dictionary forms (pymorphy's normal forms);
    without it only the word as written is looked up.
    """
    label = LABELS.get(natasha_type, natasha_type)
    if label == "LOC" and is_gpe(text, lemmas):
        return GPE
    return label


def is_gpe(text: str, lemmas: Lemmatizer | None = None) -> bool:
    """Whether a place name is a country, city or region (any of its words, any lemma)."""
    words = text.replace("\u00a0", " ").split()
    forms = [_forms(word, lemmas) for word in words]
    joined = " ".join(f[0] for f in forms if f)
    places = _places()
    if joined in places or _key(joined) in places:
        return True
    return any(_is_place_word(form, places) for group in forms for form in group)


def _forms(word: str, lemmas: Lemmatizer | None) -> list[str]:
    word = word.strip("«»\"'“”„().,").lower().replace("ё", "е")
    found = [f.lower().replace("ё", "е") for f in (lemmas(word) if lemmas else ())]
    return list(dict.fromkeys([*found, word])) if word else []


def _is_place_word(form: str, places: frozenset[str]) -> bool:
    if form in REGION_WORDS or form in places:
        return True
    if len(form) >= 4 and _key(form) in places:
        return True
    stem = next((form[: -len(e)] for e in ADJECTIVE_ENDINGS if form.endswith(e)), "")
    return len(stem) >= 4 and _key(stem) in places


def _key(text: str) -> str:
    """A loose Latin key: transliterated, lower case, letters only, y and i the same."""
    latin = "".join(_LATIN.get(c, c) for c in text.lower())
    return "".join(c for c in latin if c.isalpha()).replace("y", "i").replace("j", "zh")


@cache
def _places() -> frozenset[str]:
    """Russian exonyms as written, and the keys of the gazetteer's English GPE names."""
    english = [name for group in _gazetteer_gpe().values() for name in group]
    keys = {_key(name) for name in english if len(_key(name)) >= 4}
    return frozenset(RUSSIAN_PLACES | keys)


@cache
def _gazetteer_gpe() -> dict[str, list[str]]:
    data = tomllib.loads(_gazetteer_path().read_text(encoding="utf-8"))
    groups = data.get("GPE", {})
    return {k: [str(n) for n in v] for k, v in groups.items() if isinstance(v, list)}


def _gazetteer_path():  # noqa: ANN202 - a Path
    return resources_dir() / "events" / "gazetteer.toml"


def available() -> bool:
    """Whether natasha and the packages holding its models are installed (not imported)."""
    return all(importlib.util.find_spec(name) is not None for name in PACKAGES)


def versions() -> dict[str, str]:
    """Installed versions of natasha and its model packages ("?" when unknown)."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "?"
    return out


def identity() -> tuple[str, str]:
    """(model, version) natasha's suggestions are stored under.

    The version names natasha and the two packages that run its models (slovnet, navec;
    the model files are in natasha itself), and a digest of
    the label mapping and its gazetteer: upgrading any of them re-suggests.
    """
    v = versions()
    return "ru_natasha", f"{v['natasha']}+slovnet{v['slovnet']}.navec{v['navec']}.{_digest()}"


@cache
def _digest() -> str:
    digest = hashlib.sha256(MAP_VERSION.encode() + b"\0")
    digest.update(" ".join(sorted(RUSSIAN_PLACES | REGION_WORDS)).encode() + b"\0")
    digest.update(_gazetteer_path().read_bytes())
    return digest.hexdigest()[:8]
