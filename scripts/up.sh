#!/usr/bin/env bash
# Runs the all-in-one contact center (every service in one process on embedded defaults).
# The SIP edge's media plane (rtpengine, then Kamailio) is started first, best effort: without it
# hotline up still runs and /readyz names what is missing (sip-edge.rtpengine, sip-edge.kamailio).
# They keep running after hotline up exits: bash infra/local/kamailio.sh stop; bash infra/local/rtpengine.sh stop.
# MEDIA_PLANE=off skips them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
bash infra/local/espeak.sh install   # text-to-speech for the demo prompts
if [ "${MEDIA_PLANE:-on}" != off ]; then
  mkdir -p .local
  for svc in rtpengine kamailio; do
    bash "infra/local/$svc.sh" start >".local/$svc-start.log" 2>&1 ||
      echo "[up] $svc did not start (see .local/$svc-start.log): calls will not work" >&2
  done
fi
# The agent and supervisor web client, served by the API at /.
(cd services/agent-web && node_modules/.bin/vite build --logLevel warn)
# A larger young generation: every call allocates many short-lived objects (events, SIP messages)
# and with V8's default young generation the collector took ~8 % of the busy thread (CPU profile
# at 100 calls/s, docs/benchmarks/journey-*.md).
exec node --max-semi-space-size=64 packages/cli/bin/hotline.mjs up "$@"
