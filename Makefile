# Coproduce: `make run` serves the demo, `make test` runs every test. Both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PYTEST_WORKERS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup run test test-only lint format bench chromium assets demo-data

help:
	@echo "make run    set up, load demo data and serve http://127.0.0.1:8000 with a worker"
	@echo "make test   set up (venv, npm, chromium), lint, then run the whole test suite"
	@echo "make lint   ruff and mypy"
	@echo "make bench  print response-time figures for the dashboard and public list"

$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

coproduce/core/static/vendor/.built: node_modules/.installed assets/build.mjs assets/app.scss assets/app.js
	node assets/build.mjs
	touch $@

assets: coproduce/core/static/vendor/.built

setup: $(BIN)/.installed assets

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

run: setup
	DEBUG=true $(BIN)/coproduce migrate --no-input
	DEBUG=true $(BIN)/coproduce load_demo
	DEBUG=true scripts/serve.sh

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy coproduce bench tests conftest.py

format: $(BIN)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: setup chromium lint test-only

test-only: setup
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

bench: setup
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/people.py
	$(BIN)/python bench/people_import.py
