"""The ``annotator`` console script: a click group whose commands load lazily.

Each command lives in its own module (``annotator.cli.<name>_cmd``) as a thin wrapper over
plain functions; loading lazily keeps ``annotator --help`` fast (no spaCy, no Qt).
"""

from __future__ import annotations

import importlib

import click

from annotator import __version__

COMMANDS = {
    "import": ("annotator.cli.import_cmd", "import_cmd"),
    "stats": ("annotator.cli.stats_cmd", "stats_cmd"),
    "suggest": ("annotator.cli.suggest_cmd", "suggest_cmd"),
    "export": ("annotator.cli.export_cmd", "export_cmd"),
    "evaluate": ("annotator.cli.evaluate_cmd", "evaluate_cmd"),
    "check": ("annotator.cli.check_cmd", "check_cmd"),
    "gui": ("annotator.cli.gui_cmd", "gui_cmd"),
    "merge": ("annotator.cli.merge_cmd", "merge_cmd"),
    "split": ("annotator.cli.split_cmd", "split_cmd"),
    "assign": ("annotator.cli.assign_cmd", "assign_cmd"),
    "agree": ("annotator.cli.agree_cmd", "agree_cmd"),
    "train": ("annotator.cli.train_cmd", "train_cmd"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._load(name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as exc:
            if exc.name == module:  # command not built yet
                return None
            raise


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Turn news articles into gold NER and event training data.

    With no command, opens the annotation window on the default project.
    """
    if ctx.invoked_subcommand is None:
        gui = LazyGroup._load("gui")
        if gui is None:
            click.echo("The annotation window is not available in this build.", err=True)
            ctx.exit(1)
        ctx.invoke(gui)


def main() -> None:
    cli(prog_name="annotator")
