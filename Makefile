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

.PHONY: lab formgrade test build lint benchmark clean system-packages hub-tools

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

lab: $(VENV)/.installed  ## open JupyterLab on the course
	$(BIN)/cvcourse lab

formgrade: $(VENV)/.installed  ## grade written answers in nbgrader's formgrader
	$(BIN)/cvcourse formgrade

# Debian packages the tests need: bubblewrap (the grading sandbox) and Chromium (the browser
# tests drive it with Playwright; Playwright's own browser download is never used).
system-packages:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "make test needs:$$missing. Install with: sudo apt-get install -y$$missing" >&2; \
			exit 1; \
		fi; \
	fi; \
	echo "JupyterHub $$hub, configurable-http-proxy $$proxy"

# JupyterHub's proxy, for the hub the browser tests start (tests/browser/hub.py): from npm, at the
# version package.json pins (package-lock.json fixes the rest), into the git-ignored node_modules/.
PROXY := node_modules/.bin/configurable-http-proxy

$(PROXY): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "make test needs Node.js 20 or later with npm," \
		"for JupyterHub's proxy (an npm package): see https://nodejs.org" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# JupyterHub (a test extra of pyproject.toml) and its proxy, checked against their pins.
hub-tools: $(VENV)/.installed-test $(PROXY)
	@hub="$$($(BIN)/jupyterhub --version)"; proxy="$$($(PROXY) --version)"; \
	pinned_hub="$$(sed -n 's/^ *"jupyterhub==\([^"]*\)".*/\1/p' pyproject.toml)"; \
	pinned_proxy="$$(node -p "require('./package.json').dependencies['configurable-http-proxy']")"; \
	if [ "$$hub" != "$$pinned_hub" ] || [ "$$proxy" != "$$pinned_proxy" ]; then \
		echo "JupyterHub $$hub and configurable-http-proxy $$proxy are installed, but" \
			"$$pinned_hub and $$pinned_proxy are pinned: run make clean test" >&2; exit 1; \
	fi; \
	echo "JupyterHub $$hub, configurable-http-proxy $$proxy"

test: $(VENV)/.installed-test system-packages hub-tools  ## every test: units, notebooks, grading, browser, hub
	$(BIN)/python -m pytest

build: $(VENV)/.installed-test  ## regenerate exercises/ and solutions/ from course/notebooks
	$(BIN)/cvcourse build

benchmark: $(VENV)/.installed-test  ## time the notebooks and the checks
	$(BIN)/python benchmarks/notebooks.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache node_modules
