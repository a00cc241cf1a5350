# Two set-up commands: `make run` and `make test`. Everything installs from this project's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run chat test lint bench eval calibrate scale load install browser-deps db-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Build the index if it is missing or stale (a no-op otherwise), then serve the web app.
run: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant serve

chat: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant chat

# The browser tests drive Debian's chromium (never a downloaded browser); CJK fonts make
# the screenshots readable.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium chromium-driver fonts-noto-cjk; \
	fi

# The store's tests also run on a real PostgreSQL server, which the tests start themselves.
db-deps:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	fi

test: $(STAMP) browser-deps db-deps
	$(BIN)/ruff check assistant tests
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check assistant tests
	$(BIN)/ruff format --check assistant tests
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/python scripts/bench.py

GOLDEN := $(addprefix -q eval/questions/,golden-zh.jsonl golden-en.jsonl traditional.jsonl \
	golden-guides-zh.jsonl golden-guides-en.jsonl golden-entries.jsonl \
	out-of-scope-zh.jsonl out-of-scope-en.jsonl out-of-scope-heldout-zh.jsonl \
	out-of-scope-heldout-en.jsonl dialogues-zh.jsonl dialogues-en.jsonl dialogues2-zh.jsonl \
	dialogues2-en.jsonl golden-short.jsonl)
# The scope classifier trains on these dev sets. dev-short (240 short generic questions, in
# and out of scope) is what its settings are chosen on. dev3 (350 answerable questions
# labelled for retrieval) is scored, not trained on: its questions are easier to place than real
# ones, and with it in the training mix the 4% false-refusal cut rose (held-out English
# false refusals 4.6% -> 8.0%). dev5 (280 answerable) and dev-oos (300 out of scope), written
# by helpers who never opened eval/, are held out too: the scope settings of 2026-11-29 (the
# oos2/in2 training sets, the 3.5% target) were chosen on them with dev3, dev4-en and dev-short.
SCOPE_DEV := $(addprefix -q eval/questions/,dev-zh.jsonl dev-en.jsonl dev2.jsonl \
	dev-guides.jsonl dev-entries.jsonl dev-dialogues.jsonl)
DEV := $(SCOPE_DEV) -q eval/questions/dev3-en.jsonl -q eval/questions/dev3-zh.jsonl \
	-q eval/questions/dev-short.jsonl -q eval/questions/dev4-en.jsonl \
	-q eval/questions/dev-dialogues3.jsonl -q eval/questions/dev-dialogues4.jsonl \
	-q eval/questions/dev5-en.jsonl -q eval/questions/dev5-zh.jsonl \
	-q eval/questions/dev-oos-en.jsonl -q eval/questions/dev-oos-zh.jsonl \
	-q eval/questions/dev-owncase.jsonl

eval: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant eval $(GOLDEN) --baseline --report eval/reports/latest.md

# The short set (eval/train/scope-train-short.jsonl, 400 short generic questions such as
# "how do I claim business subsidies") is in the mix since the classifier reads how much
# of a question its best unit holds. Decided on dev, before golden was run: 5-fold CV on
# the rest of the pool refuses as many out-of-scope questions with it (zh 0.901 -> 0.903,
# en 0.881 -> 0.883) and dev-short false refusals fall (zh 6.7% -> 1.7%, en 6.2% -> 1.3%).
# Without that feature the same set cost out-of-scope refusals (zh 0.893 -> 0.885), which
# is why it was left out before. eval/train/scope-train-more.jsonl (800 questions in the
# styles users write: long messages with background, statements, no punctuation, typos;
# in and out of scope alike, so style gives no label away) joined by the same rule,
# decided on dev: held out, the model without it refused 5.6% (zh) and 6.0% (en) of its
# answerable questions; with it, CV on the rest of the pool refuses nearly as many
# out-of-scope questions (zh 0.914 -> 0.906, en 0.901 -> 0.897) and dev-short false
# refusals fall (zh 1.7% -> 0%, en 1.3% -> 0%). The personal set (eval/train/scope-train-personal.jsonl,
# 260 private-life procedure questions) stays out: with it CV refuses fewer of the rest
# of the pool's out-of-scope questions (en 0.881 -> 0.851).
# The query adapter (knowledge_base/retrieval/query_adapter.npz, assistant/retrieve/adapter.py)
# learns from the answerable questions of the training and dev sets but dev5, which stays
# held out to measure it (out-of-scope and multi-turn lines are skipped). adapter-train-en/zh
# (779 questions, 3-4 per unit, written for it by helpers who never opened eval/questions/)
# joined by out-of-fold recall@1 on the rest: zh 0.944 -> 0.950, en 0.937 -> 0.948.
# Neither trained part learns from a question close to a golden or dev5 one (-x; see NEAR
# in assistant/trainingdata.py).
ADAPTER_TRAIN := $(addprefix -q eval/train/,scope-train-in2.jsonl adapter-train-en.jsonl \
	adapter-train-zh.jsonl) $(addprefix -q eval/questions/,dev-zh.jsonl dev-en.jsonl dev2.jsonl \
	dev-guides.jsonl dev-entries.jsonl dev3-en.jsonl dev3-zh.jsonl dev4-en.jsonl dev-short.jsonl)
HELD_OUT := $(subst -q ,-x ,$(GOLDEN)) -x eval/questions/dev5-zh.jsonl \
	-x eval/questions/dev5-en.jsonl
SCOPE_TRAIN := $(addprefix -q eval/train/,scope-train.jsonl scope-train-guides.jsonl \
	scope-train-nearmiss.jsonl scope-train-short.jsonl scope-train-more.jsonl \
	scope-train-oos2.jsonl scope-train-in2.jsonl) $(SCOPE_DEV)
# The own-case detector (assistant/answer/owncase.py: "has my permit been approved?", which
# no unit answers) learns the own-case questions of scope-train-status.jsonl against every
# answerable question of the scope training sets, the status set's answerable twins and
# owncase-negatives.jsonl (346 answerable questions told in the first person, "my company
# has a bad credit record, how do we fix it?"; without them, and reading English by
# character n-grams, it leaned on the word "my" and flagged "fix my company's bad credit
# record" in dev-short). The status set and the negatives were written by helpers who
# never opened eval/questions/. Added to the scope classifier's mix instead,
# the status set cost refusals elsewhere (held-out dev out of scope refused en 99.0% ->
# 94.5%): its questions sit where answerable ones do, on every feature the classifier reads.
# It is measured on eval/questions/dev-owncase.jsonl (120 own-case, 120 answerable
# questions by another helper), held out of its training.
OWN_CASE_TRAIN := -q eval/train/scope-train-status.jsonl -q eval/train/owncase-negatives.jsonl \
	$(SCOPE_TRAIN)
# Trains the query adapter, then the scope classifier on the evidence it makes (the
# training and dev sets; knowledge_base/scope/classifier.json), then the own-case detector
# (knowledge_base/scope/own_case.json), and prints the dev figures; the relevance threshold
# in config.py is the classifier's fallback.
calibrate: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant adapter train $(ADAPTER_TRAIN) $(HELD_OUT)
	$(BIN)/assistant scope train $(SCOPE_TRAIN) $(HELD_OUT)
	$(BIN)/assistant scope own-case $(OWN_CASE_TRAIN) $(HELD_OUT) -x eval/questions/dev-owncase.jsonl
	$(BIN)/assistant eval $(DEV)

scale: $(STAMP)
	$(BIN)/python scripts/scale_bench.py

# This checkout beside LOAD_BASELINE (the release before the hardening work), in one run.
LOAD_BASELINE ?= dcac471
load: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/python scripts/load_test.py --clients 50 --seconds 20 --baseline $(LOAD_BASELINE)

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
