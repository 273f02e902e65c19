# Two commands for a fresh machine: `make run` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.deps-stamp

.PHONY: run test lint typecheck pytest venv postgres bench clean

$(DEPS_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(DEPS_STAMP)

# The storage tests need the local PostgreSQL; start it when it stopped (CI fails if it stays down).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
	  (command -v pg_ctlcluster >/dev/null && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start) || \
	  echo "PostgreSQL is not reachable on 127.0.0.1:5432; its tests will be skipped (CI fails instead)."

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

pytest: venv postgres
	$(BIN)/pytest

test: lint typecheck pytest

run: venv
	$(BIN)/switchboard demo

bench: venv
	$(BIN)/python bench/search.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
