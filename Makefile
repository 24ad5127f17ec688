# Two commands set everything up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ACHIEVEMENTS ?= 600

.PHONY: security-doc press-golden run test test-sqlite test-postgres lint schema install fuzz load bench bench-quick bench-stats bench-import import-100k clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

## Serve the API with demo data on the embedded SQLite database.
run: $(VENV)/.installed
	$(BIN)/juara migrate
	$(BIN)/juara seed-demo --if-empty --achievements $(DEMO_ACHIEVEMENTS)
	$(BIN)/juara serve --host $(HOST) --port $(PORT)

## The whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.
test: $(VENV)/.installed-test
	JUARA_TEST_BACKEND=sqlite $(BIN)/pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL run ($$TEST_DATABASE_URL) =="; \
		JUARA_TEST_BACKEND=postgres $(BIN)/pytest -q; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

test-sqlite: $(VENV)/.installed-test
	JUARA_TEST_BACKEND=sqlite $(BIN)/pytest -q

test-postgres: $(VENV)/.installed-test
	JUARA_TEST_BACKEND=postgres JUARA_REQUIRE_POSTGRES=1 $(BIN)/pytest -q

## Ruff, the layering contracts of pyproject.toml ([tool.importlinter]) and mypy ([tool.mypy]).
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

## Regenerate the committed SDL.
schema: $(VENV)/.installed
	$(BIN)/python -m schema.schema > schema/schema.graphql

## Regenerate the golden press-release drafts (tests/golden/press/*.md); review the diff before committing.
press-golden: $(VENV)/.installed-test
	UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_press_render.py -k golden

## Dashboard stats: the API's `stats` against the raw GROUP BY at 10k/100k/1M rows on SQLite and
## PostgreSQL (TEST_DATABASE_URL or the local default), and the CSV export's memory.
bench-stats: $(VENV)/.installed-test
	$(BIN)/python bench/stats_bench.py

## Spreadsheet import: rows/second and peak memory for a 10 000-row XLSX (IMPORT_ROWS, DATABASE_URL to override).
IMPORT_ROWS ?= 10000
bench-import: $(VENV)/.installed-test
	/usr/bin/time -v $(BIN)/python bench/import_bench.py --rows $(IMPORT_ROWS) 2>&1 | grep -v '^{' | \
		grep -E '^(database|rows|file|import|cpu|peak|max RSS|duplicate|phases)|Maximum resident|Elapsed'

## 100 000 rows imported over HTTP as a job: `juara serve --workers 2` on a scratch SQLite file, then on a scratch
## database of the PostgreSQL server IMPORT_PG_URL; rows/s and /healthz latency while it runs. Long; not in `make test`.
IMPORT_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
IMPORT_HTTP_ROWS ?= 100000
import-100k: $(VENV)/.installed-test
	$(BIN)/python bench/import_http.py --rows $(IMPORT_HTTP_ROWS) --sqlite --postgres $(IMPORT_PG_URL)

## Every case against its baseline at 10k/100k/1M achievements on SQLite and PostgreSQL (BENCH_POSTGRES_URL,
## default the local server): bench/results.json and the tables of docs/benchmarks.md. Long: run it alone.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.report
	$(BIN)/python -m bench.report --print

## The same cases at 10 000 achievements with short runs (about two minutes): bench/results.json only.
bench-quick: $(VENV)/.installed-test
	$(BIN)/python -m bench.run --quick
	$(BIN)/python -m bench.report --print

## Mixed workload against `juara serve --workers 2`, then every acknowledged write checked in the database.
DURATION ?= 60
CONCURRENCY ?= 50
DB ?= sqlite
load: $(VENV)/.installed-test
	$(BIN)/python -m bench.load --db $(DB) --duration $(DURATION) --concurrency $(CONCURRENCY)

## The schema fuzzer with many more examples than the test suite runs.
FUZZ_EXAMPLES ?= 2000
fuzz: $(VENV)/.installed-test
	JUARA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) JUARA_TEST_BACKEND=sqlite $(BIN)/pytest -q tests/test_fuzz.py
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		JUARA_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) JUARA_TEST_BACKEND=postgres $(BIN)/pytest -q tests/test_fuzz.py; fi

## Regenerate the permission table in docs/security.md from schema/permissions.py.
security-doc: $(VENV)/.installed
	$(BIN)/python -m schema.permissions_doc

clean:
	rm -rf var/ .pytest_cache
