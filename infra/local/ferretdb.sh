#!/usr/bin/env bash
# FerretDB 1.x (MongoDB wire protocol) on its SQLite backend, on loopback, for tests.
#
#   infra/local/ferretdb.sh install|start|stop|status|reset|uri
#
#   install  build FerretDB from its module on the Go module proxy, if it is missing
#   start    install if needed, start in the background, wait until it answers a wire-protocol
#            ping; a no-op when it is already running
#   stop     stop it (data kept)
#   status   print whether it runs; exit 0 if it does, 1 if not
#   reset    stop and delete its data
#   uri      print the MongoDB connection string
#
# Env: FERRETDB_PORT (27018), FERRETDB_VERSION (v1.24.2), FERRETDB_START_TIMEOUT (60 s),
#      FERRETDB_LOG_LEVEL (error; at warn it logs every error reply in full),
#      HOTLINE_LOCAL_DIR, HOTLINE_TOOLS_DIR, GO (path to the go binary).
# Binary: $HOTLINE_TOOLS_DIR/ferretdb-<version>/bin; data, log, pid: $HOTLINE_LOCAL_DIR/ferretdb.
# FerretDB 1.x is not MongoDB (checked with the mongodb 6.x Node driver): no transactions, no
# change streams, no Decimal128 (the connection is dropped), a duplicate key from an update is
# InternalError (code 1) not 11000 (inserts do give 11000), and an update is a read-then-write:
# concurrent updates of one document from several connections lose updates (a version-filtered
# updateOne can match twice). Unique indexes on insert are race-free.
set -euo pipefail
COMPONENT=ferretdb
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
FERRETDB_PORT="${FERRETDB_PORT:-27018}"
FERRETDB_START_TIMEOUT="${FERRETDB_START_TIMEOUT:-60}"
FERRETDB_LOG_LEVEL="${FERRETDB_LOG_LEVEL:-error}"
FERRETDB_MODULE="github.com/FerretDB/FerretDB"

ADDR="127.0.0.1:$FERRETDB_PORT"
TOOL_DIR="$HOTLINE_TOOLS_DIR/ferretdb-$FERRETDB_VERSION"
BIN_DIR="$TOOL_DIR/bin"
BIN="$BIN_DIR/ferretdb"
PING_SRC="$HERE/ferretdb/wireping.go"
PING_BIN="$BIN_DIR/wireping"
BUILD="$TOOL_DIR/.build"
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

# go_env CMD... : runs go with its module and build caches in $BUILD (isolated from ~/go, and
# deleted once the binaries are built: they are only needed to rebuild).
go_env() {
  local go
  go=$(find_go)
  env GOPATH="$BUILD/gopath" GOMODCACHE="$BUILD/gopath/pkg/mod" GOCACHE="$BUILD/cache" \
    GOFLAGS="-modcacherw -buildvcs=false" GO111MODULE=on CGO_ENABLED=0 GOWORK=off \
    "$go" "$@"
}

ping_hash() { sha256sum "$PING_SRC" | cut -d' ' -f1; }

build_ping() {
  if [ -x "$PING_BIN" ] && [ "$(cat "$PING_BIN.sha256" 2>/dev/null)" = "$(ping_hash)" ]; then return 0; fi
  mkdir -p "$BIN_DIR" "$BUILD"
  local out="$PING_BIN.tmp.$$" blog="$TOOL_DIR/build-wireping.log"
  if ! (cd "$BUILD" && go_env build -trimpath -o "$out" "$PING_SRC") >"$blog" 2>&1; then
    rm -f "$out"; cat "$blog" >&2; die "building $PING_SRC failed"
  fi
  mv -f "$out" "$PING_BIN"
  ping_hash >"$PING_BIN.sha256"
}

build_ferretdb() {
  local blog="$TOOL_DIR/build.log" t0=$SECONDS moddir src="$BUILD/src" out="$BIN.tmp.$$"
  mkdir -p "$BUILD" "$BIN_DIR"
  : >"$blog"
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (cold: about 2 min on 2 cores)"
  # Not a plain `go install ...@version`: the binary it makes panics at start-up, because the
  # module zip lacks build/version/version.txt (written by FerretDB's own release tooling). So
  # fetch the module, add that file, and build its cmd/ferretdb with the module's own go.sum.
  moddir=$(cd "$BUILD" && go_env mod download -json "$FERRETDB_MODULE@$FERRETDB_VERSION" 2>>"$blog" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') || true
  if [ -z "$moddir" ] || [ ! -d "$moddir" ]; then
    cat "$blog" >&2
    die "go mod download $FERRETDB_MODULE@$FERRETDB_VERSION failed"
  fi
  rm -rf "$src"
  cp -R "$moddir" "$src"
  chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" >"$src/build/version/version.txt"
  # SQLite comes from modernc.org/sqlite (pure Go): CGO_ENABLED=0 gives a static binary and
  # needs no C compiler. The PostgreSQL backend is left out (unused here; smaller build).
  if ! (cd "$src" && go_env build -trimpath -ldflags='-s -w' -tags=ferretdb_no_postgresql \
    -o "$out" ./cmd/ferretdb) >>"$blog" 2>&1; then
    rm -f "$out"; tail -n 40 "$blog" >&2
    die "building FerretDB $FERRETDB_VERSION failed (full log: $blog)"
  fi
  "$out" --version >>"$blog" 2>&1 || { rm -f "$out"; tail -n 20 "$blog" >&2; die "the FerretDB binary built does not run"; }
  mv -f "$out" "$BIN"
  log "built $BIN in $((SECONDS - t0)) s"
}

do_install() {
  if [ -x "$BIN" ] && [ -x "$PING_BIN" ] && [ "$(cat "$PING_BIN.sha256" 2>/dev/null)" = "$(ping_hash)" ]; then
    return 0
  fi
  mkdir -p "$TOOL_DIR"
  exec 8>"$TOOL_DIR/.lock"
  flock -w 1200 8 || die "another install holds $TOOL_DIR/.lock"
  [ -x "$BIN" ] || build_ferretdb
  build_ping
  rm -rf "$BUILD"
  exec 8>&-
}

# ours : true if the pid file names a running ferretdb process (not a recycled pid).
ours() {
  pid_alive "$PIDFILE" && [ "$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null)" = ferretdb ]
}

# our_addr_matches : the running server listens on $ADDR (not one started with another port).
our_addr_matches() { tr '\0' ' ' <"/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null | grep -qF -- "--listen-addr=$ADDR "; }

serving() { "$PING_BIN" -addr "$ADDR" -timeout 2s 2>/dev/null; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$FERRETDB_PORT") 2>/dev/null; }

serving_why() { "$PING_BIN" -addr "$ADDR" -timeout 2s 2>&1 || true; }

wait_serving() { await_serving FerretDB "$FERRETDB_START_TIMEOUT" "a ping on $ADDR"; }

lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 120 9 || die "another ferretdb.sh holds $DIR/.lock (or a FerretDB started by an older copy of this script keeps it open: kill that process by its pid)"
}

do_start() {
  do_install
  lock
  if ours; then
    our_addr_matches || die "FerretDB from $DIR already runs (pid $(cat "$PIDFILE")) on another port, not $ADDR: run stop first"
    wait_serving
    return 0
  fi
  rm -f "$PIDFILE"
  if port_busy; then
    die "port $FERRETDB_PORT on 127.0.0.1 is already taken by another process; stop it or set FERRETDB_PORT"
  fi
  mkdir -p "$DATA"
  echo "--- $(date -u +%FT%TZ) ferretdb.sh start on $ADDR" >>"$LOGFILE"
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
    </dev/null >>"$LOGFILE" 2>&1 8>&- 9>&- &
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
    if ! our_addr_matches; then
      echo "ferretdb: running (pid $(cat "$PIDFILE")) but on another port than $ADDR"
    elif [ -x "$PING_BIN" ] && serving; then
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
