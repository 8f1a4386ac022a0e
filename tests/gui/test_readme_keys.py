"""The README's keyboard table lists every shortcut of the action table."""

from __future__ import annotations

from pathlib import Path

from annotator.gui.actions import ACTIONS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_keys_lists_every_action_shortcut():
    table = README.read_text(encoding="utf-8").split("## Keyboard", 1)[1].split("\n## ", 1)[0]
    missing = [
        (spec.id, key)
        for spec in ACTIONS
        for key in spec.shortcuts[:1]
        if f"`{key}`" not in table
        and not (key == "Ctrl+Shift+Return" and "Ctrl+Shift+Enter" in table)
        and not (key == "Ctrl+Return" and "`Ctrl+Enter`" in table)
    ]
    assert missing == []
