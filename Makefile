# Two commands: `make run` serves the platform with demo data; `make test` runs every test.
# `make test-pg` runs them all on PostgreSQL and Redis, the tests marked postgres included.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The local PostgreSQL and Redis that `make test-pg` uses (CI's are the same).
PG_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
PG_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test test-pg faults install migrate seed worker lint types types-baseline format messages e2e clean deploy-check deploy-files

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	@echo "Serving on http://$(HOST):$(PORT)  (admin: http://$(HOST):$(PORT)/cms-admin/)"
	@# The background worker (long imports and exports) runs beside daphne and stops with it.
	@# daphne -v 0: no access log of its own (it writes query strings); the app logs each request.
	$(PY) manage.py worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/daphne -v 0 -b $(HOST) -p $(PORT) config.asgi:application

worker: migrate
	@# db_worker for the exchange backend, all queues, plus the heartbeat /readyz reads.
	$(PY) manage.py worker

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Every test against PostgreSQL + Redis: the tests marked postgres (locks, races, select_for_update,
# search) are deselected on the embedded SQLite run and run only here.
test-pg: install
	DATABASE_URL=$(PG_DATABASE_URL) REDIS_URL=$(PG_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

# The fault rehearsal through nginx (tests/stack.py): stops and starts the machine's PostgreSQL, so it
# runs alone, after the suites (CI's last stage). Needs nginx, redis-server and root for pg_ctlcluster.
faults: install
	SHUZHI_FAULTS=1 DATABASE_URL=$(PG_DATABASE_URL) REDIS_URL=$(PG_REDIS_URL) $(PY) -m pytest $(PYTEST_ARGS)

e2e: install
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	VENV=$(VENV) .ci/mypy

# mypy against mypy-baseline.txt: fails on a new error and on a listed error that is gone.
types: install
	VENV=$(VENV) .ci/mypy

# After fixing type errors: drop them from the baseline (commit the shorter file).
types-baseline: install
	VENV=$(VENV) .ci/mypy --sync

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: install
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l en --ignore=.venv --ignore=var --ignore=media --ignore="*.min.js" --ignore="frontend/static/vendor" --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

# Production files (deploy/, docs/operations.md): regenerate nginx's upload ceilings from the
# settings, and validate the nginx site, the systemd units and `check --deploy`.
deploy-files: install
	$(PY) manage.py nginx_body_limits > deploy/nginx/body-limits.conf

deploy-check: install
	PY=$(PY) deploy/bin/deploy-check

clean:
	rm -rf var/*.sqlite3* var/static var/test-artifacts
