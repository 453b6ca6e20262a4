# The two commands: `make run` serves the registry, `make test` runs every check CI runs.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

# Debian packages the browser tests drive; a CJK font so Chinese names render.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-zenhei

.PHONY: run test lint install browser

# Production installs requirements.txt alone; a developer's machine, the quickstart and CI add
# requirements-dev.txt (tests, lint, the embedded PostgreSQL server).
$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(PYTHON) manage.py create_database
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_library
	$(PYTHON) manage.py load_demo
	$(PYTHON) manage.py runserver --noreload 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
	    || ! fc-list | grep -qi wenquanyi; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES); \
	  else \
	    echo "The browser tests need: sudo apt-get install $(BROWSER_PACKAGES)" >&2; exit 1; \
	  fi; \
	fi

# The lifecycle's tests again with the clock moved on: no test may depend on today's date.
CLOCK_DATES := 2030-01-01 2031-06-01
CLOCK_TESTS := tests/registry/test_lifecycle_api.py tests/registry/test_rules.py \
	tests/registry/test_transition_matrix.py tests/registry/test_tasks.py \
	tests/registry/test_working_days.py tests/certificates

test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: lint browser
	$(PYTHON) manage.py check
	$(PYTHON) manage.py create_database
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest
	for today in $(CLOCK_DATES); do \
	  REGISTRY_TEST_TODAY=$$today $(VENV)/bin/pytest -q $(CLOCK_TESTS) || exit 1; \
	done
