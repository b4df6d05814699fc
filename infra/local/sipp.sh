#!/usr/bin/env bash
# SIPp, the SIP traffic generator of the tests and load harness (Debian package sip-tester).
#
#   infra/local/sipp.sh install|path
set -euo pipefail
COMPONENT=sipp
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

do_install() {
  command -v sipp >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "sipp is missing and installing it needs root: apt-get install sip-tester"
  apt_install sip-tester
  command -v sipp >/dev/null 2>&1 || die "sipp still missing after apt-get install sip-tester"
}

case "${1:-}" in
  install) do_install ;;
  path) do_install; command -v sipp ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
