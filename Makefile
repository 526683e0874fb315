# Two commands: `make run` and `make test`. Everything else they need, they set up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-dates test-sqlite test-postgres lint bench translations clean

APP_STAMP := $(VENV)/.installed-app

# `make run` installs only what the app needs; `make test` adds the test and benchmark tools. Each step says
# what it does, and pip shows what it downloads (the first run takes a minute or two).
$(APP_STAMP): requirements.txt
	@echo "• Preparing $(VENV) (Python virtual environment)…"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	@echo "• Installing the app's pinned requirements (requirements.txt)…"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -r requirements.txt
	@touch $(APP_STAMP)

$(STAMP): $(APP_STAMP) requirements-dev.txt
	@echo "• Installing the test and benchmark tools (requirements-dev.txt)…"
	$(BIN)/pip install --disable-pip-version-check --progress-bar on -r requirements-dev.txt
	@touch $(STAMP)

## Set up, migrate, load demo data on the first run, start Redis + a worker + the web server.
run: $(APP_STAMP)
	$(BIN)/python scripts/run.py

## Set up and run the whole suite: SQLite, then PostgreSQL (a throwaway cluster the tests start), then the
## date-sensitive tests again on other days (400 days ahead, the day before Tết, a month's end, 31/12, +2 years).
## SUITE_NOW=2028-12-06 make test runs all of it as if it were that day.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 --db sqlite $(PYTEST_ARGS)
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 --db postgresql -m "not browser and not db_independent" $(PYTEST_ARGS)
	$(BIN)/python scripts/test_dates.py

## Only the date-sensitive tests, on the other days (or on one: make test-dates DAYS=2027-02-05).
test-dates: $(STAMP)
	$(BIN)/python scripts/test_dates.py $(DAYS)

## Run every benchmark under bench/ and rewrite BENCHMARKS.md (about 20 minutes).
bench: $(STAMP)
	$(BIN)/python bench/run_all.py

lint: $(STAMP)
	$(BIN)/ruff check .

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--ignore-dirs=".* _* node_modules" -o coordinator/translations/messages.pot .
	$(BIN)/pybabel update -i coordinator/translations/messages.pot -d coordinator/translations --no-fuzzy-matching \
		--ignore-obsolete --omit-header
	$(BIN)/python scripts/fill_translations.py

clean:
	rm -rf $(VENV) instance test-output
