# Two commands: `make demo` and `make test`. Both create .venv/ if it is absent.
# durable-rules needs Python 3.11 or 3.12: take the first of these that exists
PYTHON ?= $(shell for p in python3.11 python3.12 python3; do command -v $$p >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test

.PHONY: demo test bench fuzz clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] < (3, 13)))' 2>/dev/null || { echo "error: remedies needs Python 3.11 or 3.12 (durable-rules does not import on 3.13); set PYTHON=..." >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TESTSTAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(STAMP)
	$(BIN)/remedies assess examples/202425093-clarion.yaml

test: $(TESTSTAMP)
	$(BIN)/python -m pytest

# 10,000 mutated facts files through `remedies assess`: no internal error (exit 3), no hang
fuzz: $(TESTSTAMP)
	REMEDIES_HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/hostile/test_fuzz.py -k facts -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info
