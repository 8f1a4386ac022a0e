"""spaCy suggestions: pipeline resolution and loading, entity suggestions, the service.

    spec = resolve_pipeline("ru")                 # cheap: no model loaded
    pipeline = load_pipeline(spec)                # or load_pipeline("en", model=...)
    suggest_article(pipeline, text)               # -> list[Suggestion]
    suggest_texts(pipeline, [(id, text), ...])    # -> iterator of (id, list[Suggestion])
    SuggestionService().suggest(id, lang, text)   # for the window's worker thread

spaCy is imported only when a pipeline is loaded, so importing this package is cheap.
"""

from __future__ import annotations

from annotator.suggest.entities import EntityExtractor, suggest_article, suggest_texts
from annotator.suggest.pipeline import Pipeline, load_pipeline, pipeline_identity
from annotator.suggest.resolve import PipelineSpec, canonical_lang, load_config, resolve_pipeline
from annotator.suggest.service import SuggestionService

__all__ = [
    "EntityExtractor",
    "Pipeline",
    "PipelineSpec",
    "SuggestionService",
    "canonical_lang",
    "load_config",
    "load_pipeline",
    "pipeline_identity",
    "resolve_pipeline",
    "suggest_article",
    "suggest_texts",
]
