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
# Test reports for CI (JUnit, Cobertura) and the JSON summary the audit report reads.
REPORTS := var/reports
# Coverage of the policy by the Rego tests (OPA's coverage) may not fall below these
# percentages: set just under what was measured (2026-11-29: rules 338/343 = 98.5%,
# lines 1513/1519 = 99.6%).
MIN_RULE_COVERAGE := 98
MIN_LINE_COVERAGE := 99

.PHONY: install run test rego-test lint check imports pytest clean bench verify mutation node-deps report chromium

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(PY) -m pip install --quiet --disable-pip-version-check --ignore-requires-python $(OPA_BINDINGS)
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m privacy_pdp serve --host $(HOST) --port $(PORT) --policies policies

test: $(STAMP) imports lint rego-test check pytest

rego-test: $(STAMP)
	$(PY) -m privacy_pdp test policies --junit $(REPORTS)/rego-junit.xml --cobertura $(REPORTS)/rego-coverage.xml \
	  --summary $(REPORTS)/test-summary.json --min-rule-coverage $(MIN_RULE_COVERAGE) --min-coverage $(MIN_LINE_COVERAGE)

lint: $(STAMP)
	$(PY) -m privacy_pdp lint policies

check: $(STAMP)
	$(PY) -m privacy_pdp check policies

# The direction of imports between the packages ([tool.importlinter] in pyproject.toml).
imports: $(STAMP)
	$(VENV)/bin/lint-imports --no-logo --no-cache

pytest: $(STAMP) $(NODE_STAMP) nginx chromium
	$(PY) -m pytest --junitxml=$(REPORTS)/pytest-junit.xml

node-deps: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	command -v node > /dev/null && command -v npm > /dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm)
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) bundles/dist $(REPORTS) .pytest_cache .hypothesis

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

# An OPA bundle of policies/ (reproducible: same sources, same sha256). Sign it with
# SIGNING_KEY=path/to/private.pem (and SIGNING_ALG, KEY_ID); BUNDLE_REVISION overrides the revision.
BUNDLE ?= bundles/dist/privacy.tar.gz
SIGNING_ALG ?= RS256
KEY_ID ?= default
.PHONY: bundle
bundle: $(STAMP)
	$(PY) -m privacy_pdp bundle build policies -o $(BUNDLE) \
	  $(if $(BUNDLE_REVISION),--revision $(BUNDLE_REVISION)) \
	  $(if $(SIGNING_KEY),--signing-key $(SIGNING_KEY) --signing-alg $(SIGNING_ALG) --key-id $(KEY_ID))

# The scale-out tests start a real nginx (the Debian package); install it where missing.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
.PHONY: nginx
nginx:
	@command -v nginx > /dev/null 2>&1 || test -x /usr/sbin/nginx || \
	  { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q nginx; }

# The audit report (issue 12) of the default bundle, built first (reproducible: an unchanged
# policies/ gives the same bundle); it reads the test results `make test` leaves in $(REPORTS).
# VERIFICATION_KEY=public.pem verifies a signed bundle's signature for the report.
REPORT ?= bundles/dist/report.html
report: bundle
	$(PY) -m privacy_pdp report $(BUNDLE) -o $(REPORT) --results $(REPORTS) \
	  $(if $(VERIFICATION_KEY),--verification-key $(VERIFICATION_KEY) --signing-alg $(SIGNING_ALG))

# The report's test renders it in headless Chromium (the Debian package); install it where missing.
.PHONY: chromium
chromium:
	@command -v chromium > /dev/null 2>&1 || \
	  { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }
