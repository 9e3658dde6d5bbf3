# Grid Command Center: install and test entry points (Debian 12, Python >= 3.11).
#
#   make run    install what the console needs (Debian libs, .venv, the package) and start it
#   make test   install what the tests need too, then ruff, lint-imports (the layers), pytest
#
# Each step is skipped when already done: system packages are checked with dpkg-query, the
# virtualenv is made once, and `pip install` runs again only when pyproject.toml is newer than
# its stamp file inside .venv.  Variables: PYTHON (interpreter for the venv), VENV, PYTEST_ARGS
# (e.g. make test PYTEST_ARGS='tests/test_postgres_server.py -x'), PYTEST_WORKERS (processes
# the suite runs in, pytest-xdist; 2 by default, as the CI machine has two cores; 0: one).

PYTHON ?= python3
VENV ?= .venv
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

VENV_PY := $(VENV)/bin/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
PIP := $(VENV_PY) -m pip --disable-pip-version-check

.PHONY: run test lint pytest system-deps system-deps-test install install-test clean-venv

run: system-deps $(STAMP_RUN)
	$(VENV_PY) run.py

test: system-deps-test $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Lint or pytest alone, without the install checks of the system packages.
lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

pytest: $(STAMP_TEST)
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

system-deps:
	@bash scripts/install-system-deps.sh run

system-deps-test:
	@bash scripts/install-system-deps.sh test

install: $(STAMP_RUN)
install-test: $(STAMP_TEST)

# The virtualenv: $(PYTHON) when it is >= 3.11, else python3.11 if there is one.
$(VENV_PY):
	@py='$(PYTHON)'; \
	if ! "$$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
	    if command -v python3.11 >/dev/null 2>&1; then py=python3.11; else \
	        echo "error: Python >= 3.11 needed; '$(PYTHON)' is not (try make PYTHON=/path/to/python3.11)" >&2; \
	        exit 1; \
	    fi; \
	fi; \
	echo "creating $(VENV) with $$(command -v $$py) ($$($$py --version 2>&1))"; \
	"$$py" -m venv --clear $(VENV) || { rm -rf $(VENV); exit 1; }

$(STAMP_RUN): pyproject.toml | $(VENV_PY)
	$(PIP) install --quiet -e .
	@touch $@

# The test extras include the runtime ones, so this stamp satisfies `make run` too.
$(STAMP_TEST): pyproject.toml | $(VENV_PY)
	$(PIP) install --quiet -e '.[test]'
	@touch $@ $(STAMP_RUN)

clean-venv:
	rm -rf $(VENV)
