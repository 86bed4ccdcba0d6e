# Two commands on a fresh machine:  `make lab`  and  `make test`.
# Both create .venv when it is missing and install the project into it.

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# nbgrader starts `alembic` as a subprocess, so the environment's bin/ must be on PATH.
export PATH := $(BIN):$(PATH)
# TensorFlow's start-up lines on stderr would count as failures in nbgrader and nbval.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: lab formgrade test build lint benchmark clean system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The tests use every extra: PostgreSQL is one of the gradebooks they grade into.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.installed

lab: $(VENV)/.installed  ## open JupyterLab on the course
	$(BIN)/cvcourse lab

formgrade: $(VENV)/.installed  ## grade written answers in nbgrader's formgrader
	$(BIN)/cvcourse formgrade

# Debian packages the tests need: bubblewrap (the grading sandbox), Chromium (the browser
# tests drive it with Playwright; Playwright's own browser download is never used) and
# PostgreSQL's server (the tests start their own, in a temporary folder; Debian keeps its
# binaries off PATH, under /usr/lib/postgresql/VERSION/bin).
system-packages:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "make test needs:$$missing. Install with: sudo apt-get install -y$$missing" >&2; \
			exit 1; \
		fi; \
	fi

test: $(VENV)/.installed-test system-packages  ## every test: units, notebooks, grading, browser
	$(BIN)/python -m pytest

build: $(VENV)/.installed-test  ## regenerate exercises/ and solutions/ from course/notebooks
	$(BIN)/cvcourse build

benchmark: $(VENV)/.installed-test  ## time the notebooks and the checks
	$(BIN)/python benchmarks/notebooks.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
