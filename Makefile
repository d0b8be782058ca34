# Torino Social Factory: the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The test suite runs twice: on SQLite, the database of `make run` (a file under var/test, the
# tests marked postgres_only deselected), and on PostgreSQL; both with the real Redis.
TEST_SQLITE_URL ?= sqlite:///$(CURDIR)/var/test/tsf.sqlite3
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/tsf)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)

.PHONY: run test install install-test messages makemessages lint check browser-deps pdf-deps saml-deps clean security spid-test

$(VENV)/bin/activate:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found): set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/bin/activate | pdf-deps saml-deps
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

messages: install
	DEBUG=1 $(PY) manage.py compile_translations

# For developers: extract the strings to translate (needs GNU gettext).
makemessages: install
	DEBUG=1 $(PY) manage.py makemessages -l en -l it --ignore=.venv --ignore=var --no-obsolete
	DEBUG=1 $(PY) manage.py makemessages -d djangojs -l en -l it --ignore=.venv --ignore=var --no-obsolete

# The portal with demo data at http://127.0.0.1:8000. SQLite and eager tasks by default, with the
# periodic jobs (reminders, e-mail re-sends) run every minute beside the server; with
# DATABASE_URL / REDIS_URL set it uses PostgreSQL and Redis and runs a worker and beat beside it.
# Links in e-mails, feeds and social cards point to the address served (SITE_URL unless set).
run: pdf-deps saml-deps messages
	@export DEBUG=1; \
	export SITE_URL=$${SITE_URL:-http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)}; \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py seed_demo && \
	if [ -n "$$REDIS_URL" ]; then \
	  mkdir -p var; \
	  $(VENV)/bin/celery -A tsf worker -Q default,mail -l info --concurrency 2 > var/worker.log 2>&1 & WORKER=$$!; \
	  $(VENV)/bin/celery -A tsf beat -l info -s var/celerybeat-schedule > var/beat.log 2>&1 & BEAT=$$!; \
	  trap 'kill $$WORKER $$BEAT 2>/dev/null' EXIT INT TERM; \
	  echo "Celery worker and beat running (logs in var/worker.log, var/beat.log)"; \
	else \
	  mkdir -p var; \
	  $(PY) manage.py run_periodic --every 60 > var/periodic.log 2>&1 & PERIODIC=$$!; \
	  trap 'kill $$PERIODIC 2>/dev/null' EXIT INT TERM; \
	  echo "No Redis, so no Celery beat: reminders and e-mail re-sends run every minute (log in var/periodic.log)"; \
	fi; \
	echo "Serving the portal at http://$(HOST):$(PORT)  (e-mails are written to var/mail/)"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# WeasyPrint (the PDF documents, tsf/core/pdf.py) lays text out with Pango: Debian's libraries.
pdf-deps:
	@if ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1; then \
	  echo "Installing Debian's Pango for WeasyPrint (the PDF documents)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

# SPID/CIE (tsf.spid): pysaml2 signs and checks SAML messages with Debian's xmlsec1.
saml-deps:
	@if ! command -v xmlsec1 >/dev/null 2>&1; then \
	  echo "Installing Debian's xmlsec1 for SPID/CIE (SAML signatures)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq xmlsec1 >/dev/null; \
	fi

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's Chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# Every test on SQLite (TEST_SQLITE_URL; the postgres_only tests are deselected there) and every test
# on PostgreSQL (TEST_DATABASE_URL; the one_database layout tests are deselected there), the two runs
# side by side (one per core), each with its own Redis database and media folders, their lines
# prefixed [sqlite] and [postgres]. TEST_PARALLEL=0 runs them one after the other. PYTEST_ARGS goes to
# both. Both runs go to the end; the target fails when either failed.
TEST_PG_REDIS_URL ?= $(patsubst %/15,%/14,$(TEST_REDIS_URL))
TEST_PARALLEL ?= 1
test: install-test pdf-deps saml-deps browser-deps messages
	@mkdir -p var/test; \
	run() { label=$$1; db=$$2; redis=$$3; \
	  echo "== The tests on $$label ($$db, Redis $$redis)"; \
	  DATABASE_URL=$$db REDIS_URL=$$redis DJANGO_ALLOW_ASYNC_UNSAFE=true \
	    TEST_MEDIA_ROOT=$(CURDIR)/var/test/$$label/media TEST_PRIVATE_MEDIA_ROOT=$(CURDIR)/var/test/$$label/private \
	    TEST_STATIC_ROOT=$(CURDIR)/var/test/$$label/static \
	    $(PY) -m pytest -p no:cacheprovider --durations=10 $(PYTEST_ARGS) 2>&1 | sed -u "s/^/[$$label] /"; \
	  return $${PIPESTATUS[0]}; }; \
	start=$$(date +%s); \
	if [ "$(TEST_PARALLEL)" = 1 ]; then \
	  run sqlite $(TEST_SQLITE_URL) $(TEST_REDIS_URL) & sqlite=$$!; \
	  run postgres $(TEST_DATABASE_URL) $(TEST_PG_REDIS_URL) & postgres=$$!; \
	  wait $$sqlite; s=$$?; wait $$postgres; p=$$?; \
	else \
	  run sqlite $(TEST_SQLITE_URL) $(TEST_REDIS_URL); s=$$?; \
	  run postgres $(TEST_DATABASE_URL) $(TEST_PG_REDIS_URL); p=$$?; \
	fi; \
	echo "== SQLite: $$( [ $$s = 0 ] && echo passed || echo FAILED ); PostgreSQL: $$( [ $$p = 0 ] && echo passed || echo FAILED ) ($$(( ($$(date +%s) - start) / 60 )) min)"; \
	[ $$s = 0 ] && [ $$p = 0 ]

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

check: lint test

clean:
	rm -rf var/static var/test-private var/test-media var/test .pytest_cache

# The benchmark (README, "Performance"): seeds PostgreSQL databases at scale (created if missing),
# serves the portal with gunicorn and prints the table; JSON in var/bench/latest.json.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tsf_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/4
.PHONY: bench
bench: install messages
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) BENCH_REDIS_URL=$(BENCH_REDIS_URL) $(PY) -m tsf.bench $(BENCH_ARGS)

# The security check (README, "Security check"): the demo on a free local port (SECURITY_PORT, a port
# or LOW-HIGH, to pick it), scanned by wapiti anonymously and as each role, one after the other;
# reports in var/security/. Wapiti (pyproject's `security` extra) gets its own environment: its pins
# do not fit Django's. SECURITY_ARGS goes to `python -m tsf.security` (--roles, --scan-seconds, ...).
SECURITY_VENV := var/security/venv
$(SECURITY_VENV)/.installed: pyproject.toml
	@mkdir -p var/security
	$(PYTHON) -m venv $(SECURITY_VENV)
	$(SECURITY_VENV)/bin/pip install --quiet --upgrade pip
	$(SECURITY_VENV)/bin/pip install --quiet $$($(PYTHON) -c 'import shlex, tomllib; print(" ".join(shlex.quote(r) for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["security"]))')
	@touch $@

security: install messages $(SECURITY_VENV)/.installed
	nice -n 10 $(PY) -m tsf.security --wapiti $(SECURITY_VENV)/bin/wapiti $(if $(SECURITY_PORT),--port $(SECURITY_PORT)) $(SECURITY_ARGS)

# Lighthouse on the demo (README, "Light pages"): the home page, a post, a project page and the call page
# on a phone's first visit, served as in production (gunicorn, DEBUG off, compressed static files); fails
# when a page transfers 400 KB or more, or scores under 90 (performance) or 100 (accessibility, best
# practices). Lighthouse is the npm package (12.2.3, the last for the machine's Node 20), installed under
# var/lighthouse, driving Debian's Chromium. Reports in var/lighthouse/. Not part of `make test` (minutes).
LIGHTHOUSE_VERSION := 12.2.3
var/lighthouse/node_modules/.bin/lighthouse:
	@command -v npm >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	@mkdir -p var/lighthouse
	npm install --prefix var/lighthouse --save-exact --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)

.PHONY: lighthouse
lighthouse: install messages browser-deps var/lighthouse/node_modules/.bin/lighthouse
	CHROME_PATH=/usr/bin/chromium $(PY) -m tsf.lighthouse $(LIGHTHOUSE_ARGS)

# AgID's conformance tool for SPID/CIE service providers (README, "SPID and CIE"): spid-sp-test, in its
# own environment (pyproject's `spid-test` extra), run against the portal's metadata, AuthnRequest and
# ACS with the profiles spid-sp-public and cie-sp-public (python -m tsf.spid.conformance --help).
SPID_VENV := var/spid/venv
$(SPID_VENV)/.installed: pyproject.toml
	@mkdir -p var/spid
	$(PYTHON) -m venv $(SPID_VENV)
	$(SPID_VENV)/bin/pip install --quiet --upgrade pip
	$(SPID_VENV)/bin/pip install --quiet $$($(PYTHON) -c 'import shlex, tomllib; print(" ".join(shlex.quote(r) for r in tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["spid-test"]))')
	@touch $@

spid-test: install saml-deps messages $(SPID_VENV)/.installed
	$(PY) -m tsf.spid.conformance --tool $(SPID_VENV)/bin/spid_sp_test $(SPID_TEST_ARGS)
