# Two commands for a newcomer on a fresh Debian/Ubuntu machine:
#   make run   installs everything and opens the window on the bundled corpus
#   make test  installs everything and runs the tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Debian packages Qt needs to open a window (and, for tests, nothing else: they run offscreen)
DEB_PACKAGES := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 fontconfig libfontconfig1 \
	libdbus-1-3 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 \
	libxcb-render-util0 libxcb-image0 libxcb-randr0 libxcb-xkb1 libglib2.0-0

.PHONY: run test bench lint deps clean

run: $(STAMP)
	$(VENV)/bin/annotator

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m pytest tests/benchmarks -m benchmark -s -p no:randomly

lint: $(STAMP)
	$(VENV)/bin/ruff check annotator tests
	$(VENV)/bin/lint-imports

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages for Qt: $$missing"; \
	    (apt-get install -y -q $$missing || (apt-get update -q && apt-get install -y -q $$missing)) >/dev/null \
	      || echo "warning: could not install $$missing (the window needs them; the tests do not)"; \
	  else \
	    echo "Qt needs these Debian packages; install them with: sudo apt-get install $$missing"; \
	  fi; \
	fi

# The venv is reused while pyproject.toml is unchanged.
$(STAMP): pyproject.toml
	@$(MAKE) --no-print-directory deps
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
