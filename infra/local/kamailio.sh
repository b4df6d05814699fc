#!/usr/bin/env bash
# Kamailio (Debian package) on loopback: the SIP edge proxy in front of sip-edge's call control.
# Its configuration is the project's own (infra/local/kamailio/kamailio.cfg.tmpl), rendered from
# the settings below into $HOTLINE_LOCAL_DIR/kamailio/kamailio.cfg and checked before start.
#
#   infra/local/kamailio.sh install|render|start|stop|restart|status|reset|sip
#
#   install  apt-get install kamailio and the modules it needs, if missing (needs root)
#   render   write the configuration and the dispatcher list, and check them (kamailio -c)
#   start    install if needed, render, start in the background, wait until it answers a SIP
#            OPTIONS and its control socket; a no-op when it already runs with the same config
#   stop     stop it
#   restart  stop, then start (after changing settings)
#   status   print whether it runs; exit 0 if it does, 1 if not
#   reset    stop and delete its rendered config, certificates and log
#   sip      print the SIP address (udp)
#
# Env (defaults in brackets):
#   KAMAILIO_SIP_HOST        [127.0.0.1] address of every listener
#   KAMAILIO_SIP_PORT        [5460] SIP over UDP and TCP (trunks, load testers, desk phones)
#   KAMAILIO_WS_PORT         [8460] SIP over WebSocket (browser agents) and the JSON-RPC endpoint
#   KAMAILIO_WSS_PORT        [8461] SIP over secure WebSocket; 0 turns it off. A self-signed
#                            certificate is made unless KAMAILIO_TLS_CERT/KAMAILIO_TLS_KEY are set
#   KAMAILIO_SIP_DOMAIN      [hotline.local] the proxy's own domain (alias)
#   KAMAILIO_CALL_CONTROL    [127.0.0.1:5480] sip-edge call-control instances, host:port,...
#                            (probed with OPTIONS every KAMAILIO_CC_PING_INTERVAL [2] s)
#   KAMAILIO_TRUNKS          [local=127.0.0.1:5490,local-phone=127.0.0.1:5491] trusted trunks,
#                            name=host:port,... (SIPp callers and the test phones by default)
#   KAMAILIO_GATEWAYS        [127.0.0.1:5489] outbound gateways for external numbers, host:port,...
#                            (default: the local PSTN stand-in the tests run; not probed)
#   KAMAILIO_BARE_UAS        [] host:port of a plain UAS: enables the "bare" benchmark route
#   KAMAILIO_RTPENGINE       [udp:127.0.0.1:22620] rtpengine ng sockets for the bare route,
#                            space separated
#   KAMAILIO_DIRECTORY_URL   [http://127.0.0.1:5481/internal/sip-edge] sip-edge's directory
#                            (agents' HA1, numbers' tenants), cached KAMAILIO_DIRECTORY_CACHE_S [60] s
#   KAMAILIO_EDGE_TOKEN      [hotline-local-edge-token] shared secret with sip-edge
#   KAMAILIO_PIKE_DENSITY    [60] requests per 2 s from one untrusted IP before it is dropped
#   KAMAILIO_SOURCE_RATE     [30] requests per second from one untrusted IP before 503
#   KAMAILIO_SHM_MB          [256] shared memory: 64 runs out near 400 calls/s
#   KAMAILIO_PKG_MB          [16] private memory per process
#   KAMAILIO_CHILDREN        [4] UDP workers;  KAMAILIO_TCP_CHILDREN [2]
#   KAMAILIO_LOG_LEVEL       [1] -1..3 (2 = info, 3 = debug)
#   KAMAILIO_START_TIMEOUT   [20] s
#   HOTLINE_LOCAL_DIR
set -euo pipefail
COMPONENT=kamailio
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

KAMAILIO_SIP_HOST="${KAMAILIO_SIP_HOST:-127.0.0.1}"
KAMAILIO_SIP_PORT="${KAMAILIO_SIP_PORT:-5460}"
KAMAILIO_WS_PORT="${KAMAILIO_WS_PORT:-8460}"
KAMAILIO_WSS_PORT="${KAMAILIO_WSS_PORT:-8461}"
KAMAILIO_SIP_DOMAIN="${KAMAILIO_SIP_DOMAIN:-hotline.local}"
KAMAILIO_CALL_CONTROL="${KAMAILIO_CALL_CONTROL:-127.0.0.1:5480}"
KAMAILIO_CC_PING_INTERVAL="${KAMAILIO_CC_PING_INTERVAL:-2}"
KAMAILIO_TRUNKS="${KAMAILIO_TRUNKS-local=127.0.0.1:5490,local-phone=127.0.0.1:5491}"
KAMAILIO_GATEWAYS="${KAMAILIO_GATEWAYS-127.0.0.1:5489}"
KAMAILIO_BARE_UAS="${KAMAILIO_BARE_UAS:-}"
KAMAILIO_RTPENGINE="${KAMAILIO_RTPENGINE:-udp:127.0.0.1:22620}"
KAMAILIO_DIRECTORY_URL="${KAMAILIO_DIRECTORY_URL:-http://127.0.0.1:5481/internal/sip-edge}"
KAMAILIO_DIRECTORY_CACHE_S="${KAMAILIO_DIRECTORY_CACHE_S:-60}"
KAMAILIO_EDGE_TOKEN="${KAMAILIO_EDGE_TOKEN:-hotline-local-edge-token}"
KAMAILIO_PIKE_DENSITY="${KAMAILIO_PIKE_DENSITY:-60}"
KAMAILIO_SOURCE_RATE="${KAMAILIO_SOURCE_RATE:-30}"
KAMAILIO_SHM_MB="${KAMAILIO_SHM_MB:-256}"
KAMAILIO_PKG_MB="${KAMAILIO_PKG_MB:-16}"
KAMAILIO_CHILDREN="${KAMAILIO_CHILDREN:-4}"
KAMAILIO_TCP_CHILDREN="${KAMAILIO_TCP_CHILDREN:-2}"
KAMAILIO_LOG_LEVEL="${KAMAILIO_LOG_LEVEL:-1}"
KAMAILIO_START_TIMEOUT="${KAMAILIO_START_TIMEOUT:-20}"
KAMAILIO_TLS_CERT="${KAMAILIO_TLS_CERT:-}"
KAMAILIO_TLS_KEY="${KAMAILIO_TLS_KEY:-}"

TEMPLATE="$HERE/kamailio/kamailio.cfg.tmpl"
PING="$HERE/kamailio/sip-ping.mjs"
DIR="$HOTLINE_LOCAL_DIR/kamailio"
CFG="$DIR/kamailio.cfg"
DSLIST="$DIR/dispatcher.list"
PIDFILE="$DIR/kamailio.pid"
LOGFILE="$DIR/kamailio.log"
CTL="$DIR/kamailio_ctl"
MODULES_DIR=/usr/lib/x86_64-linux-gnu/kamailio/modules

HOSTPORT_RE='^[A-Za-z0-9.-]+:[0-9]{1,5}$'

check_settings() {
  local bad=() v
  for v in KAMAILIO_SIP_PORT KAMAILIO_WS_PORT KAMAILIO_WSS_PORT KAMAILIO_CC_PING_INTERVAL KAMAILIO_DIRECTORY_CACHE_S \
    KAMAILIO_PIKE_DENSITY KAMAILIO_SOURCE_RATE KAMAILIO_SHM_MB KAMAILIO_PKG_MB KAMAILIO_CHILDREN \
    KAMAILIO_TCP_CHILDREN KAMAILIO_START_TIMEOUT; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || bad+=("$v=${!v} (not a whole number)")
  done
  [[ "$KAMAILIO_LOG_LEVEL" =~ ^-?[0-9]$ ]] || bad+=("KAMAILIO_LOG_LEVEL=$KAMAILIO_LOG_LEVEL (-1..3)")
  [[ "$KAMAILIO_SIP_HOST" =~ ^[0-9.]+$ ]] || bad+=("KAMAILIO_SIP_HOST=$KAMAILIO_SIP_HOST (an IPv4 address)")
  [[ "$KAMAILIO_SIP_DOMAIN" =~ ^[A-Za-z0-9.-]+$ ]] || bad+=("KAMAILIO_SIP_DOMAIN=$KAMAILIO_SIP_DOMAIN (a DNS name)")
  [[ "$KAMAILIO_DIRECTORY_URL" =~ ^https?://[^[:space:]\"]+$ ]] || bad+=("KAMAILIO_DIRECTORY_URL=$KAMAILIO_DIRECTORY_URL (an http URL)")
  [[ "$KAMAILIO_EDGE_TOKEN" =~ ^[A-Za-z0-9._-]{16,}$ ]] || bad+=("KAMAILIO_EDGE_TOKEN (16+ letters, digits, . _ -)")
  [ -n "$KAMAILIO_CALL_CONTROL" ] || bad+=("KAMAILIO_CALL_CONTROL is empty")
  local item
  IFS=',' read -ra items <<<"$KAMAILIO_CALL_CONTROL"
  for item in "${items[@]}"; do [[ "$item" =~ $HOSTPORT_RE ]] || bad+=("KAMAILIO_CALL_CONTROL: '$item' is not host:port"); done
  IFS=',' read -ra items <<<"$KAMAILIO_GATEWAYS"
  for item in "${items[@]}"; do [[ "$item" =~ $HOSTPORT_RE ]] || bad+=("KAMAILIO_GATEWAYS: '$item' is not host:port"); done
  IFS=',' read -ra items <<<"$KAMAILIO_TRUNKS"
  for item in "${items[@]}"; do
    [[ "$item" =~ ^[a-z0-9][a-z0-9-]*=[A-Za-z0-9.-]+:[0-9]{1,5}$ ]] || bad+=("KAMAILIO_TRUNKS: '$item' is not name=host:port")
  done
  [ -z "$KAMAILIO_BARE_UAS" ] || [[ "$KAMAILIO_BARE_UAS" =~ $HOSTPORT_RE ]] || bad+=("KAMAILIO_BARE_UAS=$KAMAILIO_BARE_UAS (host:port)")
  for item in $KAMAILIO_RTPENGINE; do
    [[ "$item" =~ ^udp:[A-Za-z0-9.-]+:[0-9]{1,5}(=[0-9]+)?$ ]] || bad+=("KAMAILIO_RTPENGINE: '$item' is not udp:host:port")
  done
  if { [ -n "$KAMAILIO_TLS_CERT" ] || [ -n "$KAMAILIO_TLS_KEY" ]; } && { [ ! -r "$KAMAILIO_TLS_CERT" ] || [ ! -r "$KAMAILIO_TLS_KEY" ]; }; then
    bad+=("KAMAILIO_TLS_CERT/KAMAILIO_TLS_KEY must both name readable files")
  fi
  if [ ${#bad[@]} -gt 0 ]; then
    for item in "${bad[@]}"; do log "bad setting: $item"; done
    exit 2
  fi
}

do_install() {
  if ! command -v kamailio >/dev/null 2>&1 || [ ! -f "$MODULES_DIR/websocket.so" ] || [ ! -f "$MODULES_DIR/http_client.so" ] ||
    [ ! -f "$MODULES_DIR/tls.so" ] || [ ! -f "$MODULES_DIR/jsonrpcs.so" ]; then
    [ "$(id -u)" = 0 ] || die "kamailio or its modules are missing and installing them needs root: apt-get install kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-utils-modules kamailio-json-modules kamailio-extra-modules"
    # The package's own service is never started here (policy-rc.d in containers).
    apt_install kamailio kamailio-websocket-modules kamailio-tls-modules kamailio-utils-modules \
      kamailio-json-modules kamailio-extra-modules
  fi
  command -v kamailio >/dev/null 2>&1 || die "kamailio still missing after apt-get install"
  command -v node >/dev/null 2>&1 || die "node is needed for the SIP health check"
}

make_certificate() {
  local tls="$DIR/tls"
  mkdir -p "$tls"
  if [ -n "$KAMAILIO_TLS_CERT" ]; then
    cp "$KAMAILIO_TLS_CERT" "$tls/cert.pem"
    cp "$KAMAILIO_TLS_KEY" "$tls/key.pem"
  elif [ ! -s "$tls/cert.pem" ] || [ ! -s "$tls/key.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$KAMAILIO_SIP_DOMAIN" \
      -addext "subjectAltName=DNS:$KAMAILIO_SIP_DOMAIN,IP:$KAMAILIO_SIP_HOST" \
      -keyout "$tls/key.pem" -out "$tls/cert.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
  fi
  chmod 600 "$tls/key.pem"
  cat >"$DIR/tls.cfg" <<EOF
[server:default]
method = TLSv1.2+
verify_certificate = no
require_certificate = no
private_key = $tls/key.pem
certificate = $tls/cert.pem
EOF
}

render_dispatcher() {
  local item name addr
  {
    echo "# rendered by infra/local/kamailio.sh: setid destination flags priority attrs"
    IFS=',' read -ra items <<<"$KAMAILIO_CALL_CONTROL"
    # flags 8: probed with OPTIONS, so a dead or draining instance leaves the rotation.
    for item in "${items[@]}"; do echo "1 sip:$item 8 0 role=call-control"; done
    [ -n "$KAMAILIO_BARE_UAS" ] && echo "2 sip:$KAMAILIO_BARE_UAS 0 0 role=bare-uas"
    IFS=',' read -ra items <<<"$KAMAILIO_GATEWAYS"
    # Gateways are not probed (a carrier may not answer OPTIONS); a dead one times out the call.
    for item in "${items[@]}"; do echo "3 sip:$item 0 0 role=gateway"; done
    IFS=',' read -ra items <<<"$KAMAILIO_TRUNKS"
    for item in "${items[@]}"; do
      name=${item%%=*}
      addr=${item#*=}
      echo "10 sip:$addr 0 0 trunk=$name"
    done
  } >"$DSLIST.new"
  mv "$DSLIST.new" "$DSLIST"
}

render_config() {
  local cfg
  cfg=$(<"$TEMPLATE")
  local -A values=(
    [LOG_LEVEL]="$KAMAILIO_LOG_LEVEL" [CHILDREN]="$KAMAILIO_CHILDREN" [TCP_CHILDREN]="$KAMAILIO_TCP_CHILDREN"
    [SIP_HOST]="$KAMAILIO_SIP_HOST" [SIP_PORT]="$KAMAILIO_SIP_PORT" [WS_PORT]="$KAMAILIO_WS_PORT"
    [WSS_PORT]="$KAMAILIO_WSS_PORT" [SIP_DOMAIN]="$KAMAILIO_SIP_DOMAIN" [MODULES_DIR]="$MODULES_DIR"
    [RUN_DIR]="$DIR" [CC_PING_INTERVAL]="$KAMAILIO_CC_PING_INTERVAL" [RTPENGINE_SOCKS]="$KAMAILIO_RTPENGINE"
    [DIRECTORY_CACHE_S]="$KAMAILIO_DIRECTORY_CACHE_S" [DIRECTORY_URL]="$KAMAILIO_DIRECTORY_URL"
    [EDGE_TOKEN]="$KAMAILIO_EDGE_TOKEN" [PIKE_DENSITY]="$KAMAILIO_PIKE_DENSITY"
    [SOURCE_RATE]="$KAMAILIO_SOURCE_RATE"
  )
  local key
  for key in "${!values[@]}"; do cfg=${cfg//"@@$key@@"/"${values[$key]}"}; done
  if grep -o '@@[A-Z_]*@@' <<<"$cfg" | sort -u | grep -q .; then
    die "template placeholders left unrendered: $(grep -o '@@[A-Z_]*@@' <<<"$cfg" | sort -u | tr '\n' ' ')"
  fi
  printf '%s\n' "$cfg" >"$CFG.new"
  mv "$CFG.new" "$CFG"
}

# -A defines, from the settings: WSS and the bare route are optional.
build_defines() {
  DEFINES=()
  [ "$KAMAILIO_WSS_PORT" != 0 ] && DEFINES+=(-A WITH_WSS)
  [ -n "$KAMAILIO_BARE_UAS" ] && DEFINES+=(-A WITH_BARE)
  return 0
}

do_render() {
  check_settings
  mkdir -p "$DIR"
  build_defines
  [ "$KAMAILIO_WSS_PORT" != 0 ] && make_certificate
  render_dispatcher
  render_config
  local out
  out=$(kamailio -c -f "$CFG" "${DEFINES[@]}" 2>&1) || {
    printf '%s\n' "$out" | tail -n 20 >&2
    die "kamailio -c rejected $CFG"
  }
}

ours() { pid_alive "$PIDFILE" && [ "$(cat "/proc/$(cat "$PIDFILE")/comm" 2>/dev/null)" = kamailio ]; }

serving() {
  kamcmd -s "unix:$CTL" core.uptime >/dev/null 2>&1 &&
    node "$PING" "$KAMAILIO_SIP_HOST" "$KAMAILIO_SIP_PORT" 800 2>/dev/null
}

fingerprint() { cat "$CFG" "$DSLIST" 2>/dev/null | md5sum | cut -d' ' -f1; echo "${DEFINES[*]} $KAMAILIO_SHM_MB $KAMAILIO_PKG_MB"; }

port_busy_udp() { ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; }

wait_serving() {
  await_serving kamailio "$KAMAILIO_START_TIMEOUT" "SIP OPTIONS on $KAMAILIO_SIP_HOST:$KAMAILIO_SIP_PORT" 0.2
}

lock() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w 60 9 || die "another kamailio.sh holds $DIR/.lock"
}

do_start() {
  check_settings
  do_install
  lock
  if ours; then
    # Render beside the running config to compare: a running proxy with other settings is an error.
    local running_fp
    running_fp=$(cat "$DIR/fingerprint" 2>/dev/null || true)
    do_render
    [ "$running_fp" = "$(fingerprint)" ] ||
      die "kamailio from $DIR already runs (pid $(cat "$PIDFILE")) with other settings: run restart"
    wait_serving
    return 0
  fi
  rm -f "$PIDFILE"
  port_busy_udp "$KAMAILIO_SIP_PORT" && die "UDP port $KAMAILIO_SIP_PORT is taken by another process; stop it or set KAMAILIO_SIP_PORT"
  do_render
  fingerprint >"$DIR/fingerprint"
  echo "--- $(date -u +%FT%TZ) kamailio.sh start on $KAMAILIO_SIP_HOST:$KAMAILIO_SIP_PORT" >>"$LOGFILE"
  # -DD: no daemon, children kept; -E: log to stderr. We keep the main pid (no daemonize race).
  setsid kamailio -f "$CFG" -DD -E -m "$KAMAILIO_SHM_MB" -M "$KAMAILIO_PKG_MB" "${DEFINES[@]}" \
    </dev/null >>"$LOGFILE" 2>&1 8>&- 9>&- &
  echo $! >"$PIDFILE"
  wait_serving
  log "running (pid $(cat "$PIDFILE")), sip udp/tcp $KAMAILIO_SIP_HOST:$KAMAILIO_SIP_PORT, ws $KAMAILIO_WS_PORT$([ "$KAMAILIO_WSS_PORT" != 0 ] && echo ", wss $KAMAILIO_WSS_PORT")"
}

do_stop() {
  lock
  if ours; then stop_pidfile "$PIDFILE" 20; fi
  rm -f "$PIDFILE" "$DIR/fingerprint"
}

do_status() {
  if ours; then
    if serving; then
      echo "kamailio: running (pid $(cat "$PIDFILE")) on $KAMAILIO_SIP_HOST:$KAMAILIO_SIP_PORT"
    else
      echo "kamailio: process running (pid $(cat "$PIDFILE")) but not answering SIP OPTIONS on $KAMAILIO_SIP_HOST:$KAMAILIO_SIP_PORT"
    fi
    return 0
  fi
  echo "kamailio: stopped"
  return 1
}

do_reset() {
  do_stop
  rm -rf "$DIR/tls" "$CFG" "$DSLIST" "$DIR/tls.cfg" "$LOGFILE"
}

case "${1:-}" in
  install) do_install ;;
  render) do_render && log "rendered $CFG" ;;
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  reset) do_reset ;;
  sip) echo "udp:$KAMAILIO_SIP_HOST:$KAMAILIO_SIP_PORT" ;;
  *) echo "usage: $0 install|render|start|stop|restart|status|reset|sip" >&2; exit 2 ;;
esac
