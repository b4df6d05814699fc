#!/usr/bin/env bash
# Makes a fresh clone runnable: the pinned pnpm, then the locked dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "[bootstrap] installing pnpm $PNPM_VERSION" >&2
  npm install -g --silent -E "pnpm@$PNPM_VERSION" >/dev/null
fi
# Takes about a second when node_modules already matches the lockfile.
pnpm install --frozen-lockfile --reporter=silent
