# People's Grid 人民网格 — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: vendor system-packages run test lint typecheck check migrations demo clean-data bench bench-small bench-field bench-residents backup restore

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# What the tests need from the system (Debian packages): Chromium and its Chinese locale for the
# browser tests, CJK fonts so screenshots show Chinese, redis-server for the broker tests.
# Installed when missing (apt-get as root, or sudo without a password); otherwise the run stops
# here, before any test, printing the one command to run.
SYSTEM_PACKAGES := chromium chromium-l10n fonts-noto-cjk redis-server
APT := DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Use-Pty=0

system-packages:
	@missing=""; \
	if command -v dpkg-query >/dev/null; then \
	  for p in $(SYSTEM_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	  done; \
	else \
	  test -x "$${CHROMIUM:-/usr/bin/chromium}" || missing="$$missing chromium"; \
	  command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	fi; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "Missing:$$missing. Install them with your system's package manager (see README)."; exit 1; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then sudo="env"; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo"; \
	else echo "Missing:$$missing. Run: sudo apt-get install -y$$missing"; exit 1; fi; \
	echo "Installing the system packages the tests need:$$missing"; \
	$$sudo $(APT) update >/dev/null && $$sudo $(APT) install$$missing >/dev/null \
	  || { echo "Could not install them. Run: sudo apt-get install -y$$missing"; exit 1; }

run: $(STAMP)
	$(BIN)/python -m app serve

test: $(STAMP) system-packages
	$(BIN)/python -m pytest -n auto --dist loadfile

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

# 网格通 field writes (bench/field.py): check-in, photo report, a replayed batch of 100.
bench-field: $(BENCH_STAMP)
	$(BIN)/python -m bench.field --scale $(or $(SCALE),small)

# Residents' submissions with a photo and the tracking page, against Open311 (bench/residents.py).
bench-residents: $(BENCH_STAMP)
	$(BIN)/python -m bench.residents --scale $(or $(SCALE),small)

# Refresh the vendored JavaScript (npm) by the versions in app/field/static/vendor/VERSIONS.
vendor:
	sh scripts/vendor_js.sh
