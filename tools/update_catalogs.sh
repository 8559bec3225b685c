#!/usr/bin/env bash
# Extract the app's texts, merge them into locales/{sv,en}, fill known translations, compile.
# The .po files are the source of truth in git; tests fail if a Swedish translation is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
"$BIN/pybabel" -q extract -F babel.cfg -k _ -k ngettext:1,2 --no-location --sort-output \
  --project=Skolhub --copyright-holder=Skolhub -o locales/skolhub.pot src
"$BIN/pybabel" -q update -i locales/skolhub.pot -d locales -D skolhub --no-fuzzy-matching --ignore-obsolete
"$BIN/python" tools/fill_catalogs.py
"$BIN/pybabel" -q compile -d locales -D skolhub
