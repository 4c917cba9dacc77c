# numeduc — the two commands of the README: `make demo` and `make test`.
# Everything installs into .venv from uv.lock (versions tested together).

SHELL := /bin/bash
VENV := .venv
UV := $(shell command -v uv 2>/dev/null)
NUMEDUC := $(VENV)/bin/numeduc
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint install install-serve install-test chromium java pdf-tools serve clean bench

# What serving needs (make demo): the project and its runtime dependencies only. --inexact: a
# later demo does not uninstall what make test added.
$(VENV)/.installed-serve: pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then python3 -m pip install --quiet uv; fi
	uv sync --frozen --inexact
	@touch $@

# Everything the tests, the lint and the benchmarks need (Spark for the parity tests included).
$(VENV)/.installed: pyproject.toml uv.lock
	@if [ -z "$(UV)" ]; then python3 -m pip install --quiet uv; fi
	uv sync --frozen --extra dev --extra spark --extra bench
	@touch $@ $(VENV)/.installed-serve

install-serve: $(VENV)/.installed-serve

install: $(VENV)/.installed

# Debian's Chromium for the browser tests (Playwright cannot download a browser here).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installation de chromium (Debian)…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	fi

# Java for the Spark parity tests (pyspark needs a JVM).
java:
	@command -v java >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null)

# Poppler (pdftotext, pdfinfo, pdftoppm) to read the generated PDFs back in the tests, and the
# Pango libraries WeasyPrint draws text with (make demo needs those too, for the reports).
pdf-tools:
	@command -v pdftotext >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null)

install-test: install chromium java pdf-tools

demo: install-serve pdf-tools
	$(NUMEDUC) demo setup
	$(NUMEDUC) serve --host $(HOST) --port $(PORT)

test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Format, lint rules and types (configured in pyproject.toml); CI runs it before the tests.
lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
