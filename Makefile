# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
# Extra options for the demo, e.g. make demo ARGS="--port 8766" when port 8765 is taken.
ARGS   ?=
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast bench clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,postgres]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/toolkit demo $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not doccano and not corpus and not slow"

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/export.py
	$(BIN)/python bench/doccano.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
