#!/usr/bin/env bash
# The browser tests, one pytest process per file: each file drives its own Chromium (and the
# stack the conftest starts), so one file's browser, event loop or stopped server never leaks
# into the next. Every file runs; the exit code is non-zero when any file failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
rm -rf tests/e2e/screenshots  # each run's pictures only; every file adds its own
failed=()
for file in tests/e2e/test_*.py; do
  "$BIN/python" -m pytest "$file" -q -p no:cacheprovider || failed+=("$file")
done
if ((${#failed[@]})); then
  echo "browser test files that failed: ${failed[*]}"
  exit 1
fi
