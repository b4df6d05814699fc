#!/usr/bin/env bash
# Shared helpers for the infra/local scripts. Source it; it defines functions only.
# Every component keeps its pid file, logs and data under $HOTLINE_LOCAL_DIR/<name>.
set -euo pipefail

HOTLINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOTLINE_LOCAL_DIR="${HOTLINE_LOCAL_DIR:-$HOTLINE_ROOT/.local}"
# Tools installed by these scripts (go binaries, jars) live outside the work tree so a fresh
# clone on the same machine reuses them; override with HOTLINE_TOOLS_DIR.
HOTLINE_TOOLS_DIR="${HOTLINE_TOOLS_DIR:-$HOME/.cache/hotline-tools}"
mkdir -p "$HOTLINE_LOCAL_DIR" "$HOTLINE_TOOLS_DIR"

log() { printf '[infra:%s] %s\n' "${COMPONENT:-local}" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# apt_install PKG... : installs Debian packages that are missing, running `apt-get update` once.
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  # Several scripts start in parallel (scripts/test.sh) and dpkg takes one installer at a time:
  # queue behind a lock of our own, and let apt wait for one held by anything else.
  (
    flock -w 1800 8 || die "waited 30 minutes for another apt-get of ours"
    local stamp="$HOTLINE_TOOLS_DIR/.apt-updated" still=()
    for p in "${missing[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || still+=("$p"); done
    [ ${#still[@]} -eq 0 ] && exit 0
    if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ]; then
      log "apt-get update"
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null && touch "$stamp"
    fi
    log "apt-get install ${still[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${still[@]}" >/dev/null
  ) 8>"$HOTLINE_TOOLS_DIR/.apt.lock"
}

# pid_alive FILE : true if the pid in FILE is a running process.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# wait_tcp HOST PORT SECONDS : waits until a TCP connect succeeds.
wait_tcp() {
  local host=$1 port=$2 secs=$3 i=0
  while [ "$i" -lt $((secs * 10)) ]; do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.1; i=$((i + 1))
  done
  return 1
}

# stop_pidfile FILE SECONDS : TERM, wait, then KILL.
stop_pidfile() {
  local f=$1 secs=${2:-20} pid i=0
  pid_alive "$f" || { rm -f "$f"; return 0; }
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt $((secs * 10)) ]; do sleep 0.1; i=$((i + 1)); done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$f"
}

# fail_start MESSAGE : says why a start failed, with the tail of $LOGFILE, and exits 1.
fail_start() {
  log "$1"
  if [ -f "${LOGFILE:-}" ]; then
    log "last lines of $LOGFILE:"
    tail -n 30 "$LOGFILE" >&2
  fi
  exit 1
}

# await_serving NAME SECONDS WHAT [POLL] : waits until the caller's `serving` function succeeds.
# Fails if the process in $PIDFILE exits first, or stops it and fails after SECONDS. A caller may
# define `serving_why` to add the last probe's own answer to the message.
await_serving() {
  local name=$1 secs=$2 what=$3 poll=${4:-0.1} deadline pid why=''
  deadline=$((SECONDS + secs))
  pid=$(cat "$PIDFILE")
  until serving; do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; fail_start "$name (pid $pid) exited during start"; }
    if [ "$SECONDS" -ge "$deadline" ]; then
      declare -F serving_why >/dev/null && why=" ($(serving_why))"
      stop_pidfile "$PIDFILE" 10
      fail_start "$name did not answer $what on time (${secs}s)$why; stopped it"
    fi
    sleep "$poll"
  done
}
