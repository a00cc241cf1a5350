# Two set-up commands: `make run` and `make test`. Everything installs from this project's files.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench eval calibrate scale install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Build the index if it is missing or stale (a no-op otherwise), then chat in the terminal.
run: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant chat

test: $(STAMP)
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
	out-of-scope-zh.jsonl out-of-scope-en.jsonl dialogues-zh.jsonl dialogues-en.jsonl)

eval: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant eval $(GOLDEN) --baseline --report eval/reports/latest.md

# Prints the best refusal cut per language on the dev set (copy it into config.py).
calibrate: $(STAMP)
	$(BIN)/assistant ingest
	$(BIN)/assistant eval -q eval/questions/dev-zh.jsonl -q eval/questions/dev-en.jsonl

scale: $(STAMP)
	$(BIN)/python scripts/scale_bench.py

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
