#!/usr/bin/env bash
# Serves Coproduce with its background worker; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
"$bin/coproduce" db_worker --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Coproduce is at http://127.0.0.1:8000 (Ctrl-C stops the server and the worker)"
"$bin/coproduce" runserver 127.0.0.1:8000
