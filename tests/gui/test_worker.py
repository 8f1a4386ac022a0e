"""The suggestion worker runs in its own thread and answers by signal."""

from __future__ import annotations

import threading

from annotator.core.models import Span, Suggestion
from annotator.gui.worker import WorkerHost, model_of, spacy_tokenizer

TEXT = "Tokayev met Mirziyoyev in Astana."


class Recorder:
    def __init__(self, nlp):
        self.nlp = nlp
        self.threads = []

    def suggest(self, article_id, lang, text):
        self.threads.append(threading.get_ident())
        return [
            Suggestion(Span(e.start_char, e.end_char, e.label_), model="blank", model_version="0")
            for e in self.nlp(text).ents
        ]


def test_worker_suggests_off_the_gui_thread(qtbot, blank_nlp):
    service = Recorder(blank_nlp)
    host = WorkerHost(lambda: service, spacy_tokenizer)
    try:
        with qtbot.waitSignal(host.busy_changed) as busy:
            with qtbot.waitSignal(host.suggested, timeout=10_000) as got:
                assert host.request_suggestions(7, "en", TEXT)
                assert not host.request_suggestions(7, "en", TEXT)  # already in flight
        aid, found, model, version = got.args
        assert aid == 7
        assert [(s.span.start, s.span.end, s.label) for s in found] == [
            (0, 7, "PERSON"),
            (12, 22, "PERSON"),
            (26, 32, "GPE"),
        ]
        assert (model, version) == ("blank", "0")
        assert service.threads and service.threads[0] != threading.get_ident()
        assert busy.args == [True]
        qtbot.waitUntil(lambda: not host.busy)
    finally:
        host.stop()
    assert not host.thread.isRunning()


def test_worker_reports_a_failing_service_and_keeps_running(qtbot):
    class Broken:
        def suggest(self, *args):
            raise OSError("model files missing")

    host = WorkerHost(Broken, spacy_tokenizer)
    try:
        with qtbot.waitSignal(host.failed, timeout=10_000) as failed:
            host.request_suggestions(3, "en", TEXT)
        assert failed.args == [3, "suggestions failed: model files missing"]
        qtbot.waitUntil(lambda: not host.busy)
        with qtbot.waitSignal(host.tokenized, timeout=10_000) as tokens:
            host.request_tokens(3, "en", TEXT)
        assert tokens.args[1][:3] == [(0, 7), (8, 11), (12, 22)]
    finally:
        host.stop()


def test_worker_tokenizer_falls_back_for_unknown_languages():
    tokens = spacy_tokenizer("zz-unknown")("Астана — столица.")
    assert tokens[0] == (0, 6)


def test_worker_model_of_uses_stamps_then_the_service():
    class Info:
        def model_info(self, lang):
            return ("rules-kk", "3")

    assert model_of(Info(), "kk", []) == ("rules-kk", "3")
    assert model_of(object(), "kk", []) == ("object", "")


def test_worker_stop_is_idempotent(qtbot, blank_nlp):
    host = WorkerHost(lambda: Recorder(blank_nlp), spacy_tokenizer)
    host.stop()
    host.stop()
    assert not host.thread.isRunning()
    assert not host.request_suggestions(1, "en", TEXT)


def test_worker_drops_answers_to_an_earlier_project(qtbot, blank_nlp):
    import threading

    release = threading.Event()

    class Slow(Recorder):
        def suggest(self, article_id, lang, text):
            release.wait(10)
            return super().suggest(article_id, lang, text)

    host = WorkerHost(lambda: Slow(blank_nlp), spacy_tokenizer)
    try:
        host.request_suggestions(1, "en", TEXT)
        host.reset()  # e.g. File -> Open: article 1 now means another article
        assert not host.busy
        with qtbot.assertNotEmitted(host.suggested, wait=300):
            release.set()
        with qtbot.waitSignal(host.suggested, timeout=10_000) as got:
            host.request_suggestions(1, "en", TEXT)
        assert got.args[0] == 1
    finally:
        release.set()
        host.stop()
