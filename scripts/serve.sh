#!/usr/bin/env bash
# Set everything up and run the service (embedded default configuration; a demo key is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
exec .venv/bin/idcard-ocr serve "$@"
