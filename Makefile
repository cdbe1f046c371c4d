# loipr-stats: two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REF    ?= 2025-12-31
ROWS   ?= 10000000
SAMPLE_ROWS ?= 300000
SYNTH_SCALE ?= 1.0
# test processes: the suite is mostly flows waiting on Prefect and DuckDB; two share 2 cores well
TEST_WORKERS ?= 2
# Quiet, offline Prefect settings live in flows/settings.py (the CLI and the tests apply them).
export PREFECT_HOME ?= $(CURDIR)/.prefect

.PHONY: run test bench bench-disclosure bench-edition lint install browser sample clean server serve mutate

$(BIN)/loipr: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(BIN)/loipr

# Seeded synthetic extracts where no real file exists: Migraciones movements, and the
# other institutions' registers of warehouse/samples/extracts.py (expulsions, SUNAFIL, RREE, ...).
sample: install
	@test -n "$$(ls warehouse/landing/migraciones/*.csv 2>/dev/null)" || \
	  $(BIN)/python -m warehouse.samples.movements warehouse/landing/migraciones --rows $(SAMPLE_ROWS) --seed 2022
	@test -n "$$(ls warehouse/landing/migraciones_admin/residencia_humanitaria_*.csv 2>/dev/null)" || \
	  $(BIN)/python -m warehouse.samples.extracts warehouse/landing --scale $(SYNTH_SCALE) --seed 2026

run: install sample
	$(BIN)/loipr lint
	$(BIN)/loipr run --reference-date $(REF)

lint: install
	$(BIN)/loipr lint
	$(BIN)/ruff check flows warehouse validators tests benchmarks
	$(BIN)/lint-imports

# Headless Chromium for the report test (Debian's package; Playwright drives it).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  echo "warning: chromium could not be installed; browser tests will be skipped"; }

test: install browser
	$(BIN)/lint-imports
	PREFECT_HOME=$$(mktemp -d) $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=10

BENCH_VARIANTS ?= pipeline,bare,bare_same,pandas
BENCH_REPEAT ?= 1
bench: install
	$(BIN)/python -m benchmarks.movements --rows $(ROWS) --variants $(BENCH_VARIANTS) --repeat $(BENCH_REPEAT)

# Disclosure control of the whole sample edition (after `make run`): time, share withheld per table,
# grand totals withheld, and the independent LP attacker over the published tables.
bench-disclosure: install
	$(BIN)/python -m benchmarks.disclosure

# The whole sample edition as `loipr run` does it, from an empty warehouse and again with nothing
# new to load: each stage's seconds, the command's wall and CPU seconds, peak memory.
bench-edition: install sample
	$(BIN)/python -m benchmarks.edition

# Mutation testing (issue 15): plant small bugs in the modules that decide what is published and
# count those a test catches. Slow (a benchmark-like job), never part of `make test`. Config:
# [tool.mutmut] in pyproject.toml; workspace and cache: mutants/ (git-ignored); accepted survivors:
# tests/mutation_survivors.md. Then the bugs of issue 15, planted one at a time (benchmarks/planted_bugs.py),
# each against the test named for it. MODULES limits the mutmut run: make mutate MODULES='warehouse.cube* validators.decisions*'
MODULES ?=
JOBS ?= 2
mutate: install sample
	-PREFECT_HOME=$$(mktemp -d) $(BIN)/mutmut run --max-children $(JOBS) $(MODULES)
	$(BIN)/python -m benchmarks.mutation --survivors $(subst *,,$(MODULES))
	$(BIN)/python -m benchmarks.planted_bugs

# Scheduled operation (README "Scheduled operation"): a persistent Prefect server, then the worker.
# Any PORT works: `loipr server` points the UI at the API on that port.
PORT ?= 4200
server: install
	$(BIN)/loipr server --host 127.0.0.1 --port $(PORT)

serve: install
	PREFECT_API_URL=http://127.0.0.1:$(PORT)/api $(BIN)/loipr serve

clean:
	rm -rf outputs/20* outputs/.staging-* outputs/.previous-* warehouse/loipr.duckdb .prefect mutants
