"""Which spaCy pipeline suggests for a language: configuration and resolution.

Nothing here loads a model: resolution only looks at package metadata and directories, so
a bad ``--model`` is reported before any slow work starts.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.core.langs import canonical_lang as core_canonical
from annotator.core.paths import resources_dir
from annotator.suggest.natasha_labels import available as natasha_available

MULTI = "xx"  # spaCy's multi-language class, for languages it does not know


@dataclass(frozen=True)
class LangConfig:
    """One language's entry of pipelines.toml."""

    pipelines: tuple[str, ...] = ()
    patterns: Path | None = None
    blank: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class PipelineSpec:
    """A resolved pipeline: a package name, a pipeline directory, or rules (fallback)."""

    lang: str  # canonical code of the articles' language ("kk" for "kz")
    name: str  # package name, directory as given, or "rules:<lang>"
    path: Path | None = None  # pipeline directory (None for packages and rules)
    is_fallback: bool = False
    blank: str = ""  # spaCy language of the blank fallback pipeline
    patterns: Path | None = None  # EntityRuler patterns of the fallback
    model_lang: str = ""  # the language the pipeline was built for (meta.json "lang")
    meta: Path | None = None  # the pipeline's meta.json (name and version without loading)
    tried: tuple[str, ...] = ()  # configured pipelines that were not found
    registered: tuple[str, str] | None = None  # (name, version) of a model the project trained
    factory: str = ""  # a wrapped model: this component on a blank ``blank`` pipeline

    @property
    def source(self) -> str | Path:
        """What ``spacy.load`` takes."""
        return self.path if self.path is not None else self.name

    @property
    def note(self) -> str | None:
        """One line for the user when this language has no model (or only a wrapped NER
        without a parse, so no events), else None."""
        if self.factory:
            return (
                f"'{self.lang}': entities from {self.name} only (no parse: the event rules "
                "read an English dependency parse)"
            )
        if not self.is_fallback:
            return None
        looked = f" (none of {', '.join(self.tried)} is installed)" if self.tried else ""
        how = (
            f"suggesting with rules from {self.patterns}"
            if self.patterns
            else "and no rule patterns, so no suggestions"
        )
        return f"no spaCy model for '{self.lang}'{looked}; {how}"


PIPELINES_ENV = "ANNOTATOR_PIPELINES"  # a project file used when none is given


def load_config(project: Path | None = None) -> dict[str, LangConfig]:
    """The bundled pipelines.toml, overridden per language (key by key) by a project file
    (``project``, else the file named by $ANNOTATOR_PIPELINES, if set)."""
    merged = _read_config(resources_dir() / "pipelines.toml")
    if project is None and os.environ.get(PIPELINES_ENV):
        project = Path(os.environ[PIPELINES_ENV])
    if project is not None:
        for lang, keys in _read_config(Path(project)).items():
            merged[lang] = {**merged.get(lang, {}), **keys}
    return {lang: LangConfig(**keys) for lang, keys in merged.items()}


def _read_config(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the pipeline config ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path}: not a pipeline config: not UTF-8 text (byte {exc.start}: {exc.reason})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc})") from None
    languages = data.get("languages", {})
    if not isinstance(languages, dict):
        raise ValueError(f"{path}: [languages] must be a table of language codes")
    return {str(k).lower(): _lang_keys(path, k, v) for k, v in languages.items()}


def _lang_keys(path: Path, lang: str, raw: Any) -> dict[str, Any]:
    """The keys this file sets for one language, checked, paths made absolute."""
    where = f"{path}: languages.{lang}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a table")
    keys: dict[str, Any] = {}
    for key in ("pipelines", "aliases"):
        if key in raw:
            keys[key] = _strings(raw[key], f"{where}.{key}")
    for key in ("patterns", "blank"):
        if key in raw and not isinstance(raw[key], str):
            raise ValueError(f"{where}.{key} must be a string")
    if "pipelines" in keys:
        keys["pipelines"] = tuple(
            _relative(path, p) if _looks_like_path(p) else p for p in keys["pipelines"]
        )
    if "aliases" in keys:
        keys["aliases"] = tuple(a.lower() for a in keys["aliases"])
    if raw.get("patterns"):
        keys["patterns"] = Path(_relative(path, raw["patterns"]))
    if raw.get("blank"):
        keys["blank"] = raw["blank"]
    return keys


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a list of strings")
    return tuple(value)


def _looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.startswith((".", "~"))


def _relative(config_file: Path, value: str) -> str:
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else config_file.parent / path)


def canonical_lang(lang: str, config: dict[str, LangConfig] | None = None) -> str:
    """Lower-case primary code, aliases resolved: "KZ" -> "kk", "en-US" -> "en"."""
    code = core_canonical(lang or MULTI)  # the codes articles are stored with
    for canonical, entry in (config if config is not None else load_config()).items():
        if code in entry.aliases:
            return canonical
    return code


def resolve_pipeline(
    lang: str, model: str | None = None, config: Path | None = None
) -> PipelineSpec:
    """The pipeline for articles in ``lang``: ``model`` if given, else the configured one.

    Raises ValueError (one line) when ``model`` is neither an installed spaCy pipeline
    package nor a pipeline directory. A language without any model is not an error: the
    spec is the rule-based fallback and carries a ``note`` for the user.
    """
    cfg = load_config(config)
    code = canonical_lang(lang, cfg)
    if model:
        return _explicit(code, model)
    entry = cfg.get(code, LangConfig())
    for candidate in entry.pipelines:
        found = _find(code, candidate)
        if found is not None:
            return found
    return _fallback(code, entry)


def _explicit(code: str, model: str) -> PipelineSpec:
    path = Path(model).expanduser()
    if path.exists() and not _is_pipeline_dir(path) and _is_pipeline_dir(path / "model-best"):
        path = path / "model-best"  # a `spacy train` (or `annotator train`) output folder
    if path.exists():
        if not _is_pipeline_dir(path):
            raise ValueError(
                f"{model}: not a spaCy pipeline directory (no config.cfg and meta.json)"
            )
        return _directory_spec(code, model, path)
    if _looks_like_path(model):
        raise ValueError(f"{model}: no such spaCy pipeline directory")
    found = _find(code, model)
    if found is None:
        raise ValueError(f"{model}: not an installed spaCy pipeline package nor a directory")
    return found


def _find(code: str, candidate: str) -> PipelineSpec | None:
    if candidate in WRAPPED:
        return _wrapped(code, candidate)
    if _looks_like_path(candidate):
        path = Path(candidate).expanduser()
        return _directory_spec(code, candidate, path) if _is_pipeline_dir(path) else None
    package_dir = _package_dir(candidate)
    if package_dir is None or not (package_dir / "meta.json").is_file():
        return None  # not installed, or an ordinary package that is no spaCy pipeline
    meta = package_dir / "meta.json"
    return PipelineSpec(code, candidate, model_lang=_meta_lang(meta), meta=meta)


# Models that are no spaCy pipeline, wrapped as a component on a blank one:
# name in pipelines.toml -> (spaCy factory, blank language, whether it is installed).
WRAPPED: dict[str, tuple[str, str, Callable[[], bool]]] = {
    "natasha": ("natasha_ner", "ru", natasha_available),
}


def _wrapped(code: str, name: str) -> PipelineSpec | None:
    factory, blank, installed = WRAPPED[name]
    if not installed():
        return None
    return PipelineSpec(code, name, blank=blank, model_lang=blank, factory=factory)


def _directory_spec(code: str, given: str, path: Path) -> PipelineSpec:
    meta = path / "meta.json"
    return PipelineSpec(code, given, path=path, model_lang=_meta_lang(meta), meta=meta)


def _package_dir(name: str) -> Path | None:
    try:
        found = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations)))


def _is_pipeline_dir(path: Path) -> bool:
    return (path / "config.cfg").is_file() and (path / "meta.json").is_file()


def read_meta(meta: Path) -> dict[str, Any]:
    """A pipeline's meta.json, or {} when unreadable (spaCy reports that on loading)."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _meta_lang(meta: Path) -> str:
    return str(read_meta(meta).get("lang", ""))


def _fallback(code: str, entry: LangConfig) -> PipelineSpec:
    patterns = entry.patterns if entry.patterns is not None else bundled_patterns(code)
    blank = entry.blank or code
    return PipelineSpec(
        code,
        f"rules:{code}",
        is_fallback=True,
        blank=blank if _spacy_has_language(blank) else MULTI,
        patterns=patterns,
        model_lang=code,
        tried=entry.pipelines,
    )


def bundled_patterns(code: str) -> Path | None:
    """``resources/patterns/<code>.jsonl`` if it exists, picked from a listing of that folder.

    The file is looked up, never built from the code: a code that came from an article
    (``../../x``) can only match a file that is in the folder.
    """
    folder = resources_dir() / "patterns"
    return {p.stem: p for p in folder.glob("*.jsonl") if p.is_file()}.get(code)


def _spacy_has_language(code: str) -> bool:
    import spacy.util

    try:
        spacy.util.get_lang_class(code)
    except ImportError:
        return False
    return True
