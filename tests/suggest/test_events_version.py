"""The stored version of event suggestions names the learned models' weights too: a
retrained argument (or trigger) model makes every article's event suggestions again (the
version named rules and schema only, and ``suggest`` said "Nothing to do" after a retrain:
new-user trial)."""

from __future__ import annotations

import shutil

from annotator.suggest import arg_model, trigger_model
from annotator.suggest.pipeline import with_events_version


def test_the_events_version_follows_each_learned_models_weights(tmp_path, monkeypatch):
    shipped = with_events_version("3.8.0", None)
    assert shipped == with_events_version("3.8.0", None)  # the same files: the same version
    seen = {shipped}
    for module in (arg_model, trigger_model):
        copy = tmp_path / f"{module.__name__}.json"
        shutil.copy(module.default_path(), copy)
        before = with_events_version("3.8.0", None)
        monkeypatch.setattr(module, "default_path", lambda copy=copy: copy)
        assert with_events_version("3.8.0", None) == before  # a copy: still the same
        copy.write_text(copy.read_text(encoding="utf-8").replace("0.", "0.0", 1), "utf-8")
        changed = with_events_version("3.8.0", None)
        assert changed not in seen  # retrained: another version
        seen.add(changed)
