#!/usr/bin/env bash
# Vendors every chart's dependencies (helm dependency build): the library chart into each
# service chart, then the service charts into the umbrella. Run it before `helm install` from
# this folder, or before packaging. Needs helm on PATH (infra/local/helm-tools.sh env).
#
#   charts/dependencies.sh [CHARTS_DIR]   (default: this folder)
set -euo pipefail
dir="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
services=(api agent-web acd-router ivr-runner recorder reporting sip-edge)
for chart in "${services[@]}" hotline; do
  # --skip-refresh: every dependency is a local file:// chart; no repository is asked.
  helm dependency build --skip-refresh "$dir/$chart" >/dev/null
done
