# Two commands on a fresh machine:  `make lab`  and  `make test`.
# Both create .venv when it is missing and install the project into it from the lock
# (requirements/*.txt, every package pinned; `make lock` re-resolves it from pyproject.toml).

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
LEARNER_LOCK := requirements/learner.txt
TEST_LOCK := requirements/test.txt
# The other supported Pythons, tested by `make test-pythons` (the default one by `make test`).
EXTRA_PYTHONS ?= 3.12 3.13
# The tests every supported Python runs: all but grading (nbgrader, the sandbox, Dask) and
# the browser; those run on the default Python only.
PYTHONS_SELECTION := -m "not grading and not browser"
# uv resolves the lock; it is needed only by `make lock`, in a venv of its own.
UV_VERSION := 0.13.9
UV := build/uv/bin/uv
# nbgrader starts `alembic` as a subprocess, so the environment's bin/ must be on PATH.
export PATH := $(BIN):$(PATH)
# TensorFlow's start-up lines on stderr would count as failures in nbgrader and nbval.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: lab formgrade test test-pythons build lint benchmark lock clean system-packages hub-tools \
	messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The learner's environment: the course's packages, no test tools.
$(VENV)/.installed: pyproject.toml $(LEARNER_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(LEARNER_LOCK) -e .
	touch $@

# The tests use every extra: PostgreSQL is one of the gradebooks they grade into.
$(VENV)/.installed-test: pyproject.toml $(TEST_LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(TEST_LOCK) -e '.[test,postgres]'
	touch $@ $(VENV)/.installed

lab: $(VENV)/.installed  ## open JupyterLab on the course
	$(BIN)/cvcourse lab

formgrade: $(VENV)/.installed  ## grade written answers in nbgrader's formgrader
	$(BIN)/cvcourse formgrade

# Debian packages the tests need: bubblewrap (the grading sandbox), Chromium (the browser
# tests drive it with Playwright; Playwright's own browser download is never used) and
# PostgreSQL's server (the tests start their own, in a temporary folder; Debian keeps its
# binaries off PATH, under /usr/lib/postgresql/VERSION/bin). fonts-noto-cjk gives the
# Chinese edition's figures their glyphs (learntools_lite/computer_vision/fonts.py).
system-packages:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "make test needs:$$missing. Install with: sudo apt-get install -y$$missing" >&2; \
			exit 1; \
		fi; \
	fi

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

# An interpreter of Python X.Y: pythonX.Y on PATH if it runs (a pyenv shim may not), else
# the newest X.Y under pyenv's root.
PYENV_ROOT ?= $(HOME)/.pyenv
python_of = $(firstword $(foreach candidate,$(shell command -v python$(1)) \
	$(shell ls -d $(PYENV_ROOT)/versions/$(1).*/bin/python$(1) 2>/dev/null | sort -V -r),\
	$(shell $(candidate) -c 'print("$(candidate)")' 2>/dev/null)))

# One venv per extra Python, installed from the same lock as .venv.
.venv-%/.installed-test: pyproject.toml $(TEST_LOCK)
	@[ -n "$(call python_of,$*)" ] || { echo "make test-pythons needs Python $*" \
		"(python$* on PATH, or pyenv install $*)" >&2; exit 1; }
	$(call python_of,$*) -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	.venv-$*/bin/python -m pip install --quiet -r $(TEST_LOCK) -e '.[test,postgres]'
	touch $@

test-pythons: $(foreach version,$(EXTRA_PYTHONS),.venv-$(version)/.installed-test)  ## units and notebooks on the other supported Pythons
	@for version in $(EXTRA_PYTHONS); do \
		echo "== Python $$version"; \
		PATH="$(CURDIR)/.venv-$$version/bin:$$PATH" \
			.venv-$$version/bin/python -m pytest $(PYTHONS_SELECTION) || exit 1; \
	done

build: $(VENV)/.installed-test  ## regenerate exercises/ and solutions/ from course/notebooks
	$(BIN)/cvcourse build

# The message catalogs, kept with Babel. The checker's (learntools_lite/locale): every string
# marked _() or N_() (and the figure titles the notebooks write) in one template, every
# solution marked S_() in another (the learner edition leaves the solutions' catalog out).
# The notebooks' prose (course/locale): one message per Markdown cell, in notebook order.
# Each template is merged into each language's .po (where a translator writes), and the .mo
# files the checker and the build read are compiled from those.
# $(call catalog,DOMAIN,FOLDER,MAPPING FILE,EXTRACT OPTIONS)
define catalog
	$(BIN)/pybabel --quiet extract -F $(3) $(4) --no-location --omit-header -o $(2)/$(1).pot .
	$(BIN)/pybabel --quiet update -D $(1) -i $(2)/$(1).pot -d $(2) --width 100 \
		--no-fuzzy-matching --ignore-pot-creation-date --ignore-obsolete
	$(BIN)/pybabel compile --statistics -D $(1) -d $(2)
endef

messages: $(VENV)/.installed-test  ## re-extract, update and compile the message catalogs
	$(call catalog,learntools_lite,learntools_lite/locale,babel.cfg,-k _ -k N_ --sort-output)
	$(call catalog,learntools_lite_solutions,learntools_lite/locale,babel.cfg,\
		--no-default-keywords -k S_ --sort-output)
	$(call catalog,course,course/locale,course/locale/babel.cfg,)

benchmark: $(VENV)/.installed-test  ## time the notebooks and the checks
	$(BIN)/python benchmarks/notebooks.py

$(UV):
	$(PYTHON) -m venv build/uv
	build/uv/bin/python -m pip install --quiet uv==$(UV_VERSION)

# Re-resolve the lock from pyproject.toml: every pin that still fits is kept; with
# UPGRADE=1 every unpinned (indirect) dependency moves to its newest fitting version.
# One universal lock per install covers Python 3.11-3.13 and every platform, with
# environment markers where they differ; the test lock (the test and postgres extras) holds
# the learner lock's versions.
lock: $(UV)  ## re-resolve requirements/*.txt from pyproject.toml
	$(UV) pip compile pyproject.toml --universal --python-version 3.11 --quiet \
		--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o $(LEARNER_LOCK)
	$(UV) pip compile pyproject.toml --universal --python-version 3.11 --quiet \
		--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) --extra test \
		--extra postgres \
		--constraint $(LEARNER_LOCK) -o $(TEST_LOCK)

clean:
	rm -rf $(VENV) .venv-* build/uv .pytest_cache .ruff_cache node_modules
