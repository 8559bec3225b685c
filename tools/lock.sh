#!/usr/bin/env bash
# Pin every dependency, transitive ones included, with hashes: `make lock` after changing a
# dependency in pyproject.toml (the app), server/pyproject.toml (the server) or the dev group.
#   locks/dev.txt     everything `make test` and `make demo` install (app + web + server + dev)
#   locks/app.txt     the app alone (what a desktop or phone build carries; no server, no flet-web)
#   locks/server.txt  the server alone (what a school's server carries; no Flet)
# The two parts are resolved within dev.txt, so all three agree on every shared version.
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-.venv/bin/uv}"
common=(--generate-hashes --universal --python-version 3.11 --quiet)
"$UV" pip compile "${common[@]}" pyproject.toml server/pyproject.toml --extra web --group pyproject.toml:dev -o locks/dev.txt
"$UV" pip compile "${common[@]}" pyproject.toml -c locks/dev.txt -o locks/app.txt
"$UV" pip compile "${common[@]}" server/pyproject.toml -c locks/dev.txt -o locks/server.txt
echo "locks/: $(grep -c '^[a-z0-9]' locks/dev.txt) packages in dev.txt, $(grep -c '^[a-z0-9]' locks/app.txt) in app.txt, $(grep -c '^[a-z0-9]' locks/server.txt) in server.txt"
