#!/usr/bin/env bash
# Runs the all-in-one contact center (every service in one process on embedded defaults).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
exec node packages/cli/bin/hotline.mjs up "$@"
