"""natasha's Russian NER as the ``natasha_ner`` spaCy component: offsets, labels, wiring."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

pytest.importorskip("natasha")

from click.testing import CliRunner  # noqa: E402

from annotator.cli.main import cli  # noqa: E402
from annotator.core.models import ParsedDoc  # noqa: E402
from annotator.core.paths import datasets_dir  # noqa: E402
from annotator.io.article import parse_article  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.suggest import natasha_labels, natasha_ner, resolve  # noqa: E402
from annotator.suggest.entities import suggest_article  # noqa: E402
from annotator.suggest.pipeline import Pipeline, load_pipeline, pipeline_identity  # noqa: E402
from annotator.suggest.resolve import resolve_pipeline  # noqa: E402
from annotator.suggest.service import SuggestionService  # noqa: E402

pytestmark = pytest.mark.slow  # natasha loads its embeddings and models (a few seconds)


@pytest.fixture(scope="module", autouse=True)
def bundled_pipelines():
    """The bundled pipelines.toml, not the suite's rules-only one (tests/conftest.py)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(resolve.PIPELINES_ENV, raising=False)
        yield


@pytest.fixture(scope="module")
def ru(bundled_pipelines) -> Pipeline:
    return load_pipeline("ru")


def article(number: str) -> str:
    path = next(datasets_dir().glob(f"{number}_*.txt"))
    return parse_article(path.read_text(encoding="utf-8"), source=path.name).text


def entities(pipeline: Pipeline, text: str) -> set[tuple[int, int, str]]:
    return {(s.span.start, s.span.end, s.label) for s in suggest_article(pipeline, text)}


def at(text: str, surface: str, label: str, nth: int = 0) -> tuple[int, int, str]:
    """(start, end, label) of the nth whole-word occurrence of ``surface`` in ``text``."""
    found = list(re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text))[nth]
    return found.start(), found.end(), label


def test_natasha_ner_is_the_russian_pipeline_and_kazakh_keeps_patterns(ru):
    spec = resolve_pipeline("ru")
    assert (spec.name, spec.factory, spec.blank, spec.is_fallback) == (
        "natasha",
        "natasha_ner",
        "ru",
        False,
    )
    assert ru.components == ("natasha_ner",)
    assert (ru.model, ru.version) == pipeline_identity(spec)
    assert ru.model == "ru_natasha"
    assert ru.version.startswith(natasha_labels.versions()["natasha"] + "+")
    assert "entities from natasha only" in spec.note
    assert resolve_pipeline("kz").name == "rules:kk"


def test_natasha_ner_missing_falls_back_to_the_rules(monkeypatch):
    factory, blank, _ = resolve.WRAPPED["natasha"]
    monkeypatch.setitem(resolve.WRAPPED, "natasha", (factory, blank, lambda: False))
    spec = resolve_pipeline("ru")
    assert (spec.name, spec.is_fallback, spec.tried) == ("rules:ru", True, ("natasha",))
    assert "none of natasha is installed" in spec.note


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (
            "003",
            [
                ("Олжас Бектенов", "PERSON", 0),
                ("Всемирный банк", "ORG", 0),
                ("Казахстана", "GPE", 0),
                ("Европы", "LOC", 0),
                ("Центральной Азии", "LOC", 0),
                ("Марией Хольм", "PERSON", 0),
                ("Астане", "GPE", 0),
                ("Министерства национальной экономики", "ORG", 0),
                ("Жамбылской областях", "GPE", 0),
            ],
        ),
        (
            "010",
            [
                ("Роман Скляр", "PERSON", 0),
                ("Оренбурге", "GPE", 0),
                ("Российской Федерации", "GPE", 0),
                ("Алексей Оверчук", "PERSON", 0),
                ("Усть-Каменогорске", "GPE", 0),
            ],
        ),
        (
            "017",
            [
                ("Аскар Жумабеков", "PERSON", 0),
                ("Республики Казахстан", "GPE", 0),
                ("АО «KazakhExport»", "ORG", 0),  # the quotes belong to the name
                ("Евразийской экономической комиссии", "ORG", 0),
                ("Москве", "GPE", 0),
                ("Китай", "GPE", 0),
            ],
        ),
        (
            "024",
            [
                ("Касым-Жомарт Токаев", "PERSON", 0),
                ("ЕАБР", "ORG", 0),
                ("Евразийского банка развития", "ORG", 0),
                ("Николая Подгузова", "PERSON", 0),
                ("Павлодарской области", "GPE", 0),
                ("Алматы", "GPE", 0),
                ("Астанинской международной бирже", "ORG", 0),
            ],
        ),
    ],
)
def test_natasha_ner_finds_entities_at_their_offsets_in_bundled_articles(ru, number, expected):
    text = article(number)
    found = entities(ru, text)
    for surface, label, nth in expected:
        assert at(text, surface, label, nth) in found, (surface, label)
    assert {label for *_, label in found} <= {"PERSON", "ORG", "GPE", "LOC"}


def test_natasha_ner_offsets_checked_by_hand(ru):
    text = article("024")
    found = sorted(entities(ru, text))
    assert found[0] == (0, 19, "PERSON") and text[0:19] == "Касым-Жомарт Токаев"
    assert (50, 54, "ORG") in found and text[50:54] == "ЕАБР"
    assert (1277, 1283, "GPE") in found and text[1277:1283] == "Алматы"


# Gold written for this test by reading the articles: PERSON, ORG, GPE, LOC and FAC
# (natasha has no FAC: the presidential residence Akorda is one miss by design).
GOLD = {
    "003": [
        ("Олжас Бектенов", "PERSON", 0),
        ("Всемирный банк", "ORG", 0),
        ("Казахстана", "GPE", 0),
        ("Олжас Бектенов", "PERSON", 1),
        ("Всемирного банка", "ORG", 0),
        ("Европы", "LOC", 0),
        ("Центральной Азии", "LOC", 0),
        ("Марией Хольм", "PERSON", 0),
        ("Астане", "GPE", 0),
        ("Правительства", "ORG", 0),
        ("Всемирный банк", "ORG", 1),
        ("Олжас Бектенов", "PERSON", 2),
        ("Министерства национальной экономики", "ORG", 0),
        ("Всемирный банк", "ORG", 2),
        ("Казахстану", "GPE", 0),
        ("Мария Хольм", "PERSON", 0),
        ("Туркестанской", "GPE", 0),
        ("Жамбылской областях", "GPE", 0),
        ("Министерству финансов", "ORG", 0),
        ("Министерству водных ресурсов и ирригации", "ORG", 0),
    ],
    "024": [
        ("Касым-Жомарт Токаев", "PERSON", 0),
        ("ЕАБР", "ORG", 0),
        ("Касым-Жомарт Токаев", "PERSON", 1),
        ("Акорде", "FAC", 0),
        ("Евразийского банка развития", "ORG", 0),
        ("Николая Подгузова", "PERSON", 0),
        ("Акорды", "ORG", 0),  # "пресс-служба Акорды": the presidential administration
        ("Казахстане", "GPE", 0),
        ("Николая Подгузова", "PERSON", 1),
        ("ЕАБР", "ORG", 1),
        ("Казахстан", "GPE", 0),
        ("ЕАБР", "ORG", 2),
        ("Касым-Жомарт Токаев", "PERSON", 2),
        ("ЕАБР", "ORG", 3),
        ("Казахстане", "GPE", 1),
        ("Жамбылской области", "GPE", 0),
        ("Павлодарской области", "GPE", 0),
        ("Евразийского фонда стабилизации и развития", "ORG", 0),
        ("Центральной Азии", "LOC", 0),
        ("Алматы", "GPE", 0),
        ("Астанинской международной бирже", "ORG", 0),
    ],
}


def test_natasha_ner_precision_recall_against_hand_written_gold(ru):
    tp = fp = fn = 0
    for number, gold_items in GOLD.items():
        text = article(number)
        gold = {at(text, *item) for item in gold_items}
        found = entities(ru, text)
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert (tp, fp, fn) == (40, 1, 1)  # Акорде: LOC for the gold's FAC
    assert f1 > 0.95


def test_natasha_ner_label_map():
    def lemmas(word: str) -> list[str]:
        return {
            "казахстана": ["казахстан"],
            "областях": ["область"],
            "туркестанской": ["туркестанский"],
            "европы": ["европа"],
            "москве": ["москва"],
        }.get(word, [])

    assert natasha_labels.map_label("PER", "Олжас Бектенов") == "PERSON"
    assert natasha_labels.map_label("ORG", "Всемирный банк") == "ORG"
    assert natasha_labels.map_label("LOC", "Казахстана", lemmas) == "GPE"  # transliterated
    assert natasha_labels.map_label("LOC", "Казахстана") == "LOC"  # no lemma, no match
    assert natasha_labels.map_label("LOC", "Москве", lemmas) == "GPE"  # Russian exonym
    assert natasha_labels.map_label("LOC", "Жамбылской областях", lemmas) == "GPE"
    assert natasha_labels.map_label("LOC", "Туркестанской", lemmas) == "GPE"  # adjective
    assert natasha_labels.map_label("LOC", "Европы", lemmas) == "LOC"
    assert natasha_labels.map_label("LOC", "Кызылорда") == "GPE"  # gazetteer: Kyzylorda
    assert natasha_labels.map_label("LOC", "Каспийское море") == "LOC"
    assert natasha_labels.map_label("MISC", "x") == "MISC"  # unknown types pass through


class FakeNER:
    """natasha's tagger API (``tagger(text).spans`` of start/stop/type) with set spans."""

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans

    def _markup(self, text: str):
        class Item:
            def __init__(self, start: int, stop: int, type: str) -> None:
                self.start, self.stop, self.type = start, stop, type

        class Markup:
            spans = [Item(*s) for s in self.spans]

        return Markup()

    def __call__(self, text: str):
        return self._markup(text)

    def map(self, texts):
        return (self._markup(t) for t in texts)


def test_natasha_ner_alignment_contracts_expands_and_counts_what_cannot_be_placed(ru, monkeypatch):
    text = "Глава АО\u00a0«Казатомпром» прибыл в\u00a0Астану"
    nbsp_quote = text.index("«")
    spans = [
        (6, 22, "ORG"),  # "АО\u00a0«Казатомпром»": exact, NBSP and quotes inside
        (nbsp_quote + 1, nbsp_quote + 5, "ORG"),  # "Каза": inside one token -> expanded
        (text.index("Астану") - 1, len(text), "LOC"),  # starts on the NBSP -> contracted
        (30, 30, "PER"),  # empty: nothing to place
    ]
    models = natasha_ner._models()
    monkeypatch.setattr(models, "ner", FakeNER(spans))
    component = ru.nlp.get_pipe("natasha_ner")
    before = component.counts.copy()
    doc = ru.nlp(text)
    got = [(e.text, e.label_) for e in doc.ents]
    assert got == [("АО\u00a0«Казатомпром»", "ORG"), ("Астану", "GPE")]
    counts = component.counts - before
    # the expanded "Казатомпром" overlaps the exact span (dropped), the empty span too
    assert (counts["spans"], counts["adjusted"], counts["unaligned"]) == (4, 2, 2)


def test_natasha_ner_real_spans_across_nbsp_and_guillemets(ru):
    text = "Касым-Жомарт\u00a0Токаев встретился с главой «Самрук-Казыны» в\u00a0Астане."
    found = {(text[s:e], label) for s, e, label in entities(ru, text)}
    assert ("Касым-Жомарт\u00a0Токаев", "PERSON") in found
    assert ("Астане", "GPE") in found


def test_natasha_ner_pipe_matches_one_by_one(ru):
    texts = [article(n) for n in ("003", "010", "017", "024")]
    one = [[(e.start_char, e.end_char, e.label_) for e in ru.nlp(t).ents] for t in texts]
    piped = [
        [(e.start_char, e.end_char, e.label_) for e in d.ents]
        for d in ru.nlp.pipe(texts, batch_size=3)
    ]
    assert piped == one


def test_natasha_ner_models_are_package_files_and_load_without_network(monkeypatch):
    import natasha

    data = Path(natasha.__file__).parent / "data"
    assert (data / "model" / "slovnet_ner_news_v1.tar").is_file()
    assert next((data / "emb").glob("navec_*.tar")).is_file()

    def refuse(*args, **kwargs):
        raise AssertionError("natasha tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    models = natasha_ner._Models()  # a fresh load, not the cached one
    assert [s.type for s in models.ner("Олжас Бектенов прибыл в Астану.").spans] == [
        "PER",
        "LOC",
    ]
    assert models.morph.parse("Астане")[0].normal_form == "астана"


def test_natasha_ner_serves_the_window(ru):
    service = SuggestionService()
    text = "Олжас Бектенов провёл встречу в Астане."
    found = [(s.span.text(text), s.label, s.model) for s in service.suggest(1, "ru", text)]
    assert found == [
        ("Олжас Бектенов", "PERSON", "ru_natasha"),
        ("Астане", "GPE", "ru_natasha"),
    ]
    assert service.model_info("ru") == (ru.model, ru.version)
    assert any("entities from natasha only" in note for note in service.notes())


def test_natasha_ner_suggest_cmd_is_idempotent_and_a_new_version_resuggests(tmp_path, monkeypatch):
    db = tmp_path / "p.db"
    with Store(db) as store:
        store.add_docs([ParsedDoc(text=article(n), lang="ru", source=n) for n in ("003", "024")])

    def run():
        return CliRunner().invoke(cli, ["suggest", "--db", str(db), "--lang", "ru"])

    first = run()
    assert first.exit_code == 0, first.output
    assert "ru: 2 articles, 41 suggestions (ru_natasha 1.6" in first.stdout
    assert "entities from natasha only" in first.stderr  # no events for Russian
    assert "Nothing to do" in run().stdout
    bumped = {**natasha_labels.versions(), "natasha": "9.9.9"}
    monkeypatch.setattr(natasha_labels, "versions", lambda: bumped)
    third = run()  # the new version runs; what it proposes the same is not stored twice
    assert "ru: 2 articles, 0 suggestions (ru_natasha 9.9.9+" in third.stdout
    assert "41 not stored again (another version of the model proposed them" in third.stderr
    assert "Nothing to do" in run().stdout
