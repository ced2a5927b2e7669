# Two commands do all set-up on a fresh machine: `make run` and `make test` (see README).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint install assets browser migrate demo serve worker beat bench backup restore clean

$(BIN)/activate: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

install: $(BIN)/activate node_modules/.package-lock.json

assets: node_modules/.package-lock.json

# Debian's Chromium for the browser journeys (Playwright drives it through executablePath; no browser download),
# and LibreOffice Calc, which writes the .xlsx files the import must accept.
browser:
	@{ test -x $(CHROMIUM) && fc-list | grep -qi wenquanyi && command -v soffice >/dev/null; } || { \
	  echo "Installing Debian chromium, a CJK font and LibreOffice Calc (the import test converts with it)"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei \
	    libreoffice-calc-nogui >/dev/null) || echo "Could not install them: browser and LibreOffice tests will fail"; }

migrate: install
	$(PY) manage.py migrate --noinput

# The demo county is loaded once: `load_demo --once` only prints the logins when it is already there.
demo: migrate
	$(PY) manage.py load_demo --once

run: demo
	@echo ""
	@echo "  Open http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	@echo ""
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install browser
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(BIN)/mypy .

worker: install
	$(BIN)/celery -A revitalization worker -l info

beat: install
	$(BIN)/celery -A revitalization beat -l info

# Benchmarks on PostgreSQL against floors measured in the same run; results kept as JSON in bench/results/.
# BENCH_SIZES=60000,1000000 (default; above 60,000 a province of 60,000-household counties),
# BENCH_ONLY=refresh,sweep,rules,pages,home,screens,dashboard,import,ledger,offline (default all),
# BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/revitalization_bench, created when missing).
# BENCH_TRIALS: paired trials (floor, then the work) of the sweep and the facts refresh, median reported (default
# 3 up to a county, 1 above).
bench: install
	$(PY) bench/run.py

# Backups (README "Backups"): one .tar in BACKUP_DIR (default backups/) with the database (pg_dump snapshot or SQLite
# online backup), the media folder and a manifest. KEEP=N keeps the N newest archives.
backup: install
	$(PY) manage.py backup $(if $(KEEP),--keep $(KEEP))

# make restore FILE=backups/revitalization-….tar: into the configured database, which must be empty (a fresh one);
# FORCE=1 overwrites one that is not. Household and row counts are checked against the archive's manifest.
restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/revitalization-<time>.tar [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) node_modules staticfiles
