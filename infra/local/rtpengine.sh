#!/usr/bin/env bash
# rtpengine (Debian package, userspace forwarding: --table=-1) on loopback: the media anchor of
# every call. sip-edge drives it over the ng protocol; Kamailio uses it only for its "bare"
# benchmark route.
#
#   infra/local/rtpengine.sh install|start|stop|status|reset|ng
#
#   install  apt-get install rtpengine-daemon (and sox/espeak-ng for prompts) if missing (root)
#   start    install if needed, start in the background, wait until the ng protocol answers a
#            ping; a no-op when this instance already runs with the same settings
#   stop     stop it
#   status   print whether it runs; exit 0 if it does, 1 if not
#   reset    stop and delete its recordings, log and pid
#   ng       print the ng address (udp:host:port) sip-edge should use
#
# Env (defaults in brackets):
#   RTPENGINE_INSTANCE       [] a name for a second instance: state goes to .local/rtpengine-<name>
#   RTPENGINE_HOST           [127.0.0.1] control and media address
#   RTPENGINE_NG_PORT        [22620] ng over UDP
#   RTPENGINE_HTTP_PORT      [22622] HTTP: /ping, /metrics, POST /ng
#   RTPENGINE_CLI_PORT       [22623] rtpengine-ctl
#   RTPENGINE_PORT_MIN/MAX   [40000/44999] media ports (2 per stream: RTP + RTCP)
#   RTPENGINE_MAX_SESSIONS   [2000] admission control: offers beyond this get an error
#   RTPENGINE_TIMEOUT        [60] s without RTP before a call is torn down
#   RTPENGINE_SILENT_TIMEOUT [3600] the same for calls on hold (sendonly/inactive)
#   RTPENGINE_OFFER_TIMEOUT  [30] s a half-open session (offer, no answer) lives; the default is
#                            an hour, which leaks sessions when a proxy fails mid-setup
#   RTPENGINE_FINAL_TIMEOUT  [14400] s hard cap on any call
#   RTPENGINE_DTMF_LOG_DEST  [127.0.0.1:5470] one JSON datagram per RFC 4733 digit (sip-edge)
#   RTPENGINE_THREADS        [2] ng + media threads
#   RTPENGINE_LOG_LEVEL      [5] syslog levels (6 = info, 7 = debug)
#   RTPENGINE_RECORDING_DIR  [<state dir>/recordings] pcap recordings (the proc method needs the
#                            kernel module and fails silently in userspace)
#   RTPENGINE_START_TIMEOUT  [20] s
#   HOTLINE_LOCAL_DIR
set -euo pipefail
COMPONENT=rtpengine
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

RTPENGINE_INSTANCE="${RTPENGINE_INSTANCE:-}"
RTPENGINE_HOST="${RTPENGINE_HOST:-127.0.0.1}"
RTPENGINE_NG_PORT="${RTPENGINE_NG_PORT:-22620}"
RTPENGINE_HTTP_PORT="${RTPENGINE_HTTP_PORT:-22622}"
RTPENGINE_CLI_PORT="${RTPENGINE_CLI_PORT:-22623}"
RTPENGINE_PORT_MIN="${RTPENGINE_PORT_MIN:-40000}"
RTPENGINE_PORT_MAX="${RTPENGINE_PORT_MAX:-44999}"
RTPENGINE_MAX_SESSIONS="${RTPENGINE_MAX_SESSIONS:-2000}"
RTPENGINE_TIMEOUT="${RTPENGINE_TIMEOUT:-60}"
RTPENGINE_SILENT_TIMEOUT="${RTPENGINE_SILENT_TIMEOUT:-3600}"
RTPENGINE_OFFER_TIMEOUT="${RTPENGINE_OFFER_TIMEOUT:-30}"
RTPENGINE_FINAL_TIMEOUT="${RTPENGINE_FINAL_TIMEOUT:-14400}"
RTPENGINE_DTMF_LOG_DEST="${RTPENGINE_DTMF_LOG_DEST:-127.0.0.1:5470}"
RTPENGINE_THREADS="${RTPENGINE_THREADS:-2}"
RTPENGINE_LOG_LEVEL="${RTPENGINE_LOG_LEVEL:-5}"
RTPENGINE_START_TIMEOUT="${RTPENGINE_START_TIMEOUT:-20}"

DIR="$HOTLINE_LOCAL_DIR/rtpengine${RTPENGINE_INSTANCE:+-$RTPENGINE_INSTANCE}"
RTPENGINE_RECORDING_DIR="${RTPENGINE_RECORDING_DIR:-$DIR/recordings}"
PIDFILE="$DIR/rtpengine.pid"
LOGFILE="$DIR/rtpengine.log"
ARGSFILE="$DIR/rtpengine.args"

is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

check_settings() {
  local bad=()
  for v in RTPENGINE_NG_PORT RTPENGINE_HTTP_PORT RTPENGINE_CLI_PORT RTPENGINE_PORT_MIN RTPENGINE_PORT_MAX \
    RTPENGINE_MAX_SESSIONS RTPENGINE_TIMEOUT RTPENGINE_SILENT_TIMEOUT RTPENGINE_OFFER_TIMEOUT \
    RTPENGINE_FINAL_TIMEOUT RTPENGINE_THREADS RTPENGINE_LOG_LEVEL RTPENGINE_START_TIMEOUT; do
    is_uint "${!v}" || bad+=("$v=${!v} (not a whole number)")
  done
  if is_uint "$RTPENGINE_PORT_MIN" && is_uint "$RTPENGINE_PORT_MAX"; then
    [ "$RTPENGINE_PORT_MIN" -lt "$RTPENGINE_PORT_MAX" ] || bad+=("RTPENGINE_PORT_MIN must be below RTPENGINE_PORT_MAX")
    [ "$RTPENGINE_PORT_MAX" -le 65535 ] || bad+=("RTPENGINE_PORT_MAX above 65535")
  fi
  [[ "$RTPENGINE_DTMF_LOG_DEST" =~ ^[0-9.]+:[0-9]+$ ]] || bad+=("RTPENGINE_DTMF_LOG_DEST=$RTPENGINE_DTMF_LOG_DEST (want ip:port)")
  [[ "$RTPENGINE_INSTANCE" =~ ^[a-z0-9-]*$ ]] || bad+=("RTPENGINE_INSTANCE=$RTPENGINE_INSTANCE (lowercase letters, digits, dashes)")
  if [ ${#bad[@]} -gt 0 ]; then
    for b in "${bad[@]}"; do log "bad setting: $b"; done
    exit 2
  fi
}

do_install() {
  if ! command -v rtpengine >/dev/null 2>&1 || ! command -v sox >/dev/null 2>&1 || ! command -v espeak-ng >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || die "rtpengine/sox/espeak-ng are missing and installing them needs root: apt-get install rtpengine-daemon sox espeak-ng"
    # The package's own service is never started here (policy-rc.d in containers): this script
    # runs its own daemon with its own settings.
    apt_install rtpengine-daemon sox espeak-ng
  fi
  command -v rtpengine >/dev/null 2>&1 || die "rtpengine still missing after apt-get install"
}

# The exact command line; a running instance with other arguments is reported, never reused.
build_args() {
  ARGS=(
    --config-file=none --foreground --log-stderr --log-level="$RTPENGINE_LOG_LEVEL"
    --table=-1 --interface="$RTPENGINE_HOST"
    --listen-ng="$RTPENGINE_HOST:$RTPENGINE_NG_PORT"
    --listen-http="$RTPENGINE_HOST:$RTPENGINE_HTTP_PORT"
    --listen-cli="$RTPENGINE_HOST:$RTPENGINE_CLI_PORT"
    --port-min="$RTPENGINE_PORT_MIN" --port-max="$RTPENGINE_PORT_MAX"
    --max-sessions="$RTPENGINE_MAX_SESSIONS"
    --timeout="$RTPENGINE_TIMEOUT" --silent-timeout="$RTPENGINE_SILENT_TIMEOUT"
    --offer-timeout="$RTPENGINE_OFFER_TIMEOUT" --final-timeout="$RTPENGINE_FINAL_TIMEOUT"
    --delete-delay=0
    --dtmf-log-dest="$RTPENGINE_DTMF_LOG_DEST"
    --num-threads="$RTPENGINE_THREADS" --media-num-threads="$RTPENGINE_THREADS"
    --recording-dir="$RTPENGINE_RECORDING_DIR" --recording-method=pcap --recording-format=eth
  )
}

ours() { pid_alive "$PIDFILE" && [ "$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null)" = rtpengine ]; }

# The ng protocol itself answers (through the HTTP listener, which forwards to the ng handler).
serving() {
  local reply
  reply=$(curl -s -m 2 -X POST -H "Content-Type: application/x-rtpengine-ng" --data-binary "hotline-ping d7:command4:pinge" \
    "http://$RTPENGINE_HOST:$RTPENGINE_HTTP_PORT/ng" 2>/dev/null || true)
  [[ "$reply" == *"4:pong"* ]]
}

port_busy_udp() { ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; }
port_busy_tcp() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

wait_serving() {
  await_serving rtpengine "$RTPENGINE_START_TIMEOUT" "an ng ping on $RTPENGINE_HOST:$RTPENGINE_HTTP_PORT"
}

lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another rtpengine.sh holds $DIR/.lock"
}

do_start() {
  check_settings
  do_install
  build_args
  lock
  if ours; then
    [ "$(cat "$ARGSFILE" 2>/dev/null)" = "${ARGS[*]}" ] ||
      die "rtpengine from $DIR already runs (pid $(cat "$PIDFILE")) with other settings: run stop first"
    wait_serving
    return 0
  fi
  rm -f "$PIDFILE"
  port_busy_udp "$RTPENGINE_NG_PORT" && die "UDP port $RTPENGINE_NG_PORT is taken by another process; stop it or set RTPENGINE_NG_PORT"
  port_busy_tcp "$RTPENGINE_HTTP_PORT" && die "TCP port $RTPENGINE_HTTP_PORT is taken by another process; stop it or set RTPENGINE_HTTP_PORT"
  mkdir -p "$RTPENGINE_RECORDING_DIR"
  echo "--- $(date -u +%FT%TZ) rtpengine.sh start: ng udp:$RTPENGINE_HOST:$RTPENGINE_NG_PORT media $RTPENGINE_PORT_MIN-$RTPENGINE_PORT_MAX" >>"$LOGFILE"
  printf '%s' "${ARGS[*]}" >"$ARGSFILE"
  # Foreground in its own session; we keep its pid (no daemonize race). The lock fd is closed for it.
  setsid rtpengine "${ARGS[@]}" </dev/null >>"$LOGFILE" 2>&1 8>&- 9>&- &
  echo $! >"$PIDFILE"
  wait_serving
  log "running (pid $(cat "$PIDFILE")), ng udp:$RTPENGINE_HOST:$RTPENGINE_NG_PORT"
}

do_stop() {
  lock
  if ours; then stop_pidfile "$PIDFILE" 20; fi
  rm -f "$PIDFILE"
}

do_status() {
  if ours; then
    if serving; then
      echo "rtpengine${RTPENGINE_INSTANCE:+ $RTPENGINE_INSTANCE}: running (pid $(cat "$PIDFILE")), ng udp:$RTPENGINE_HOST:$RTPENGINE_NG_PORT"
    else
      echo "rtpengine${RTPENGINE_INSTANCE:+ $RTPENGINE_INSTANCE}: process running (pid $(cat "$PIDFILE")) but the ng ping on $RTPENGINE_HOST:$RTPENGINE_HTTP_PORT is not answered"
    fi
    return 0
  fi
  echo "rtpengine${RTPENGINE_INSTANCE:+ $RTPENGINE_INSTANCE}: stopped"
  return 1
}

do_reset() {
  do_stop
  rm -rf "$RTPENGINE_RECORDING_DIR" "$LOGFILE" "$ARGSFILE"
}

case "${1:-}" in
  install) do_install ;;
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  reset) do_reset ;;
  ng) echo "udp:$RTPENGINE_HOST:$RTPENGINE_NG_PORT" ;;
  *) echo "usage: $0 install|start|stop|status|reset|ng" >&2; exit 2 ;;
esac
