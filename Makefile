# The two commands: `make run` serves the registry, `make test` runs every check CI runs.
VENV ?= .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint install

$(VENV)/.installed: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(PYTHON) manage.py create_database
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_demo
	$(PYTHON) manage.py runserver --noreload 127.0.0.1:$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: lint
	$(PYTHON) manage.py check
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest
