"""``annotator import``: read articles into the project."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import click
from tqdm import tqdm

from annotator.cli.common import db_option, default_annotator, lang_param, open_store, user_errors
from annotator.core.models import ReadError, Skipped
from annotator.io import reader
from annotator.workflows.importing import DEFAULT_MAX_BYTES, import_paths


def _size(text: str) -> int:
    units = {"k": 1_000, "m": 1_000_000, "g": 1_000_000_000}
    t = text.strip().lower().removesuffix("b")
    factor = units.get(t[-1:], 1)
    try:
        return int(float(t[:-1] if factor > 1 else t) * factor)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a size such as 5MB or 200k") from None


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@db_option
@click.option(
    "--format",
    "fmt",
    default="auto",
    show_default=True,
    type=click.Choice(["auto", *sorted({*reader.FORMATS, *reader.ALIASES})]),
    help="Input format; auto decides by extension and content. Every file format "
    "`annotator export` writes is one (doccano: its JSONL, doccano-conll: its CoNLL).",
)
@click.option(
    "--lang",
    default=None,
    callback=lang_param,
    help="Language code for every article (overrides files). Without it, an article whose "
    "file names no language (plain text, JSONL without meta.lang, ...) gets the language "
    "detected from its text, or xx when unsure.",
)
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Text encoding of files. A file that is UTF-8 with non-ASCII letters is refused "
    "under another encoding (it would be stored garbled): import it without --encoding.",
)
@click.option(
    "--max-size",
    "max_size",
    default=f"{DEFAULT_MAX_BYTES // 1_000_000}MB",
    show_default=True,
    help="Skip records (a JSONL line, a Label Studio task) and other files (a whole "
    "article, brat or CoNLL file) larger than this; a JSONL or JSON file itself may be "
    "any size.",
)
@click.option("--as-gold", is_flag=True, help="Spans in the input become the annotator's gold.")
@click.option(
    "--annotator",
    default=None,
    help="Whose gold with --as-gold (default: whoever the input names, as Label Studio's "
    "completed_by, else the OS user).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="With --as-gold: replace the annotator's different gold of an article already in "
    "the project (one undoable decision); without it such articles are refused.",
)
@click.option(
    "--empty-is-gold",
    is_flag=True,
    help="With --as-gold: input without annotations (plain text, an empty .ann) means "
    "'nothing to mark' and becomes done, empty gold; without it such files are plain articles.",
)
@click.option(
    "--trim-spans",
    is_flag=True,
    help="Trim whitespace and invisible characters (zero-width space, soft hyphen, ...) "
    "from the edges of imported spans (and drop spans of only those or across a paragraph "
    "break) instead of refusing such gold.",
)
@user_errors
def import_cmd(
    paths: tuple[Path, ...],
    db: Path | None,
    fmt: str,
    lang: str | None,
    encoding: str,
    max_size: str,
    as_gold: bool,
    annotator: str | None,
    replace: bool,
    empty_is_gold: bool,
    trim_spans: bool,
) -> None:
    """Import articles (reference format, plain text, JSONL, brat, CoNLL, Label Studio JSON)
    from files or folders.

    An article whose file names no language (plain text, JSONL without meta.lang, a Label
    Studio task without data.lang) gets the language detected from its text, or xx when
    unsure; the output says how many. Re-importing the same text is a no-op. With --as-gold,
    the gold attaches to articles already in the project; where the annotator already has
    different gold, the article is refused (one line each) unless --replace. Bad files are
    reported one line each on stderr and skipped; the exit code is 1 when anything failed or
    was refused.
    """
    if (replace or empty_is_gold) and not as_gold:
        raise click.UsageError("--replace and --empty-is-gold only apply with --as-gold")
    max_bytes = _size(max_size)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise click.BadParameter(
            f"unknown encoding {encoding!r}", param_hint="--encoding"
        ) from None
    store = open_store(db)
    bar = tqdm(total=0, unit="file", disable=not sys.stderr.isatty(), leave=False)

    def on_total(n: int) -> None:
        bar.total = n
        bar.refresh()

    def on_error(err: ReadError) -> None:
        bar.clear()
        click.echo(f"error: {err}", err=True)

    def on_skip(item: Skipped) -> None:
        bar.clear()
        click.echo(f"skipped: {item}", err=True)

    with store, bar:
        summary = import_paths(
            store,
            paths,
            fmt=fmt,
            lang=lang,
            encoding=encoding,
            max_bytes=max_bytes,
            as_gold=as_gold,
            annotator=annotator or default_annotator(),
            file_annotators=annotator is None,
            replace=replace,
            empty_is_gold=empty_is_gold,
            trim_spans=trim_spans,
            on_error=on_error,
            on_skip=on_skip,
            on_file=lambda _p: bar.update(),
            on_total=on_total,
        )
    for what, n in sorted(summary.notes.items()):
        click.echo(f"note: {n} {what}", err=True)
    if detected := summary.languages_line():
        click.echo(detected)
    click.echo(summary.line())
    if summary.failed:
        sys.exit(1)
