"""SuggestionService: one pipeline per language, loaded lazily once, usable from a thread."""

from __future__ import annotations

import threading

import pytest

from annotator.suggest.pipeline import load_pipeline
from annotator.suggest.service import SuggestionService


class CountingLoader:
    def __init__(self) -> None:
        self.loaded: list[str] = []

    def __call__(self, spec, **kwargs):
        self.loaded.append(spec.name)
        return load_pipeline(spec, **kwargs)


def test_service_loads_each_language_once_and_aliases_share_it():
    loader = CountingLoader()
    service = SuggestionService(loader=loader)
    assert loader.loaded == []  # nothing until asked
    first = service.suggest(1, "kz", "Қасым-Жомарт Тоқаев Астанада")
    again = service.suggest(2, "KK", "Астана")
    assert loader.loaded == ["rules:kk"]
    assert [s.label for s in first] == ["PERSON", "GPE"]
    assert [s.model for s in again] == ["rules:kk"]
    service.suggest(3, "ru", "Астана")
    assert loader.loaded == ["rules:kk", "rules:ru"]


def test_service_model_info_and_notes():
    service = SuggestionService()
    model, version = service.model_info("ru")
    assert model == "rules:ru" and len(version) == 12
    assert service.suggest(5, "ru", "пусто") == []
    assert service.notes() == [service.spec("ru").note]
    assert "no spaCy model for 'ru'" in service.notes()[0]


def test_service_per_language_model_override_is_checked_lazily(tmp_path):
    service = SuggestionService(models={"ru": str(tmp_path / "missing")})
    assert service.suggest(1, "kz", "Астана")  # other languages are unaffected
    with pytest.raises(ValueError, match="no such spaCy pipeline directory"):
        service.suggest(2, "ru", "Астана")


def test_service_serves_a_worker_thread():
    service = SuggestionService()
    results: dict[int, list] = {}

    def worker() -> None:
        for i in range(5):
            results[i] = service.suggest(i, "ru", f"Токаев {i} мая в Астане")

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    assert [len(results[i]) for i in range(5)] == [3] * 5


@pytest.mark.model
def test_service_english_uses_the_model():
    service = SuggestionService()
    out = service.suggest(1, "en", "President Tokayev met Shavkat Mirziyoyev in Astana.")
    assert ("Shavkat Mirziyoyev", "PERSON") in [
        (s.span.text("President Tokayev met Shavkat Mirziyoyev in Astana."), s.label) for s in out
    ]
    assert service.model_info("en")[1].startswith("3.8.0+events")
    (meet,) = [s for s in out if s.kind == "event"]
    assert meet.label == "Meet"
    assert [a.role for a in meet.arguments] == ["Participant", "Participant", "Place"]
    assert service.notes() == []


@pytest.mark.model
def test_service_without_events_keeps_the_plain_model_version():
    service = SuggestionService(events=False)
    out = service.suggest(1, "en", "President Tokayev met Shavkat Mirziyoyev in Astana.")
    assert service.model_info("en")[1] == "3.8.0"
    assert {s.kind for s in out} == {"entity"}
