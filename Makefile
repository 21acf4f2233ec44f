# Unknot: `make run` sets everything up and serves the site; `make test` runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
CHROMIUM ?= /usr/bin/chromium

# Development values; anything already in the environment wins.
export DEBUG ?= 1
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/unknot
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run serve test e2e lint format install assets db worker bench lock clean demo-code messages

help:
	@echo "make run    install, prepare the database, load demo content, serve on 127.0.0.1:8000"
	@echo "make test   install, lint, check migrations, run the whole test suite"
	@echo "make e2e    only the browser tests (needs Chromium)"
	@echo "make serve  the same site under gunicorn, the production way"
	@echo "make worker the background task worker (emails, reminders)"
	@echo "make lint / format / bench / lock / messages / clean"

# --- installation ------------------------------------------------------------------------------

# A Python 3.12+ found by itself: python3.13/3.12 on PATH, then pyenv's versions.
$(PY):
	@py=""; \
	for c in python3.13 python3.12 python3.14 python3 \
	         $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
	         /usr/local/bin/python3.13 /usr/bin/python3.13 /usr/bin/python3.12; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    py=$$c; break; fi; \
	done; \
	if [ -z "$$py" ]; then \
	  echo "Unknot needs Python 3.12 or newer and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13') and run make again."; \
	  exit 1; fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	$$py -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock | $(PY)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
	  { echo "$(VENV) uses Python < 3.12: remove it (make clean) and run make again."; exit 1; }
	@[ -x $(VENV)/bin/uv ] || $(VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements-dev.lock
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/build/site.css: node_modules/.installed $(wildcard static/scss/*.scss)
	npm run --silent build

locale/es/LC_MESSAGES/django.mo: locale/es/LC_MESSAGES/django.po | $(VENV)/.installed
	@$(PY) manage.py compilemessages -l es --ignore=.venv --ignore=node_modules -v 0

install: $(VENV)/.installed
assets: static/build/site.css locale/es/LC_MESSAGES/django.mo

db: install
	@$(PY) manage.py prepare_database
	@$(PY) manage.py migrate --no-input -v 0

# --- the two commands --------------------------------------------------------------------------

run: install assets
	@$(PY) manage.py setup_demo
	@echo ""
	@echo "  Site:   http://127.0.0.1:8000/"
	@echo "  Admin:  http://127.0.0.1:8000/admin/   (demo therapist: therapist / knots-demo-2026)"
	@echo "          second step: the code from 'make demo-code', or an authenticator app with"
	@echo "          the key GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
	@echo "  Emails are printed here by the task worker, which runs alongside the site."
	@echo ""
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker & \
	  $(PY) manage.py run_periodic --loop 60 & \
	  $(PY) manage.py runserver 127.0.0.1:8000

test: install assets
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	@$(PY) manage.py prepare_database
	$(PY) manage.py makemigrations --check --dry-run
	@if [ -x "$(CHROMIUM)" ]; then \
	  $(VENV)/bin/pytest; \
	else \
	  echo ""; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo "!!  BROWSER TESTS SKIPPED: no Chromium at $(CHROMIUM)."; \
	  echo "!!  Install it with: sudo apt-get install chromium   (then run make test again)"; \
	  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	  echo ""; \
	  $(VENV)/bin/pytest -m "not e2e"; \
	fi

e2e: install assets
	@[ -x "$(CHROMIUM)" ] || { echo "No Chromium at $(CHROMIUM): sudo apt-get install chromium"; exit 1; }
	@$(PY) manage.py prepare_database
	$(VENV)/bin/pytest -m e2e

# --- the rest ----------------------------------------------------------------------------------

# Production settings on this machine: plain http on 127.0.0.1, local Redis, console email.
SERVE_ENV = DEBUG=0 SECRET_KEY=$${SECRET_KEY:-local-serve-$$(hostname)-not-for-production} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SITE_URL=$${SITE_URL:-http://127.0.0.1:8000}

serve: install assets db
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input -v 0
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c python:clinic.gunicorn clinic.wsgi --bind 127.0.0.1:8000 --workers 2

demo-code: install
	@$(PY) manage.py demo_code

worker: install db
	$(PY) manage.py db_worker

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Budgets, Lighthouse, the load comparison with a bare Django project and the scale check, on
# the site as production runs it (bench/run.py says what); its own database (BENCH_DATABASE_URL,
# default unknot_bench) and its own npm packages. `make bench BENCH_LIGHTHOUSE=0` skips Lighthouse.
BENCH_LIGHTHOUSE ?= 1
bench: install assets bench/node_modules/.installed
	@[ "$(BENCH_LIGHTHOUSE)" = 0 ] || [ -x "$(CHROMIUM)" ] || \
	  { echo "No Chromium at $(CHROMIUM): sudo apt-get install chromium (or BENCH_LIGHTHOUSE=0)"; exit 1; }
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
	  { echo "Installing Debian's wrk for the load runs"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1; } || \
	  echo "No wrk: the Python load generator is used"
	CHROME_PATH=$(CHROMIUM) BENCH_LIGHTHOUSE=$(BENCH_LIGHTHOUSE) $(PY) bench/run.py

bench/node_modules/.installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	@touch $@

# Collect new strings into the Spanish catalogue (then translate them in locale/es/); the body
# map's labels live in an SVG template, hence -e svg.
messages: install
	$(PY) manage.py makemessages -l es -e html,txt,py,svg --ignore=.venv --ignore=node_modules \
	  --ignore=tests --ignore=bench --no-obsolete

lock: $(PY)
	@[ -x $(VENV)/bin/uv ] || $(VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.12 -o requirements.lock -q
	$(VENV)/bin/uv pip compile pyproject.toml --group dev --generate-hashes --universal --python-version 3.12 -o requirements-dev.lock -q

clean:
	rm -rf $(VENV) node_modules bench/node_modules static/build staticfiles .pytest_cache
