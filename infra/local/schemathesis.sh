#!/usr/bin/env bash
# Schemathesis (property-based fuzzing of an OpenAPI document), from PyPI into a virtualenv.
#
#   infra/local/schemathesis.sh install|path|run ARGS...
#
#   install  create $HOTLINE_TOOLS_DIR/schemathesis-<version> (python3 -m venv) and pip-install
#            schemathesis there; a no-op when it is already there
#   path     print the st executable's path (installing first if needed)
#   run      install if needed, then `st run ARGS...` (fuzz an OpenAPI document)
#
# Env: SCHEMATHESIS_VERSION (4.32.5), HOTLINE_TOOLS_DIR. Needs python3 with venv (apt: python3-venv).
set -euo pipefail
COMPONENT=schemathesis
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
VENV="$HOTLINE_TOOLS_DIR/schemathesis-$SCHEMATHESIS_VERSION"
ST="$VENV/bin/st"

do_install() {
  [ -x "$ST" ] && return 0
  command -v python3 >/dev/null 2>&1 || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV.partial"
  python3 -m venv "$VENV.partial"
  "$VENV.partial/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
  # A venv's scripts name their interpreter by absolute path, so it is built in place and renamed
  # only once complete; fix the shebangs that still point at the partial folder.
  sed -i "1s|$VENV.partial|$VENV|" "$VENV.partial"/bin/*
  mv "$VENV.partial" "$VENV"
  [ -x "$ST" ] || die "st missing after install"
}

case "${1:-}" in
  install) do_install ;;
  path) do_install; echo "$ST" ;;
  run) shift; do_install; exec "$ST" run "$@" ;;
  *) echo "usage: $0 install|path|run ARGS..." >&2; exit 2 ;;
esac
