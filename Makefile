# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8181
# The OPA Go evaluator (reference engine for tests) declares a newer Python than it needs;
# it loads through ctypes on 3.11, so it is installed apart with --ignore-requires-python.
OPA_BINDINGS := opa-golib-python-bindings==0.4.4
# The npm OPA SDK for the end-to-end client test (pinned in its package-lock.json).
NODE_DIR := tests/e2e/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed

.PHONY: install run test rego-test check imports pytest clean bench verify mutation node-deps

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(PY) -m pip install --quiet --disable-pip-version-check --ignore-requires-python $(OPA_BINDINGS)
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m privacy_pdp serve --host $(HOST) --port $(PORT) --policies policies

test: $(STAMP) imports rego-test check pytest

rego-test: $(STAMP)
	$(PY) -m privacy_pdp test policies

check: $(STAMP)
	$(PY) -m privacy_pdp check policies

# The direction of imports between the packages ([tool.importlinter] in pyproject.toml).
imports: $(STAMP)
	$(VENV)/bin/lint-imports --no-logo --no-cache

pytest: $(STAMP) $(NODE_STAMP)
	$(PY) -m pytest

node-deps: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	command -v node > /dev/null && command -v npm > /dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) bundles/dist .pytest_cache .hypothesis

# Benchmarks (issue 11): in process (regopy and OPA Go, cache off and on, by stage) and over
# HTTP with wrk (installed here from Debian when missing), next to a raw ASGI floor; a table
# on stdout and bench-result.json. BENCH_ARGS passes options (e.g. --seconds 10).
bench: $(STAMP)
	@command -v wrk > /dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) \
	  || echo "wrk could not be installed: the bench falls back to its Python load generator" >&2
	$(PY) -m privacy_pdp bench --policies policies $(BENCH_ARGS)

# Exhaustive bounded check of the invariants (issue 4), and the mutation score.
verify: $(STAMP)
	$(PY) -m privacy_pdp verify --policies policies

mutation: $(STAMP)
	$(PY) -m privacy_pdp mutate --policies policies
