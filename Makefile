# Coproduce: `make run` serves the demo, `make test` runs every test. Both set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
PYTEST_WORKERS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup run test test-only lint format bench chromium pdf-libs assets demo-data

help:
	@echo "make run    set up, load demo data and serve http://127.0.0.1:8000 with a worker"
	@echo "make test   set up (venv, npm, chromium), lint, then run the whole test suite"
	@echo "make lint   ruff and mypy"
	@echo "make bench  print response-time figures, and fair selection against sortition-algorithms"

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

setup: $(BIN)/.installed assets pdf-libs var/ocds-schema/.extracted

# The official OCDS JSON schemas, for the OCDS export's test. No wheel ships them, but these
# pinned source distributions carry them verbatim as test fixtures: the 1.1.5 release package
# schema (ocdskit) and the newest core release schema there is on PyPI, 1.1.4 (ocdsmerge).
# Checked by hash; only the two schema files are kept, in var/ (never committed).
OCDS_SCHEMA := var/ocds-schema
$(OCDS_SCHEMA)/.extracted: | $(BIN)/.installed
	rm -rf $(OCDS_SCHEMA) && mkdir -p $(OCDS_SCHEMA)/sdist
	$(BIN)/pip download --quiet --no-binary :all: --no-deps -d $(OCDS_SCHEMA)/sdist ocdskit==1.7.0 ocdsmerge==0.8.0
	cd $(OCDS_SCHEMA)/sdist && sha256sum --quiet -c - <<< $$'02a7d6182bbd7672cfd26cdbcae9726fbacdb917203d2bd5a726caa30040ff76  ocdskit-1.7.0.tar.gz\na9f6d8f1e854b79d07d378f3effaaefcc2687efd52e9edacd89b6b4a79538160  ocdsmerge-0.8.0.tar.gz'
	tar -xzOf $(OCDS_SCHEMA)/sdist/ocdskit-1.7.0.tar.gz ocdskit-1.7.0/tests/fixtures/release-package-schema.json > $(OCDS_SCHEMA)/release-package-schema.json
	tar -xzOf $(OCDS_SCHEMA)/sdist/ocdsmerge-0.8.0.tar.gz ocdsmerge-0.8.0/tests/fixtures/release-schema-1__1__4.json > $(OCDS_SCHEMA)/release-schema.json
	rm -rf $(OCDS_SCHEMA)/sdist
	touch $@

# WeasyPrint (letters, large print and easy read PDFs) draws text with Debian's pango.
pdf-libs:
	@ldconfig -p | grep -q libpangoft2-1.0 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null)

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

# sortition-algorithms (GPL) is compared against in bench/selection.py only: kept out of the
# venv and out of pyproject.toml, in its own folder that the script adds to sys.path.
var/bench-lib/.installed:
	$(BIN)/pip install --quiet --target var/bench-lib sortition-algorithms==0.12.15
	touch $@

bench: setup var/bench-lib/.installed
	$(BIN)/python bench/dashboard.py
	$(BIN)/python bench/people.py
	$(BIN)/python bench/people_import.py
	$(BIN)/python bench/payments.py
	$(BIN)/python bench/procurement.py
	$(BIN)/python bench/selection.py
	$(BIN)/python bench/theming.py
	$(BIN)/python bench/embedding.py
	$(BIN)/python bench/surveys.py
	$(BIN)/python bench/theming_pages.py
	$(BIN)/python bench/feedback.py
	$(BIN)/python bench/review.py
	$(BIN)/python bench/individual.py
	$(BIN)/python bench/participation.py
