#!/usr/bin/env bash
# FerretDB 1.x (MongoDB wire protocol) on its SQLite backend, on loopback, for tests.
#
#   infra/local/ferretdb.sh install|start|stop|status|reset|uri
#
#   install  build FerretDB with `go install` (from the Go module proxy) if it is missing
#   start    install if needed, start in the background, wait until it answers a wire-protocol
#            ping; a no-op when it is already running
#   stop     stop it (data kept)
#   status   print whether it runs; exit 0 if it does, 1 if not
#   reset    stop and delete its data
#   uri      print the MongoDB connection string
#
# Env: FERRETDB_PORT (27018), FERRETDB_VERSION (v1.24.2), FERRETDB_START_TIMEOUT (60 s),
#      FERRETDB_LOG_LEVEL (warn), HOTLINE_LOCAL_DIR, HOTLINE_TOOLS_DIR, GO (path to go).
# Binary: $HOTLINE_TOOLS_DIR/ferretdb-<version>/bin; data, log, pid: $HOTLINE_LOCAL_DIR/ferretdb.
# Limits of FerretDB 1.x that callers must know: no multi-document transactions (startSession
# works, commands inside a transaction are refused), no change streams.
set -euo pipefail
COMPONENT=ferretdb
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
FERRETDB_PORT="${FERRETDB_PORT:-27018}"
FERRETDB_START_TIMEOUT="${FERRETDB_START_TIMEOUT:-60}"
FERRETDB_LOG_LEVEL="${FERRETDB_LOG_LEVEL:-warn}"
FERRETDB_MODULE="github.com/FerretDB/FerretDB/cmd/ferretdb"

ADDR="127.0.0.1:$FERRETDB_PORT"
TOOL_DIR="$HOTLINE_TOOLS_DIR/ferretdb-$FERRETDB_VERSION"
BIN_DIR="$TOOL_DIR/bin"
BIN="$BIN_DIR/ferretdb"
PING_SRC="$HERE/ferretdb/wireping.go"
PING_BIN="$BIN_DIR/wireping"
DIR="$HOTLINE_LOCAL_DIR/ferretdb"
DATA="$DIR/data"
PIDFILE="$DIR/ferretdb.pid"
LOGFILE="$DIR/ferretdb.log"

find_go() {
  if [ -n "${GO:-}" ]; then printf '%s\n' "$GO"; return; fi
  command -v go 2>/dev/null && return
  [ -x /usr/local/go/bin/go ] && { echo /usr/local/go/bin/go; return; }
  die "the Go toolchain is needed to build FerretDB: put go on PATH or set GO=/path/to/go"
}

# go_env CMD... : runs go with caches kept under $HOTLINE_TOOLS_DIR/go (isolated from ~/go).
go_env() {
  local go
  go=$(find_go)
  env GOPATH="$HOTLINE_TOOLS_DIR/go" \
    GOMODCACHE="$HOTLINE_TOOLS_DIR/go/pkg/mod" \
    GOCACHE="$HOTLINE_TOOLS_DIR/go/cache" \
    GOFLAGS="-modcacherw -buildvcs=false" \
    GO111MODULE=on CGO_ENABLED=0 GOWORK=off \
    "$go" "$@"
}

build_ping() {
  if [ -x "$PING_BIN" ] && [ ! "$PING_SRC" -nt "$PING_BIN" ]; then return 0; fi
  mkdir -p "$BIN_DIR"
  local out="$PING_BIN.tmp.$$" blog="$TOOL_DIR/build-wireping.log"
  if ! (cd "$HERE/ferretdb" && go_env build -trimpath -o "$out" ./wireping.go) >"$blog" 2>&1; then
    rm -f "$out"; cat "$blog" >&2; die "building $PING_SRC failed"
  fi
  mv -f "$out" "$PING_BIN"
}

do_install() {
  if [ ! -x "$BIN" ]; then
    mkdir -p "$TOOL_DIR"
    local tmpbin="$TOOL_DIR/bin.tmp.$$" blog="$TOOL_DIR/build.log" t0=$SECONDS
    rm -rf "$tmpbin"
    log "go install $FERRETDB_MODULE@$FERRETDB_VERSION (cold build takes a few minutes on 2 cores)"
    # SQLite comes from modernc.org/sqlite (pure Go): CGO_ENABLED=0 builds a static binary and
    # needs no C compiler. The PostgreSQL backend is left out (not used here, smaller build).
    if ! (cd "$TOOL_DIR" && GOBIN="$tmpbin" go_env install -trimpath -ldflags='-s -w' \
      -tags=ferretdb_no_postgresql "$FERRETDB_MODULE@$FERRETDB_VERSION") >"$blog" 2>&1; then
      rm -rf "$tmpbin"; tail -n 40 "$blog" >&2
      die "go install of FerretDB $FERRETDB_VERSION failed (full log: $blog)"
    fi
    mkdir -p "$BIN_DIR"
    mv -f "$tmpbin/ferretdb" "$BIN"
    rm -rf "$tmpbin"
    # The build cache is only useful for rebuilding this same version: drop it to save disk.
    rm -rf "$HOTLINE_TOOLS_DIR/go/cache"
    log "installed $BIN in $((SECONDS - t0)) s"
  fi
  build_ping
}

# ours : true if the pid file names a running ferretdb process (not a recycled pid).
ours() {
  pid_alive "$PIDFILE" && [ "$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null)" = ferretdb ]
}

serving() { "$PING_BIN" -addr "$ADDR" -timeout 2s 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$FERRETDB_PORT") 2>/dev/null; }

fail_start() {
  log "$1"
  if [ -f "$LOGFILE" ]; then
    log "last lines of $LOGFILE:"
    tail -n 30 "$LOGFILE" >&2
  fi
  exit 1
}

wait_serving() {
  local deadline=$((SECONDS + FERRETDB_START_TIMEOUT)) pid
  pid=$(cat "$PIDFILE")
  until serving; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; fail_start "FerretDB (pid $pid) exited during start"; }
    if [ "$SECONDS" -ge "$deadline" ]; then
      local why
      why=$("$PING_BIN" -addr "$ADDR" -timeout 2s 2>&1 || true)
      stop_pidfile "$PIDFILE" 10
      fail_start "FerretDB did not answer a ping on $ADDR within ${FERRETDB_START_TIMEOUT}s ($why); stopped it"
    fi
    sleep 0.2
  done
}

lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another ferretdb.sh holds $DIR/.lock"
}

do_start() {
  do_install
  lock
  if ours; then wait_serving; return 0; fi
  rm -f "$PIDFILE"
  if port_busy; then
    die "port $FERRETDB_PORT on 127.0.0.1 is already taken by another process; stop it or set FERRETDB_PORT"
  fi
  mkdir -p "$DATA"
  # setsid: own session, so the server survives the caller's shell and its Ctrl-C.
  setsid "$BIN" \
    --handler=sqlite \
    --sqlite-url="file:$DATA/" \
    --listen-addr="$ADDR" \
    --state-dir="$DIR" \
    --debug-addr=- \
    --telemetry=disable \
    --log-level="$FERRETDB_LOG_LEVEL" \
    --log-format=console \
    </dev/null >>"$LOGFILE" 2>&1 &
  echo $! >"$PIDFILE"
  wait_serving
}

do_stop() {
  lock
  if ours; then stop_pidfile "$PIDFILE" 20; fi
  rm -f "$PIDFILE"
}

do_status() {
  if ours; then
    if [ -x "$PING_BIN" ] && serving; then
      echo "ferretdb: running (pid $(cat "$PIDFILE")) on $ADDR, data in $DATA"
    else
      echo "ferretdb: process running (pid $(cat "$PIDFILE")) but not answering on $ADDR"
    fi
    return 0
  fi
  echo "ferretdb: stopped"
  return 1
}

do_reset() {
  do_stop
  rm -rf "$DATA" "$DIR/state.json"
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  uri) echo "mongodb://$ADDR/" ;;
  *) echo "usage: $0 install|start|stop|status|reset|uri" >&2; exit 2 ;;
esac
