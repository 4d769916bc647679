# Two commands for a fresh machine: `make run` (the monitor on SQLite) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install bench lock clean messages

$(BIN)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/pantau init
	$(BIN)/pantau run

test: $(BIN)/.installed
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/classify_bench.py
	$(BIN)/python bench/scrape_bench.py
	$(BIN)/python bench/pipeline_bench.py

lock: $(BIN)/.installed
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) pantau-data

# Refresh the gettext catalogs from the sources (then translate the new ids in monitor/locale/id).
messages: $(BIN)/.installed
	for domain in cli web; do \
	  $(BIN)/pybabel extract -F monitor/locale/babel-$$domain.cfg -o /tmp/pantau-$$domain.pot --no-location --no-wrap --sort-output . && \
	  for lang in id en; do \
	    $(BIN)/pybabel update -i /tmp/pantau-$$domain.pot -D $$domain -d monitor/locale -l $$lang --no-fuzzy-matching --no-wrap; \
	  done; \
	done
