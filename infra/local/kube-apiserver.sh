#!/usr/bin/env bash
# A real Kubernetes API server for tests that talk to Kubernetes (the edge sync): kube-apiserver
# built from k8s.io/kubernetes on the Go module proxy, on etcd from Debian (etcd-server). No
# scheduler, controller manager or kubelet: tests create pods and set their status themselves.
#
#   infra/local/kube-apiserver.sh install|paths
#
#   install  apt-get install etcd-server if missing; build kube-apiserver if missing
#            (cold: about 7 min on 2 cores, once per machine; the binary is kept in
#            $HOTLINE_TOOLS_DIR)
#   paths    install if needed, then print {"kubeApiserver": ..., "etcd": ...} as JSON
#
# The test fixture (services/edge-sync/test/kube-fixture.ts) starts a private etcd and API
# server on free loopback ports in a temporary folder and stops them when it is done.
#
# Env: KUBE_VERSION (v1.34.4), HOTLINE_TOOLS_DIR, GO (path to the go binary).
set -euo pipefail
COMPONENT=kube-apiserver
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

KUBE_VERSION="${KUBE_VERSION:-v1.34.4}"
TOOL_DIR="$HOTLINE_TOOLS_DIR/kube-apiserver-$KUBE_VERSION"
BIN="$TOOL_DIR/bin/kube-apiserver"
BUILD="$TOOL_DIR/.build"

find_go() {
  if [ -n "${GO:-}" ]; then printf '%s\n' "$GO"; return; fi
  command -v go 2>/dev/null && return
  [ -x /usr/local/go/bin/go ] && { echo /usr/local/go/bin/go; return; }
  die "the Go toolchain is needed to build kube-apiserver: put go on PATH or set GO=/path/to/go"
}

go_env() {
  env GOPATH="$BUILD/gopath" GOMODCACHE="$BUILD/gopath/pkg/mod" GOCACHE="$BUILD/cache" \
    GOFLAGS="-modcacherw -buildvcs=false" GO111MODULE=on CGO_ENABLED=0 GOWORK=off \
    "$(find_go)" "$@"
}

install_etcd() {
  command -v etcd >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || die "etcd is missing and installing it needs root: apt-get install etcd-server"
  # The package's own service is not used (containers do not start it; tests run their own).
  apt_install etcd-server
  command -v etcd >/dev/null 2>&1 || die "etcd still missing after apt-get install etcd-server"
}

# k8s.io/kubernetes points its k8s.io/* dependencies at ./staging/... with replace directives,
# so neither `go install ...@version` nor a plain require works. A small module of our own
# requires it and replaces each staging module with its published twin (v0.N.P for v1.N.P).
build_apiserver() {
  local t0=$SECONDS blog="$TOOL_DIR/build.log" mod staging="v0.${KUBE_VERSION#v1.}" src="$BUILD/src"
  mkdir -p "$BUILD" "$src" "$TOOL_DIR/bin"
  : >"$blog"
  log "building kube-apiserver $KUBE_VERSION from the Go module proxy (cold: about 7 min on 2 cores)"
  mod=$(cd "$BUILD" && go_env mod download -json "k8s.io/kubernetes@$KUBE_VERSION" 2>>"$blog" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p') || true
  [ -n "$mod" ] && [ -f "$mod" ] || { cat "$blog" >&2; die "go mod download k8s.io/kubernetes@$KUBE_VERSION failed"; }
  {
    echo "module hotline.local/kube-apiserver"
    echo
    echo "go $(sed -n 's/^go //p' "$mod")"
    echo
    echo "require k8s.io/kubernetes $KUBE_VERSION"
    echo
    echo "replace ("
    sed -n 's|^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*$|\t\1 => \1 '"$staging"'|p' "$mod"
    echo ")"
  } >"$src/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "k8s.io/kubernetes/cmd/kube-apiserver"\n' >"$src/tools.go"
  if ! (cd "$src" && go_env mod tidy && go_env build -trimpath -ldflags="-s -w" \
    -o "$BIN.tmp" k8s.io/kubernetes/cmd/kube-apiserver) >>"$blog" 2>&1; then
    rm -f "$BIN.tmp"; tail -n 40 "$blog" >&2
    die "building kube-apiserver failed (full log: $blog)"
  fi
  "$BIN.tmp" --version >>"$blog" 2>&1 || { rm -f "$BIN.tmp"; die "the kube-apiserver built does not run"; }
  mv -f "$BIN.tmp" "$BIN"
  log "built $BIN in $((SECONDS - t0)) s"
}

do_install() {
  install_etcd
  [ -x "$BIN" ] && return 0
  mkdir -p "$TOOL_DIR"
  exec 8>"$TOOL_DIR/.lock"
  flock -w 1800 8 || die "another install holds $TOOL_DIR/.lock"
  [ -x "$BIN" ] || build_apiserver
  rm -rf "$BUILD"
  exec 8>&-
}

do_paths() {
  do_install
  printf '{"kubeApiserver":"%s","etcd":"%s","version":"%s"}\n' "$BIN" "$(command -v etcd)" "$KUBE_VERSION"
}

case "${1:-}" in
  install) do_install ;;
  paths) do_paths ;;
  *) echo "usage: $0 install|paths" >&2; exit 2 ;;
esac
