# The two commands: `make demo` and `make test`. Everything else is set-up they do themselves.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_VERSION := 26.3

.PHONY: demo test lint bench clean venv catalogs i18n lock

# Installs exactly what locks/dev.txt pins (every package, with hashes), then the server part
# (server/pyproject.toml) editable on top. The app (src/) runs from its folder.
$(STAMP): locks/dev.txt pyproject.toml server/pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==$(PIP_VERSION)"
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r locks/dev.txt
	@$(BIN)/python -m pip uninstall --quiet --yes skolhub 2>/dev/null || true  # the pre-split single package
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e ./server
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

# The server, app and install tests in one run; the browser tests one file per process.
test: catalogs
	$(BIN)/python -m pytest tests --ignore=tests/e2e
	BIN=$(BIN) tools/run_e2e.sh

# After changing a dependency: re-pin locks/*.txt (all transitive versions, with hashes).
lock: $(STAMP)
	tools/lock.sh

lint: $(STAMP)
	$(BIN)/ruff check server src tests bench
	$(BIN)/mypy server

clean:
	rm -rf $(VENV) .demo
