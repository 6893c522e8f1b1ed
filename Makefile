# The two commands of the README's quick start, and the checks CI runs.
#   make demo   installs callqueue into .venv and opens it on a fresh demo database
#   make test   installs the test dependencies into .venv and runs the whole suite

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench install install-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test browser

# tests/browser drives Debian's Chromium headless (through chromedriver): installed here when
# missing, with apt-get (as root, else through sudo). Without apt-get the browser tests skip.
BROWSER_PACKAGES := chromium chromium-driver fonts-liberation
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if command -v apt-get >/dev/null 2>&1; then \
	    echo "installing $(BROWSER_PACKAGES) (Debian) for the browser test"; \
	    sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $(BROWSER_PACKAGES) >/dev/null; \
	  else \
	    echo "no apt-get: install Chromium and chromedriver for the browser test"; \
	  fi; \
	fi

demo: install
	$(BIN)/callqueue --demo

# -n auto: one xdist worker per core; the "serial" group's tests run one after another on
# one worker (docs/testing.md).
test: install-test
	$(BIN)/python -m pytest -q -n auto

lint: install-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python scripts/translations.py check

bench: install-test
	$(BIN)/python benchmarks/bench_import.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
