# Two entry points: `make report` (set up, then build the evidence report) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
OUT    ?= report-out
PY_PATHS := $(wildcard src tests benchmarks scripts)

.PHONY: setup system-deps report test lint typecheck validate pytest clean

$(BIN)/alsatlas: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $(BIN)/alsatlas

setup: $(BIN)/alsatlas

system-deps:
	bash scripts/install-system-deps

report: setup
	$(BIN)/alsatlas validate
	$(BIN)/alsatlas report --out $(OUT)

lint: setup
	$(BIN)/ruff check $(PY_PATHS)
	$(BIN)/ruff format --check $(PY_PATHS)

typecheck: setup
	$(BIN)/mypy

validate: setup
	$(BIN)/alsatlas validate

pytest: setup system-deps
	bash scripts/run-tests $(BIN)/python

test: lint typecheck validate pytest

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
