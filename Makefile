# vidgait: the two quick-start commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: system-deps install install-test run test lint bench clean

## system-deps: Debian packages (EGL/Mesa for the phantom renderer); a no-op when present
system-deps:
	bash scripts/install-system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

## install: the package, its dependencies and a working pose model (offline route if needed)
install: system-deps $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/vidgait models fetch full

## install-test: install + test extras + Chromium for the browser tests
install-test: system-deps $(BIN)/python
	bash scripts/install-system-deps.sh scripts/apt-packages-test.txt
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/vidgait models fetch full

## run: install, then start the dashboard on the bundled sample
run: install
	$(BIN)/streamlit run app.py --server.headless true --server.port $(PORT)

## lint: ruff with the project's rule set (pyproject.toml), over the code and the tests
lint: install-test
	$(BIN)/ruff check vidgait tests app.py benchmarks scripts

## test: install, lint, then run the whole test suite
test: lint
	$(BIN)/python -m pytest

## bench: print pose-stage and analysis speed figures as JSON
bench: install
	$(BIN)/python benchmarks/bench_pose.py
	$(BIN)/python benchmarks/bench_analysis.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
