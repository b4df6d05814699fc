#!/usr/bin/env bash
# Runs every test: types, lint, unit tests, and integration tests against real Kafka (KRaft),
# FerretDB (MongoDB wire protocol) and Redis, which it installs if missing and starts on loopback.
# Usage: scripts/test.sh [vitest args...]   (HOTLINE_KEEP_INFRA=1 leaves the servers running)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)
started=$(date +%s)

bash scripts/bootstrap.sh

stop_infra() {
  [ "${HOTLINE_KEEP_INFRA:-0}" = 1 ] && return 0
  bash infra/local/kafka.sh stop || true
  bash infra/local/ferretdb.sh stop || true
  bash infra/local/redis.sh stop || true
  bash infra/local/kamailio.sh stop || true
  bash infra/local/rtpengine.sh stop || true
  bash infra/local/s3.sh stop || true
}
trap stop_infra EXIT

# The servers start in parallel; each script waits until its server really answers.
echo "[test] starting Redis, FerretDB, Kafka, rtpengine, Kamailio and an S3 server (moto) on loopback" >&2
mkdir -p .local
pids=()
for svc in redis ferretdb kafka rtpengine kamailio s3; do
  bash "infra/local/$svc.sh" start > ".local/$svc-start.log" 2>&1 &
  pids+=("$!")
done
# Tools the tests use, built or installed once per machine (a cold helm or kube-apiserver build
# takes minutes: done here, outside any test timeout, beside the servers starting).
for tool in "helm-tools install" "kube-apiserver install" "schemathesis install" "espeak install" "sipp install" "chromium install"; do
  read -r name verb <<<"$tool"
  bash "infra/local/$name.sh" "$verb" > ".local/$name-install.log" 2>&1 &
  pids+=("$!")
done
failed=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed=1
done
if [ "$failed" != 0 ]; then
  tail -n 40 .local/*-start.log .local/*-install.log >&2
  echo "[test] an infrastructure server or tool failed to start or install" >&2
  exit 1
fi

echo "[test] typecheck" >&2
node_modules/.bin/tsc -p tsconfig.json
services/agent-web/node_modules/.bin/tsc -p services/agent-web/tsconfig.json
echo "[test] build the agent web client (served by the API, driven by the browser tests)" >&2
(cd services/agent-web && node_modules/.bin/vite build --logLevel warn)
echo "[test] lint" >&2
node_modules/.bin/eslint .
node_modules/.bin/prettier --check . > /dev/null || { node_modules/.bin/prettier --list-different .; echo "[test] prettier: the files above need formatting (pnpm format)" >&2; exit 1; }

export HOTLINE_TEST_KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-19092}"
export HOTLINE_TEST_MONGO_URL="mongodb://127.0.0.1:${FERRETDB_PORT:-27018}/"
export HOTLINE_TEST_REDIS_URL="redis://127.0.0.1:${REDIS_PORT:-16379}"
echo "[test] vitest (unit + integration)" >&2
set +e
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json=.local/vitest-report.json "$@"
status=$?
set -e
node scripts/summarize-tests.mjs .local/vitest-report.json || true
echo "[test] finished in $(( $(date +%s) - started )) s" >&2
exit "$status"
