# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test sysdeps lint typecheck unit bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The product as in production (DEBUG off, its own error pages, static files served, a secret key made once in
# ./var), on this machine over plain HTTP. `make run PORT=8080` chooses the port.
PORT ?= 8000
run: $(STAMP)
	GROEIMODEL_LOCAL=true $(BIN)/groeimodel serve --demo --host 127.0.0.1 --port $(PORT)

test: sysdeps lint typecheck unit

# Chromium, PostgreSQL, gettext and poppler: installed when root with apt, otherwise the command is named.
sysdeps:
	scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy src

# The whole suite on SQLite, then everything that touches the database again on a real PostgreSQL server.
unit: $(STAMP)
	$(BIN)/pytest
	scripts/with-postgres.sh $(BIN)/pytest tests/web tests/e2e

bench: $(STAMP)
	$(BIN)/python bench/score_batch.py
	$(BIN)/python bench/web_load.py
	$(BIN)/python bench/report.py

# The monitor, the benchmark lookup and the wave export at 200,000 firms on SQLite in ./var-bench (builds the
# population once; long). On PostgreSQL: scripts/with-postgres.sh .venv/bin/python bench/monitor.py
.PHONY: bench-monitor
bench-monitor: $(STAMP)
	$(BIN)/python bench/monitor.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Rebuild the web app's message catalogues (nl, en) from the sources and compile them; needs GNU gettext.
# Translate new entries in src/groeimodel/web/locale/nl/LC_MESSAGES/django.po, then run it again.
I18N_ENV := GROEIMODEL_DEBUG=true GROEIMODEL_DATA_DIR=$${TMPDIR:-/tmp}/groeimodel-i18n DJANGO_SETTINGS_MODULE=groeimodel.web.settings
.PHONY: messages
messages: $(STAMP)
	cd src/groeimodel/web && $(I18N_ENV) $(CURDIR)/$(BIN)/python -m django makemessages -l nl -l en --no-location --no-obsolete -e html,txt,py
	cd src/groeimodel/web && $(I18N_ENV) $(CURDIR)/$(BIN)/python -m django compilemessages
