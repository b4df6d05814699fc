#!/usr/bin/env bash
# An S3-compatible object store on loopback for the recorder's S3 adapter tests: moto's server
# (PyPI moto[server], in a virtualenv under $HOTLINE_TOOLS_DIR, like schemathesis.sh). It speaks
# the S3 REST API with SigV4 (any access key is accepted) and keeps objects in memory.
#
#   infra/local/s3.sh install|start|stop|status|reset|url
#
#   install  create the venv and pip-install moto[server] (a no-op when present)
#   start    install if needed, start in the background, wait until it answers; a no-op when this
#            instance already runs on the same port
#   stop     stop it (its objects are gone: they live in memory)
#   status   print whether it runs; exit 0 if it does, 1 if not
#   reset    stop and delete its log and pid
#   url      print the endpoint the tests use
#
# Env: S3_PORT [19000], MOTO_VERSION [5.2.5], S3_START_TIMEOUT [30], HOTLINE_LOCAL_DIR,
# HOTLINE_TOOLS_DIR. Needs python3 with venv (apt: python3-venv).
set -euo pipefail
COMPONENT=s3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

S3_PORT="${S3_PORT:-19000}"
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
S3_START_TIMEOUT="${S3_START_TIMEOUT:-30}"
VENV="$HOTLINE_TOOLS_DIR/moto-$MOTO_VERSION"
MOTO="$VENV/bin/moto_server"
DIR="$HOTLINE_LOCAL_DIR/s3"
PIDFILE="$DIR/s3.pid"
LOGFILE="$DIR/s3.log"

do_install() {
  [ -x "$MOTO" ] && return 0
  command -v python3 >/dev/null 2>&1 || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  log "installing moto[server] $MOTO_VERSION into $VENV"
  rm -rf "$VENV.partial"
  python3 -m venv "$VENV.partial"
  "$VENV.partial/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  # Scripts of a venv name their interpreter by absolute path: built in place, renamed once
  # complete, shebangs fixed.
  find "$VENV.partial/bin" -maxdepth 1 -type f -exec sed -i "1s|$VENV.partial|$VENV|" {} +
  mv "$VENV.partial" "$VENV"
  [ -x "$MOTO" ] || die "moto_server missing after install"
}

ours() { pid_alive "$PIDFILE" && tr '\0' ' ' <"/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null | grep -q moto_server; }

our_port_matches() { tr '\0' ' ' <"/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null | grep -qF -- "-p $S3_PORT"; }

# moto answers ListBuckets without checking signatures.
serving() { curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$S3_PORT/" 2>/dev/null | grep -q '^200$'; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$S3_PORT") 2>/dev/null; }

lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another s3.sh holds $DIR/.lock"
}

do_start() {
  lock
  do_install
  if ours; then
    our_port_matches || die "moto from $DIR already runs (pid $(cat "$PIDFILE")) on another port, not $S3_PORT: run stop first"
    await_serving moto "$S3_START_TIMEOUT" "HTTP on 127.0.0.1:$S3_PORT"
    return 0
  fi
  rm -f "$PIDFILE"
  port_busy && die "port $S3_PORT on 127.0.0.1 is already taken by another process; stop it or set S3_PORT"
  echo "--- $(date -u +%FT%TZ) s3.sh start on 127.0.0.1:$S3_PORT" >>"$LOGFILE"
  setsid "$MOTO" -H 127.0.0.1 -p "$S3_PORT" </dev/null >>"$LOGFILE" 2>&1 8>&- 9>&- &
  echo $! >"$PIDFILE"
  await_serving moto "$S3_START_TIMEOUT" "HTTP on 127.0.0.1:$S3_PORT"
  log "running (pid $(cat "$PIDFILE")) on http://127.0.0.1:$S3_PORT"
}

do_stop() {
  lock
  if ours; then stop_pidfile "$PIDFILE" 20; fi
  rm -f "$PIDFILE"
}

do_status() {
  if ours; then
    if serving; then
      echo "s3: running (pid $(cat "$PIDFILE")) on http://127.0.0.1:$S3_PORT"
    else
      echo "s3: process running (pid $(cat "$PIDFILE")) but not answering on 127.0.0.1:$S3_PORT"
    fi
    return 0
  fi
  echo "s3: stopped"
  return 1
}

do_reset() {
  do_stop
  rm -f "$LOGFILE"
}

case "${1:-}" in
  install) lock; do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  url) echo "http://127.0.0.1:$S3_PORT" ;;
  *) echo "usage: $0 install|start|stop|status|reset|url" >&2; exit 2 ;;
esac
