# The two commands: `make demo` and `make test`. Everything else is set-up they do themselves.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean venv catalogs i18n

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e ".[server]" --group dev
	@touch $(STAMP)

venv: $(STAMP)

# The app's compiled gettext catalogs (.mo, git-ignored) always built from the .po files in git.
catalogs: $(STAMP)
	$(BIN)/pybabel -q compile -d locales -D skolhub

# After changing the app's texts: extract, merge into sv/en, fill known translations, compile.
i18n: $(STAMP)
	BIN=$(BIN) tools/update_catalogs.sh

demo: catalogs
	$(BIN)/python -m server.demo_run

test: catalogs
	$(BIN)/python -m pytest tests

lint: $(STAMP)
	$(BIN)/ruff check server src tests bench
	$(BIN)/mypy server

clean:
	rm -rf $(VENV) .demo
