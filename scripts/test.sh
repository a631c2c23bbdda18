#!/usr/bin/env bash
# Set everything up and run the checks: lint, types, then the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check src tests tools bench
.venv/bin/ruff format --check src tests tools bench
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
