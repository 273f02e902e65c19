# Two commands for a fresh machine: `make run` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEPS_STAMP := $(VENV)/.deps-stamp

.PHONY: run test lint typecheck pytest venv node chromium postgres bench bench-full package clean

$(DEPS_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(DEPS_STAMP)

# The Agents Playground (local Teams emulator) and the Teams manifest schemas, pinned in package-lock.json.
NODE_STAMP := node_modules/.deps-stamp
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: $(NODE_STAMP)

# Headless Chromium for the end-to-end test: Debian's package, never a browser a test tool downloads.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser test..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

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

pytest: venv node chromium postgres
	$(BIN)/pytest

test: lint typecheck pytest

run: venv node
	$(BIN)/switchboard demo

# Every benchmark in bench/, each printing its figures beside issue 18's targets (MET/MISSED). `bench` is the
# quick mode (each module well under a minute on the 2-core reference machine); `bench-full` runs the
# issue's sizes (1,000,000 numbers, 200 tenants, ...) and takes much longer. Neither asserts anything.
BENCHES := search csv_import capacity graph_fetch sync bulk drift turns operation_wait kill_restart

bench: venv
	@for name in $(BENCHES); do echo "== bench.$$name (quick)"; $(BIN)/python -m bench.$$name --mode quick || exit 1; done

bench-full: venv
	@for name in $(BENCHES); do echo "== bench.$$name (full)"; $(BIN)/python -m bench.$$name --mode full || exit 1; done

# The Teams app package to sideload: manifest (with MicrosoftAppId filled in) and the two icons.
# It needs MicrosoftAppId and SWITCHBOARD_DEVELOPER_{NAME,WEBSITE_URL,PRIVACY_URL,TERMS_URL}; LOCAL=1 builds
# one for local sideloading only, with the development app id and placeholder pages.
package: venv node
	$(BIN)/python -m bot.app_package --out appPackage/build/switchboard.zip $(if $(LOCAL),--local)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
