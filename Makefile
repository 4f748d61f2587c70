# Twoway: `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format bench install migrate demo worker beat clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	@echo ""
	@echo "Twoway is starting at http://$(HOST):$(PORT)/  (SQLite, Celery eager, e-mail printed here)"
	@echo "Stop it with Ctrl+C."
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# The browser journeys need Chromium: prepare_browser.py finds one or installs it, and says which in one line.
test: install
	@$(PY) tests/browser/prepare_browser.py
	@$(PY) -m pytest

# Everything but the browser journeys; the summary says how many it left out.
test-fast: install
	@$(PY) -m pytest -m "not browser"

# ruff, the dependency order between apps (import-linter: see pyproject.toml) and missing migrations.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: install
	$(PY) -m pytest tests/perf -p no:cacheprovider -s -o addopts="" -o python_files="bench_*.py"

worker: install
	$(VENV)/bin/celery -A mentoring worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A mentoring beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
