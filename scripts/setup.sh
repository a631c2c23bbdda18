#!/usr/bin/env bash
# Create .venv and install the project into it. Usage: scripts/setup.sh [runtime|dev]
# Idempotent: reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-runtime}"

python_bin="$(command -v python3.11 || command -v python3 || true)"
if [ -z "$python_bin" ] || ! "$python_bin" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  echo "idcard-ocr needs Python 3.11; installing it with apt-get" >&2
  apt-get update -qq && apt-get install -y -qq python3.11 python3.11-venv >/dev/null
  python_bin="$(command -v python3.11)"
fi
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi

# The browser test drives Debian's Chromium (never a downloaded build) and shows Chinese
# labels, so dev machines get both from apt; checked before the stamp because a machine can
# keep its .venv and lose its system packages.
if [ "$profile" = dev ] && ! dpkg -s chromium fonts-wqy-microhei >/dev/null 2>&1; then
  echo "installing Debian's chromium and a CJK font for the browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    chromium fonts-wqy-microhei >/dev/null
fi

# `[ a -nt b ]` is also true when b is missing: a first install.
if [ "$profile" = dev ] && [ scripts/mainland-sdk.txt -nt .venv-mainland/.installed ]; then
  "$python_bin" -m venv .venv-mainland
  .venv-mainland/bin/python -m pip install -q -r scripts/mainland-sdk.txt
  touch .venv-mainland/.installed
fi

stamp=".venv/.installed-$profile"
if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
  exit 0
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$profile" = dev ]; then
  .venv/bin/python -m pip install -q -e '.[dev]'
  # The blank card template and fonts for synthetic test cards. --no-deps: it would pull the
  # GUI opencv-python, which clashes with opencv-python-headless.
  .venv/bin/python -m pip install -q --no-deps idcardgenerator==0.0.2
else
  .venv/bin/python -m pip install -q -e .
fi
touch "$stamp"
