#!/usr/bin/env bash
# Chromium (Debian package) for the real-browser end-to-end tests (test/browser): driven headless
# by playwright-core (test/support/browser.ts), never a browser build downloaded by Playwright.
#
#   infra/local/chromium.sh install|path
#
#   install  apt-get install chromium if missing (needs root); a no-op when present
#   path     print the chromium executable (installing first if needed)
set -euo pipefail
COMPONENT=chromium
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

# Debian installs its wrapper script here; playwright-core launches it as executablePath.
CHROMIUM_BIN=/usr/bin/chromium

do_install() {
  if [ ! -x "$CHROMIUM_BIN" ]; then
    [ "$(id -u)" = 0 ] || die "chromium is missing and installing it needs root: apt-get install chromium"
    # Fonts come with the package's dependencies (fonts-liberation): screenshots show real text.
    apt_install chromium
  fi
  [ -x "$CHROMIUM_BIN" ] || die "$CHROMIUM_BIN still missing after apt-get install chromium"
}

case "${1:-}" in
  install) do_install ;;
  path) do_install; echo "$CHROMIUM_BIN" ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
