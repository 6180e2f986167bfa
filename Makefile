# The whole set-up on a fresh machine with Python 3.11+ and make:
#   make run   - create .venv, install Backchain, start it on http://127.0.0.1:8000
#   make test  - create .venv, install dev tools, Chromium, PostgreSQL, Redis and the PDF tools, run lint, types and the whole test suite

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
# BlazePose "full" ships inside this wheel; later mediapipe releases carry no model.
MEDIAPIPE := mediapipe==0.10.21
PG_BINDIR = $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin)))

.PHONY: run test lint check-python chromium postgresql redis pango pdf-tools ffmpeg clean

run: $(VENV)/.installed pango
	$(BIN)/backchain serve

test: $(VENV)/.installed-dev chromium postgresql redis pdf-tools ffmpeg
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

check-python:
	@$(PYTHON) scripts/check_python.py

$(VENV)/bin/python: | check-python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps "$(MEDIAPIPE)"
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps "$(MEDIAPIPE)"
	touch $@ $(VENV)/.installed

chromium:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Debian's Chromium at $(CHROMIUM). Install it with: sudo apt-get install chromium"; \
		exit 1; \
	fi

# The storage tests start their own throwaway PostgreSQL server; they need its binaries.
postgresql:
	@if [ -x "$(PG_BINDIR)/initdb" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's postgresql for the storage tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
		echo "The storage tests need PostgreSQL's server binaries. Install them with: sudo apt-get install postgresql"; \
		exit 1; \
	fi

# The job queue and live-coach tests start their own throwaway Redis server.
redis:
	@if [ -x /usr/bin/redis-server ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's redis-server for the job queue tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	else \
		echo "The job queue tests need Redis. Install it with: sudo apt-get install redis-server"; \
		exit 1; \
	fi

# WeasyPrint draws the PDF report with pango. `run` passes at once when pango is there; without
# root it only says how to install it: the app runs without it, all but the PDF download.
pango:
	@if /sbin/ldconfig -p | grep -q libpangoft2; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's pango for the PDF report"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	else \
		echo "The PDF report needs pango. Install it with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; \
	fi

# The PDF report tests render with pango and read the PDF with poppler's pdftotext and pdftoppm.
pdf-tools:
	@if /sbin/ldconfig -p | grep -q libpangoft2 && command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's pango and poppler-utils for the PDF report tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null; \
	else \
		echo "The PDF report tests need pango and poppler-utils. Install them with: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 poppler-utils"; \
		exit 1; \
	fi

# The motion robustness tests build their clips (two people, a turned or dark video) with ffmpeg.
ffmpeg:
	@if command -v ffmpeg >/dev/null; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's ffmpeg for the motion robustness tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null; \
	else \
		echo "The motion robustness tests need ffmpeg. Install it with: sudo apt-get install ffmpeg"; \
		exit 1; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts
