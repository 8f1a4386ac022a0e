"""``python -m annotator``: the same as the ``annotator`` console script."""

from __future__ import annotations

from annotator.cli.main import main

if __name__ == "__main__":
    main()
