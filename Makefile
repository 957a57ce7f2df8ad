# Liaison: the two commands a new user needs are `make run` and `make test`.
# Everything else (uv, the virtualenv, the dependencies) is set up on the way.

PYTHON ?= python3
VENV := .venv
# uv from PATH when present; otherwise a private copy bootstrapped from PyPI.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTEST_ARGS ?= -n auto

# Use the machine's Python 3.11; never download an interpreter behind the user's back.
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test lint bench clean-tools

install: $(UV)
	$(UV) sync --frozen --python 3.11

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check uv

run: install
	$(VENV)/bin/liaison serve

# A throw-away data directory per run, so tests never see the user's database.
test: install
	@data_dir=$$(mktemp -d) && \
	status=0 && \
	LIAISON_DATA_DIR=$$data_dir $(VENV)/bin/pytest -p no:cacheprovider $(PYTEST_ARGS) || status=$$? ; \
	rm -rf "$$data_dir" ; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi ; \
	exit $$status

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy src tests benchmarks

# The bench group adds the peers benchmarks/ingest.py compares with (pubmed-parser, biopython).
bench: $(UV)
	$(UV) sync --frozen --python 3.11 --group bench
	@set -e; for script in benchmarks/*.py; do \
		[ -e "$$script" ] || { echo "no benchmarks yet"; break; }; \
		echo "== $$script"; $(VENV)/bin/python "$$script"; \
	done

clean-tools:
	rm -rf .tools
