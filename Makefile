# Two entry points, both from a fresh clone: `make run` (the product, embedded default) and
# `make test` (the whole suite: venv, install, a throwaway redis-server when REDIS_URL is unset).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench

$(BIN)/jorge: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/jorge

run: $(BIN)/jorge
	$(BIN)/jorge serve

# pytest in three workers (tests often wait on a timer or a process, so three beat two on two cores),
# mypy beside it; the target fails if either does.
test: $(BIN)/jorge
	$(BIN)/ruff check .
	$(BIN)/mypy agents bot handlers jorge templates knowledge & mypy=$$!; \
	$(BIN)/pytest -q -n 3 --dist worksteal; tests=$$?; wait $$mypy && exit $$tests

lint: $(BIN)/jorge
	$(BIN)/ruff check .
	$(BIN)/mypy agents bot handlers jorge templates knowledge

bench: $(BIN)/jorge
	$(BIN)/python bench/route.py
