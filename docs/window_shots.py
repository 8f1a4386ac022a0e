"""The README's window screenshots: the bundled corpus, the model's suggestions, one
article's gold (from datasets/gold) plus two nested spans, label tags on, at three screen
sizes, and the events list. Run under Xvfb (1920×1080 so every size fits):

    Xvfb :74 -screen 0 1920x1080x24 &
    DISPLAY=:74 QT_QPA_PLATFORM=xcb .venv/bin/python docs/window_shots.py docs

Each size starts with fresh window settings (a first start at that size).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from adjudication_shots import settle  # docs/, beside this script
from PySide6.QtCore import QSettings

from annotator.core import commands as cmd
from annotator.core.models import Span
from annotator.gui.app import application, create_window
from annotator.gui.prefs import Preferences
from annotator.store import Store

ROOT = Path(__file__).resolve().parents[1]
WHO = "ann"
SOURCE = "035_"  # a wire-copy article with a gold record, titles and names to nest


def build(tmp: Path) -> tuple[Path, int]:
    db = tmp / "shots.db"
    exe = [sys.executable, "-m", "annotator"]
    articles = sorted(str(p) for p in (ROOT / "datasets").glob("0*.txt"))
    subprocess.run([*exe, "import", "--db", str(db), *articles], check=True)
    gold = ROOT / "datasets" / "gold" / "events_gold.jsonl"
    subprocess.run(
        [*exe, "import", "--db", str(db), "--as-gold", "--annotator", WHO, str(gold)], check=True
    )
    with Store(db) as store:
        (aid,) = store.db.execute(
            "SELECT id FROM articles WHERE source LIKE ?", ["%/" + SOURCE + "%"]
        ).fetchone()
        store.db.execute("DELETE FROM article_status WHERE article_id=? AND annotator=?",
                         [aid, WHO])  # fmt: skip
        store.db.conn.commit()
    subprocess.run([*exe, "suggest", "--db", str(db), "--limit", "80", "--lang", "en"], check=True)
    with Store(db) as store:
        text = store.get_article(aid).text
        nested = _nested(text, store.gold_spans(aid, WHO))
        if nested:
            store.apply(aid, WHO, cmd.Command("add_span", tuple(map(cmd.add_span, nested))))
    return db, aid


def _nested(text: str, gold: list[Span]) -> list[Span]:
    """Two spans around gold ones: a title phrase holding a name, a body holding a place."""
    out = []
    for phrase, label in (("Ministry of", "ORG"), ("Minister of", "ORG")):
        at = text.find(phrase)
        if at > 0:
            end = text.find(" ", text.find("Kazakhstan", at) + 1)
            if 0 < end - at < 80 and "\n" not in text[at:end]:
                span = Span(at, end - (text[end - 1] in ",."), label)
                if span not in gold and not any(g.start == span.start for g in gold):
                    out.append(span)
    return out[:2]


def shoot(db: Path, aid: int, out: Path, tmp: Path) -> None:
    app = application()
    store = Store(db)
    prefs = Preferences(path=tmp / "p.json")
    for width, height in ((1024, 700), (1366, 768), (1920, 1080)):
        settings = QSettings(str(tmp / f"w{width}.ini"), QSettings.Format.IniFormat)
        settings.setValue("window/label_tags", True)
        w = create_window(store, WHO, settings=settings, prefs=prefs, service_factory=None)
        w.resize(width, height)
        w.move(0, 0)
        w.show()
        w.set_list_visible(width > 1024)
        w.controller.open_article(aid)
        settle(app)
        w.grab().save(str(out / "screenshots" / f"window-{width}x{height}.png"))
        if width == 1366:
            w.grab().save(str(out / "screenshot.png"))
            w.controller.set_mode("events")
            settle(app)
            w.grab().save(str(out / "screenshot-events.png"))
        w.close()
    store.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        db, aid = build(tmp)
        shoot(db, aid, Path(sys.argv[1] if len(sys.argv) > 1 else "docs"), tmp)
