# Two commands on a fresh machine with python3 and make:
#   make verify   bootstrap .venv, install, run the verification of the paper
#   make test     bootstrap the same way, run lint and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: verify test quick lint typecheck format bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,codegen]'
	@touch $(STAMP)

verify: $(STAMP)
	$(BIN)/qcrystal verify

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy cannot follow the package-dir mapping (derivations/ and codegen/ are subpackages of
# qcrystal): link the three folders into one tree under build/ and check that.
typecheck: $(STAMP)
	@rm -rf build/typecheck && mkdir -p build/typecheck/qcrystal
	@for f in src/qcrystal/*; do ln -s ../../../$$f build/typecheck/qcrystal/; done
	@ln -s ../../../derivations build/typecheck/qcrystal/derivations
	@ln -s ../../../codegen build/typecheck/qcrystal/codegen
	$(BIN)/mypy

# One test process per core (pytest-xdist), a test file's tests in one process (its fixtures
# built once); each process verifies the paper once for its share. The committed modules are
# checked by tests/test_codegen.py (as `qcrystal codegen --check` does).
test: $(STAMP) lint typecheck
	$(BIN)/python -m pytest -n auto --dist loadscope

# The suite without the slow tests (fresh interpreters, the built wheel): for a quick look.
quick: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadscope -m "not slow"

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/bench.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .mypy_cache build
