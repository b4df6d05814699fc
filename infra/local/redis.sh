#!/usr/bin/env bash
# Redis on loopback, for tests: no persistence, no protected mode, listening on 127.0.0.1 only.
#
#   infra/local/redis.sh install|start|stop|status|reset|uri
#
#   install  apt-get install redis-server (and redis-tools) if missing (needs root)
#   start    install if needed, start in the background, wait until it answers PING;
#            a no-op when it is already running
#   stop     stop it
#   status   print whether it runs; exit 0 if it does, 1 if not
#   reset    stop and delete its data dir and log
#   uri      print the redis:// connection string
#
# Env: REDIS_PORT (16379), REDIS_START_TIMEOUT (30 s), HOTLINE_LOCAL_DIR.
# Data (empty: no RDB, no AOF), log and pid: $HOTLINE_LOCAL_DIR/redis.
set -euo pipefail
COMPONENT=redis
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

REDIS_PORT="${REDIS_PORT:-16379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"
DIR="$HOTLINE_LOCAL_DIR/redis"
DATA="$DIR/data"
PIDFILE="$DIR/redis.pid"
LOGFILE="$DIR/redis.log"

do_install() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "redis-server/redis-cli are missing and installing them needs root: apt-get install redis-server"
  # The Debian package's own service is not started in containers (policy-rc.d) and is not used:
  # this script runs its own server with its own settings.
  apt_install redis-server redis-tools
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after apt-get install"
}

# ours : true if the pid file names a running redis-server (not a recycled pid).
ours() {
  pid_alive "$PIDFILE" && [ "$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null)" = redis-server ]
}

# our_addr_matches : the running server listens on our port (redis sets its title to host:port).
our_addr_matches() { tr '\0' ' ' <"/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null | grep -qF -- "127.0.0.1:$REDIS_PORT"; }

serving() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null; }

serving_why() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>&1 || true; }

wait_serving() { await_serving redis-server "$REDIS_START_TIMEOUT" "PING on 127.0.0.1:$REDIS_PORT"; }

lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another redis.sh holds $DIR/.lock"
}

do_start() {
  do_install
  lock
  if ours; then
    our_addr_matches || die "redis from $DIR already runs (pid $(cat "$PIDFILE")) on another port, not $REDIS_PORT: run stop first"
    wait_serving
    return 0
  fi
  rm -f "$PIDFILE"
  if port_busy; then
    die "port $REDIS_PORT on 127.0.0.1 is already taken by another process; stop it or set REDIS_PORT"
  fi
  mkdir -p "$DATA"
  echo "--- $(date -u +%FT%TZ) redis.sh start on 127.0.0.1:$REDIS_PORT" >>"$LOGFILE"
  # Runs in the foreground of its own session (setsid) and we keep its pid: no daemonize race.
  # The lock fd is closed for the server, or it would hold the lock for its whole life.
  setsid redis-server \
    --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode no \
    --daemonize no --supervised no --dir "$DATA" \
    --save '' --appendonly no --logfile '' --loglevel warning \
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
      echo "redis: running (pid $(cat "$PIDFILE")) but on another port than $REDIS_PORT"
    elif command -v redis-cli >/dev/null 2>&1 && serving; then
      echo "redis: running (pid $(cat "$PIDFILE")) on 127.0.0.1:$REDIS_PORT"
    else
      echo "redis: process running (pid $(cat "$PIDFILE")) but not answering on 127.0.0.1:$REDIS_PORT"
    fi
    return 0
  fi
  echo "redis: stopped"
  return 1
}

do_reset() {
  do_stop
  rm -rf "$DATA" "$LOGFILE"
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  uri) echo "redis://127.0.0.1:$REDIS_PORT" ;;
  *) echo "usage: $0 install|start|stop|status|reset|uri" >&2; exit 2 ;;
esac
