# People's Grid 人民网格 — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check migrations demo clean-data bench bench-small backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m app serve

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy app admin tables

check: lint typecheck test

migrations: $(STAMP)
	$(BIN)/piccolo migrations new grid --auto

demo: $(STAMP)
	$(BIN)/python -m app demo

clean-data:
	rm -rf .data

# Backups (app/system/backup.py): pg_dump (custom format) of DATABASE_URL or the embedded
# server plus DATA_DIR/media, into backups/<UTC timestamp>/. Restore into a NEW database:
#   make restore DATABASE=grid_restored [BACKUP=backups/20261123T153000Z]   (default: newest)
BACKUP_DIR ?= backups
BACKUP ?= latest
backup: $(STAMP)
	$(BIN)/python -m app.system.backup backup --into $(BACKUP_DIR)

restore: $(STAMP)
	@test -n "$(DATABASE)" || { echo "usage: make restore DATABASE=<new database name> [BACKUP=<folder>]"; exit 2; }
	$(BIN)/python -m app.system.backup restore $(BACKUP) --database $(DATABASE) --into $(BACKUP_DIR)

# City-scale benchmark (bench/, issue 7): a database grid_bench_<scale> on BENCH_SERVER_URL
# (else TEST_DATABASE_URL, else an embedded server), loaded once per scale and then reused.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null 2>&1 || echo "no wrk: the Python load client is used"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench --scale full

bench-small: $(BENCH_STAMP)
	$(BIN)/python -m bench --scale small
