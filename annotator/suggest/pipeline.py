"""Loading a resolved pipeline: the spaCy model (only the parts entities need) or rules.

A :class:`Pipeline` is the loaded ``nlp`` plus the name and version every suggestion is
recorded with, and the extractors that turn a processed ``Doc`` into core suggestions.
Entities are the first extractor; the event rules add theirs (they need the parser, so
they load with ``entities_only=False``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.models import Suggestion
from annotator.suggest.resolve import PipelineSpec, read_meta, resolve_pipeline

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

Extractor = Callable[["Doc"], Iterable[Suggestion]]

# What a component must write for its output to be an entity suggestion.
ENTITY_OUTPUTS = frozenset({"doc.ents", "doc.spans"})
SENTENCE_OUTPUTS = frozenset({"doc.sents", "token.is_sent_start"})


@dataclass
class Pipeline:
    """A loaded pipeline and the identity its suggestions are stored under.

    ``model`` and ``version`` key the idempotence of batch runs: an article is done for a
    (model, version) once its suggestions are stored. A pipeline that also suggests events
    must therefore use its own key (e.g. a version suffixed with the event rules' hash),
    or articles done for entities would be skipped for events.
    """

    nlp: Language
    spec: PipelineSpec
    model: str
    version: str
    extractors: list[Extractor] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.spec.lang

    @property
    def is_fallback(self) -> bool:
        return self.spec.is_fallback

    @property
    def note(self) -> str | None:
        return self.spec.note

    @property
    def components(self) -> tuple[str, ...]:
        """The components that run (the others are disabled)."""
        return tuple(self.nlp.pipe_names)

    def suggestions(self, doc: Doc) -> list[Suggestion]:
        """Every extractor's suggestions for a processed doc, stamped with this model."""
        out: list[Suggestion] = []
        for extract in self.extractors:
            for s in extract(doc):
                stamped = s.model == self.model and s.model_version == self.version
                out.append(
                    s if stamped else replace(s, model=self.model, model_version=self.version)
                )
        return out


def load_pipeline(
    spec_or_lang: PipelineSpec | str,
    *,
    model: str | None = None,
    config: Path | None = None,
    entities_only: bool = True,
    events: bool = False,
    schema: Path | None = None,
) -> Pipeline:
    """Load the pipeline for a spec, or resolve one for a language first.

    ``entities_only`` disables every component the entity predictions do not depend on
    (for en_core_web_sm: tok2vec, parser and ner run, see ``_implicit_requires``).
    ``events`` adds the rule-based event suggester (event schema ``schema``, default the
    bundled one) when the pipeline can parse; it needs every component (lemmas, tags,
    parse) and a paragraph-break component before the parser, which can move sentence
    boundaries and so entities: that is why the stored version then names the event rules.
    Raises ValueError (one line) when the pipeline cannot be loaded or predicts no
    entities, or the schema is invalid.
    """
    from annotator.suggest.entities import EntityExtractor

    spec = (
        spec_or_lang
        if isinstance(spec_or_lang, PipelineSpec)
        else resolve_pipeline(spec_or_lang, model, config)
    )
    if spec.is_fallback:
        nlp, name, version = _rules(spec)
    elif spec.factory:
        nlp = _wrapped(spec)
        name, version = pipeline_identity(spec)
    else:
        nlp = _load_model(spec)
        name, version = pipeline_identity(spec)
    needed = entity_components(nlp)
    if not needed and nlp.pipe_names:
        raise ValueError(f"{spec.name}: the pipeline has no component that predicts entities")
    with_events = events and can_parse(nlp.pipe_names)
    if with_events:
        from annotator.suggest.events import add_paragraph_breaks

        add_paragraph_breaks(nlp)
        version = with_events_version(version, schema)
    elif entities_only:
        nlp.select_pipes(enable=needed)
    extractors: list[Extractor] = [EntityExtractor(span_keys=span_keys(nlp))]
    if with_events:
        extractors.append(_event_suggester(schema))
    return Pipeline(nlp, spec, name, version, extractors)


def can_parse(components: Iterable[str]) -> bool:
    """Whether a pipeline has what the event rules read: a parse (and so sentences)."""
    return "parser" in set(components)


def _event_suggester(schema: Path | None) -> Extractor:
    from annotator.core.schema import load_schema
    from annotator.suggest.events import EventSuggester

    return EventSuggester(load_schema(schema))


def with_events_version(version: str, schema: Path | None) -> str:
    """The stored version of a pipeline with the event rules: rules, schema and the learned
    trigger and argument models included, so that retraining either makes the event
    suggestions again (the version named rules and schema only: a retrained argument
    model was never run on articles suggested before — new-user trial)."""
    from annotator.core.schema import load_schema
    from annotator.suggest.events import RULES_VERSION

    return f"{version}+events{RULES_VERSION}.{load_schema(schema).digest}.{learned_digest()}"


def learned_digest() -> str:
    """A short hash of the learned models' weight files the event suggester loads."""
    from annotator.suggest import arg_model, trigger_model

    digest = hashlib.sha1()
    for path in (trigger_model.default_path(), arg_model.default_path()):
        digest.update(path.read_bytes() if path.is_file() else b"-")
        digest.update(b"\0")
    return digest.hexdigest()[:8]


def _wrapped(spec: PipelineSpec) -> Language:
    """A model that is no spaCy pipeline, as a component on a blank one (natasha)."""
    if spec.factory == "natasha_ner":
        from annotator.suggest.natasha_ner import natasha_pipeline

        return natasha_pipeline(spec.blank)
    raise ValueError(f"{spec.name}: unknown wrapped model component '{spec.factory}'")


def _load_model(spec: PipelineSpec) -> Language:
    import spacy

    try:
        return spacy.load(spec.source)
    except Exception as exc:  # spaCy raises OSError, ValueError, config and registry errors
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"{spec.name}: cannot load the spaCy pipeline ({reason})") from None


def pipeline_identity(
    spec: PipelineSpec, *, events: bool = False, schema: Path | None = None
) -> tuple[str, str]:
    """The (model, version) suggestions are stored under, without loading the pipeline.

    With ``events``, a model whose meta lists a parser gets the event rules' version
    appended (see :func:`load_pipeline`); rules-only pipelines never suggest events.

    A model: ``<lang>_<name>`` and the version from meta.json; a directory adds a digest
    of its files, because pipelines trained by the user rarely bump their version. natasha:
    ``ru_natasha`` and the versions of natasha, slovnet and navec (see
    :func:`annotator.suggest.natasha_labels.identity`). Rules:
    ``rules:<lang>`` and a digest of the blank language and the pattern file, so editing
    the patterns makes a new version.
    """
    if spec.is_fallback:
        raw = read_patterns(spec.patterns)[0] if spec.patterns is not None else b""
        return spec.name, _rules_version(spec, raw)
    if spec.factory:  # no parser, so never event rules
        from annotator.suggest.natasha_labels import identity

        return identity()
    meta = read_meta(spec.meta) if spec.meta is not None else {}
    name = f"{meta.get('lang') or spec.lang}_{meta.get('name') or 'pipeline'}"
    version = str(meta.get("version") or "0.0.0")
    if spec.registered is not None:  # a model the project trained: its registered name
        name, version = spec.registered
    if spec.path is not None:
        version = f"{version}+{_directory_digest(spec.path)}"
    if events and can_parse(meta.get("pipeline") or ()):
        version = with_events_version(version, schema)
    return name, version


def _rules_version(spec: PipelineSpec, raw: bytes) -> str:
    return hashlib.sha256(spec.blank.encode() + b"\0" + raw).hexdigest()[:12]


def _directory_digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()[:12]


def _rules(spec: PipelineSpec) -> tuple[Language, str, str]:
    """A blank pipeline with an EntityRuler; the version is a digest of the patterns."""
    import spacy

    raw = b""
    patterns: list[dict] = []
    if spec.patterns is not None:
        raw, patterns = read_patterns(spec.patterns)
    nlp = spacy.blank(spec.blank)
    if patterns:  # an EntityRuler without patterns finds nothing and warns (spaCy W036)
        config = {"phrase_matcher_attr": "LOWER", "validate": True}
        ruler = nlp.add_pipe("entity_ruler", config=config)
        try:
            ruler.add_patterns(patterns)  # type: ignore[attr-defined]
        except Exception as exc:  # MatchPatternError, ValueError: a bad pattern in the file
            first = str(exc).strip().splitlines()[0]
            raise ValueError(f"{spec.patterns}: invalid EntityRuler pattern ({first})") from None
    version = _rules_version(spec, raw)
    nlp.meta.update(name=f"rules_{spec.lang}", version=version)
    return nlp, spec.name, version


def read_patterns(path: Path) -> tuple[bytes, list[dict]]:
    """EntityRuler patterns from a JSONL file (blank lines skipped)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the patterns ({exc.strerror})") from None
    patterns = []
    for number, line in enumerate(raw.decode("utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(item, dict) or "label" not in item or "pattern" not in item:
            raise ValueError(f"{path}:{number}: a pattern needs a label and a pattern")
        patterns.append(item)
    return raw, patterns


def entity_components(nlp: Language) -> list[str]:
    """Components entity predictions need: those writing entities, the components they
    listen to (a shared tok2vec), and earlier ones writing what they declare they require."""
    names = list(nlp.pipe_names)
    needed = {n for n in names if ENTITY_OUTPUTS & set(nlp.get_pipe_meta(n).assigns)}
    grew = True
    while grew:
        before = len(needed)
        needed |= _listened_to(nlp, needed) | _required(nlp, needed)
        grew = len(needed) > before
    return [n for n in names if n in needed]


def _listened_to(nlp: Language, needed: set[str]) -> set[str]:
    out = set()
    for name in nlp.pipe_names:
        listeners = getattr(nlp.get_pipe(name), "listening_components", None) or []
        if needed & set(listeners):
            out.add(name)
    return out


def _required(nlp: Language, needed: set[str]) -> set[str]:
    names = list(nlp.pipe_names)
    out = set()
    for name in needed:
        requires = set(nlp.get_pipe_meta(name).requires) | _implicit_requires(nlp, name)
        for earlier in names[: names.index(name)]:
            if requires & set(nlp.get_pipe_meta(earlier).assigns):
                out.add(earlier)
    return out


def _implicit_requires(nlp: Language, name: str) -> set[str]:
    """Inputs a component uses without declaring them.

    The entity recognizer never lets an entity cross a sentence boundary, so the parser's
    boundaries change its output: on the bundled corpus en_core_web_sm's ``ner`` alone
    differs from the full pipeline in 3 of 70 texts. Keeping the parser keeps them equal.
    """
    from spacy.pipeline import EntityRecognizer

    if isinstance(nlp.get_pipe(name), EntityRecognizer):
        return set(SENTENCE_OUTPUTS)
    return set()


def span_keys(nlp: Language) -> tuple[str, ...]:
    """``doc.spans`` keys written by enabled span components (spancat, span_ruler)."""
    keys = []
    for name in nlp.pipe_names:
        if "doc.spans" in nlp.get_pipe_meta(name).assigns:
            key = getattr(nlp.get_pipe(name), "key", None)
            if isinstance(key, str) and key not in keys:
                keys.append(key)
    return tuple(keys)
