"""Pre-annotate a project: run each language's pipeline over its pending articles.

Composes annotator.suggest (spaCy) and annotator.store: articles are read in pages by id,
fed to one ``nlp.pipe`` per language, and written per batch in one transaction each, so
an interrupted run keeps every finished batch and the next run resumes where it stopped
(an article is pending until its suggestions are stored under the model's version).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.models import Suggestion
from annotator.core.spans import ARGUMENTS_DROPPED, DROPPED, TRIMMED
from annotator.core.text import content_hash
from annotator.io.token_cache import TokenCache, Tokens, sidecar_path, version_of
from annotator.store import Store
from annotator.store.suggestions import PROPOSED_BEFORE
from annotator.suggest import (
    Pipeline,
    PipelineSpec,
    canonical_lang,
    load_config,
    load_pipeline,
    pipeline_identity,
    resolve_pipeline,
    suggest_texts,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

PAGE = 500  # articles read from the store at a time


@dataclass
class LanguageRun:
    """One stored language and the pipeline that suggests for it."""

    lang: str  # as stored on the articles
    spec: PipelineSpec
    model: str
    version: str
    pending: int = 0
    articles: int = 0
    suggestions: int = 0
    skipped: list[str] = field(default_factory=list)  # one line per article not processed
    cleaned: Counter[str] = field(default_factory=Counter)  # trimmed / dropped suggestions

    def line(self) -> str:
        kind = "rules, no model" if self.spec.is_fallback else "model"
        return (
            f"{self.lang}: {self.articles} article{'' if self.articles == 1 else 's'}, "
            f"{self.suggestions} suggestion{'' if self.suggestions == 1 else 's'} "
            f"({self.model} {self.version}, {kind})"
        )


@dataclass
class SuggestSummary:
    runs: list[LanguageRun] = field(default_factory=list)
    interrupted: bool = False
    others: list[str] = field(default_factory=list)  # languages --model is not for
    unfinished_for: str | None = None  # only articles this annotator has not finished
    events: bool = False  # event rules too, where the pipeline can parse
    schema: Path | None = None  # the event schema (None: the bundled one)

    @property
    def articles(self) -> int:
        return sum(r.articles for r in self.runs)

    @property
    def suggestions(self) -> int:
        return sum(r.suggestions for r in self.runs)

    @property
    def pending(self) -> int:
        return sum(r.pending for r in self.runs)

    @property
    def skipped(self) -> list[str]:
        return [line for r in self.runs for line in r.skipped]

    @property
    def notes(self) -> list[str]:
        """One line per language without a model, each once; which languages did not get
        the --model pipeline (another language's) and what they got instead — of the
        languages this run processes (``--limit`` may leave some with nothing to do)."""
        runs = [r for r in self.runs if r.pending]
        notes = list(dict.fromkeys(r.spec.note for r in runs if r.spec.note))
        for run in runs:
            if run.lang in self.others:
                notes.append(
                    f"{run.lang}: the model is not for this language: suggesting with its "
                    f"own pipeline ({run.model})"
                )
        return notes

    def line(self) -> str:
        return (
            f"{self.articles} article{'' if self.articles == 1 else 's'} processed, "
            f"{self.suggestions} suggestion{'' if self.suggestions == 1 else 's'} added"
        )

    @property
    def cleaned(self) -> Counter[str]:
        return sum((r.cleaned for r in self.runs), Counter())

    def cleaned_line(self) -> str | None:
        """What the span rule changed, for a note (None: nothing)."""
        c = self.cleaned
        parts = [
            f"{c[TRIMMED]} trimmed of whitespace or invisible characters at an edge"
            if c[TRIMMED]
            else "",
            f"{c[DROPPED]} dropped (only whitespace or invisible characters, or across a "
            "paragraph break)"
            if c[DROPPED]
            else "",
            f"{c[ARGUMENTS_DROPPED]} event arguments dropped likewise"
            if c[ARGUMENTS_DROPPED]
            else "",
            f"{c[PROPOSED_BEFORE]} not stored again (another version of the model proposed "
            "them already; the stored ones keep their decisions)"
            if c[PROPOSED_BEFORE]
            else "",
        ]
        kept = [p for p in parts if p]
        return f"suggestions: {', '.join(kept)}" if kept else None


def plan_suggest(
    store: Store,
    *,
    model: str | None = None,
    lang: str | None = None,
    config: Path | None = None,
    force: bool = False,
    limit: int | None = None,
    events: bool = True,
    schema: Path | None = None,
    unfinished_for: str | None = None,
) -> SuggestSummary:
    """Which pipeline runs on which stored language, and how many articles are pending.

    Cheap (no model is loaded), so a bad ``model`` fails before any work: ValueError.
    ``model`` without ``lang`` applies to the articles in the model's own language (all
    articles for a multi-language "xx" pipeline).
    """
    summary = SuggestSummary(events=events, schema=schema, unfinished_for=unfinished_for)
    registered = _registered(store, model)
    if registered is not None:
        model = registered.path
    model_lang = resolve_pipeline(lang or "xx", model, config).model_lang if model else ""
    left = limit
    for code in _target_languages(store, model, lang, config):
        # --model serves its own language; the others keep their configured pipelines
        own = lang or model_lang in ("", "xx") or code == model_lang
        spec = resolve_pipeline(code, model if own else None, config)
        if own and registered is not None:
            spec = replace(spec, registered=(registered.name, registered.version))
        elif model and not own:
            summary.others.append(code)
        name, version = pipeline_identity(spec, events=events, schema=schema)
        pending = store.count_pending(
            name, version, lang=code, include_done=force, unfinished_for=unfinished_for
        )
        pending = pending if left is None else min(pending, left)
        left = None if left is None else left - pending
        summary.runs.append(LanguageRun(code, spec, name, version, pending))
    return summary


def _registered(store: Store, model: str | None):  # noqa: ANN202
    """A model the project trained (``annotator train``), by NAME or NAME@VERSION."""
    if not model or Path(model).expanduser().exists():
        return None
    from annotator.store.models import find

    return find(store, model)


def _target_languages(
    store: Store, model: str | None, lang: str | None, config: Path | None
) -> list[str]:
    """Stored language codes to run on ("kz" articles match --lang kk and vice versa)."""
    languages = load_config(config)
    stored = store.languages()
    wanted = canonical_lang(lang, languages) if lang else None
    if model:  # checked even when the project is empty
        model_lang = resolve_pipeline(lang or "xx", model, config).model_lang
        if not lang and model_lang not in ("", "xx"):
            if stored and model_lang not in {canonical_lang(s, languages) for s in stored}:
                raise ValueError(
                    f"{model}: a pipeline for '{model_lang}', and the project has no "
                    f"'{model_lang}' articles (use --lang to apply it anyway)"
                )
    return [s for s in stored if wanted is None or canonical_lang(s, languages) == wanted]


def suggest_pending(
    store: Store,
    summary: SuggestSummary,
    *,
    batch_size: int = 32,
    n_process: int = 1,
    force: bool = False,
    on_start: Callable[[LanguageRun], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    loader: Callable[..., Pipeline] = load_pipeline,
) -> SuggestSummary:
    """Run the planned languages; counts land in ``summary`` (also on Ctrl+C).

    ``on_progress(n)`` after each article. ``should_stop()`` is checked before each article
    is handed to spaCy: once true, the articles in progress are finished and saved and the
    run ends, marked interrupted. A KeyboardInterrupt saves the results already computed,
    marks the summary interrupted and re-raises (with ``n_process > 1`` prefer
    ``should_stop``: an exception inside spaCy's multiprocessing can leave workers blocked).
    """
    loaded: dict[PipelineSpec, Pipeline] = {}
    try:
        for run in summary.runs:
            if run.pending == 0:
                continue
            if run.spec not in loaded:
                loaded[run.spec] = loader(
                    run.spec, entities_only=True, events=summary.events, schema=summary.schema
                )
            if on_start:
                on_start(run)
            if _run_language(
                store,
                loaded[run.spec],
                run,
                batch_size,
                n_process,
                force,
                on_progress,
                should_stop,
                summary.unfinished_for,
            ):
                summary.interrupted = True
                break
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    return summary


def _run_language(
    store: Store,
    pipeline: Pipeline,
    run: LanguageRun,
    batch_size: int,
    n_process: int,
    force: bool,
    on_progress: Callable[[int], None] | None,
    should_stop: Callable[[], bool] | None,
    unfinished_for: str | None = None,
) -> bool:
    """Suggest for one language's pending articles; True when stopped early."""
    batch: list[tuple[int, list[Suggestion]]] = []

    def flush() -> None:
        if batch:
            run.suggestions += store.add_suggestions(
                batch, run.model, run.version, force=force, tally=run.cleaned
            )
            run.articles += len(batch)
            batch.clear()

    texts = _within_limit(
        _pending_texts(store, run, force, unfinished_for), store, pipeline, run, on_progress
    )
    kept = KeptTokens.of(store, pipeline, run.lang)
    results = suggest_texts(
        pipeline, texts, batch_size=batch_size, n_process=n_process, stop=should_stop, tokens=kept
    )
    try:
        for item in results:  # after a stop request: the articles already in progress
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
            if on_progress:
                on_progress(1)
    finally:  # also on Ctrl+C: results already computed are kept
        flush()
        results.close()  # type: ignore[attr-defined]
        if kept is not None:
            kept.close()
    return bool(should_stop and should_stop()) and run.articles < run.pending


class KeptTokens:
    """The tokens of every text a run cuts, kept in the project's token cache
    (:mod:`annotator.io.token_cache`) when the pipeline's tokenizer is the one the exports
    use for the language (en_core_web_sm's is spaCy's English one): the first JSONL or
    CoNLL export after ``annotator suggest`` then reads them instead of tokenizing every
    article again. Written per batch by the process that cut them (a forked worker has
    its own connection); a cache that cannot be written only costs the export's speed."""

    def __init__(self, cache: TokenCache, lang: str) -> None:
        self.cache, self.lang = cache, lang
        self._made: list[tuple[tuple[str, str, str], Tokens]] = []

    @classmethod
    def of(cls, store: Store, pipeline: Pipeline, lang: str) -> KeptTokens | None:
        """The sink for ``pipeline``'s run over ``lang``'s articles, or None: an in-memory
        project (no cache), or a tokenizer that cuts otherwise than the exports'."""
        path = sidecar_path(store.path)
        if path is None:
            return None
        cache = TokenCache(path)
        try:
            same = version_of(pipeline.nlp) == cache.version(lang)
        except Exception:  # noqa: BLE001 - a tokenizer that cannot say its settings: keep none
            same = False
        return cls(cache, lang) if same else None

    def add(self, text: str, doc: Doc) -> None:
        self._made.append(((content_hash(text), self.lang, text), Tokens.of(doc)))

    def flush(self) -> None:
        if self._made:
            self.cache.keep_tokens(self._made)
            self._made = []

    def close(self) -> None:
        """Keep what is left and close this thread's connection to the cache."""
        self.flush()
        self.cache.close()


def _within_limit(
    texts: Iterator[tuple[int, str]],
    store: Store,
    pipeline: Pipeline,
    run: LanguageRun,
    on_progress: Callable[[int], None] | None,
) -> Iterator[tuple[int, str]]:
    """Leave out texts longer than the pipeline accepts (spaCy would fail the whole run);
    they stay pending, each reported once per run."""
    limit = pipeline.nlp.max_length
    for article_id, text in texts:
        if len(text) <= limit:
            yield article_id, text
            continue
        source = store.get_article(article_id).source
        run.skipped.append(
            f"article {article_id} ({source or 'no source'}): {len(text):,} characters, "
            f"more than the pipeline takes ({limit:,}, spaCy's nlp.max_length); skipped"
        )
        if on_progress:
            on_progress(1)


def _pending_texts(
    store: Store, run: LanguageRun, force: bool, unfinished_for: str | None = None
) -> Iterator[tuple[int, str]]:
    """(id, text) of the run's pending articles, read a page at a time."""
    after, left = 0, run.pending
    while left > 0:
        rows = store.pending_for_model(
            run.model,
            run.version,
            lang=run.lang,
            limit=min(PAGE, left),
            after=after,
            include_done=force,
            unfinished_for=unfinished_for,
        )
        if not rows:
            return
        for article_id, _lang, text in rows:
            yield article_id, text
        after, left = rows[-1][0], left - len(rows)
