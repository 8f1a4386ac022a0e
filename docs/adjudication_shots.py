"""The README's adjudication screenshots: two annotators' versions of a bundled article.

ann1's gold is datasets/gold/events_gold.jsonl as it is; ann2's is a modified copy (some
labels changed, spans missed or widened by a word, an event left out). Run under Xvfb:

    Xvfb :73 -screen 0 1366x768x24 &
    DISPLAY=:73 QT_QPA_PLATFORM=xcb .venv/bin/python docs/adjudication_shots.py docs
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest

from annotator.gui.app import application, create_window
from annotator.gui.prefs import Preferences
from annotator.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "datasets" / "gold" / "events_gold.jsonl"
OTHER = {"GPE": "LOC", "ORG": "NORP", "PERSON": "ORG", "DATE": "CARDINAL", "MONEY": "CARDINAL",
         "LOC": "GPE", "NORP": "ORG", "PERCENT": "CARDINAL"}  # fmt: skip


def second_annotator(src: Path, out: Path, seed: int = 11) -> None:
    rng = random.Random(seed)
    with src.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as g:
        for line in f:
            r = json.loads(line)
            used = {(a["start"], a["end"]) for e in r.get("events", []) for a in e["arguments"]}
            spans = []
            for s in r["spans"]:
                x, free = rng.random(), (s["start"], s["end"]) not in used
                if x < 0.08 and free:
                    continue  # missed
                if x < 0.18:
                    s = dict(s, label=OTHER.get(s["label"], s["label"]))
                elif x < 0.24 and free:
                    s = dict(s, end=_word_more(r["text"], s["end"]))
                spans.append(s)
            r["spans"] = spans
            events = r.get("events", [])
            r["events"] = [e for i, e in enumerate(events) if i != 1 or len(events) <= 2]
            g.write(json.dumps(r, ensure_ascii=False) + "\n")


def _word_more(text: str, end: int) -> int:
    while end < len(text) and text[end] not in " \n,.":
        end += 1
    nxt = text.find(" ", end + 1)
    return nxt if 0 < nxt - end < 14 and "\n" not in text[end:nxt] else end


def build(tmp: Path) -> Path:
    db = tmp / "team.db"
    second_annotator(GOLD, tmp / "ann2.jsonl")
    exe = [sys.executable, "-m", "annotator", "import", "--as-gold", "--db", str(db)]
    subprocess.run([*exe, "--annotator", "ann1", str(GOLD)], check=True)
    subprocess.run([*exe, "--annotator", "ann2", str(tmp / "ann2.jsonl")], check=True)
    return db


def shoot(db: Path, out: Path, tmp: Path) -> None:
    app = application()
    store = Store(db)
    settings = QSettings(str(tmp / "w.ini"), QSettings.Format.IniFormat)
    prefs = Preferences(path=tmp / "p.json")
    # no suggestion worker: the pictures show the two versions, not a model's guesses
    w = create_window(store, "ann1", settings=settings, prefs=prefs, service_factory=None)
    w.resize(1366, 768)
    w.move(0, 0)
    w.show()
    w.controller.open_article(1)
    w.set_list_visible(False)
    settle(app)
    a = w.enter_adjudication()
    a.next_disagreement(1)
    a.next_disagreement(1)
    settle(app)
    w.grab().save(str(out / "adjudication.png"))
    a.take(2)  # ann2's version of this disagreement, then ann1's of the next
    a.next_disagreement(1)
    a.take(1)
    settle(app)
    w.grab().save(str(out / "adjudication-taken.png"))
    w.close()
    store.close()


def settle(app: object, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()
        QTest.qWait(20)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        shoot(build(tmp), Path(sys.argv[1] if len(sys.argv) > 1 else "docs"), tmp)
