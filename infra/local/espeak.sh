#!/usr/bin/env bash
# espeak-ng, the text-to-speech renderer of the API's prompts (Debian package).
#
#   infra/local/espeak.sh install|path
#
#   install  apt-get install espeak-ng if missing (needs root); a no-op when present
#   path     print the espeak-ng executable (installing first if needed)
set -euo pipefail
COMPONENT=espeak
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

do_install() {
  command -v espeak-ng >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "espeak-ng is missing and installing it needs root: apt-get install espeak-ng"
  apt_install espeak-ng
  command -v espeak-ng >/dev/null 2>&1 || die "espeak-ng still missing after apt-get install"
}

case "${1:-}" in
  install) do_install ;;
  path) do_install; command -v espeak-ng ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
