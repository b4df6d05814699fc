#!/usr/bin/env bash
# The tools the chart tests use, each from a package registry (no release downloads):
#   - helm and kubeconform: built from their modules on the Go module proxy;
#   - the helm-unittest plugin: built from its Go module (the plugin's own installer fetches a
#     release binary, so it is never run) and laid out as a plugin directory with our plugin.yaml;
#   - the Kubernetes JSON schemas kubeconform validates against: the ones shipped in the PyPI
#     package kubernetes-validate (fetched with `pip download`), with their $refs made local;
#   - the KEDA ScaledObject schema: converted from the CRD in KEDA's Go module.
#
#   infra/local/helm-tools.sh install|env|json|status
#
#   install  build/fetch whatever is missing (cold: about 4 min on 2 cores, nearly all of it helm)
#   env      install if needed, then print `export` lines: eval "$(infra/local/helm-tools.sh env)"
#   json     install if needed, then print the same as one JSON object (for tests)
#   status   print what is installed; exit 1 if something is missing
#
# Env: HELM_VERSION (v3.22.0), KUBECONFORM_VERSION (v0.8.0), HELM_UNITTEST_VERSION (v1.1.2),
#      KUBERNETES_VALIDATE_VERSION (1.37.0), KUBE_SCHEMA_VERSION (1.34.0), KEDA_VERSION (v2.21.0),
#      HOTLINE_TOOLS_DIR, GO (path to the go binary).
# Everything lives in $HOTLINE_TOOLS_DIR/helm-tools-<versions>/, shared by every clone on the
# machine; helm's config, cache and data homes are kept there too, apart from the user's own.
set -euo pipefail
COMPONENT=helm-tools
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=infra/local/lib.sh
. "$HERE/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
KUBECONFORM_VERSION="${KUBECONFORM_VERSION:-v0.8.0}"
HELM_UNITTEST_VERSION="${HELM_UNITTEST_VERSION:-v1.1.2}"
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
KUBE_SCHEMA_VERSION="${KUBE_SCHEMA_VERSION:-1.34.0}"
KEDA_VERSION="${KEDA_VERSION:-v2.21.0}"

TOOL_DIR="$HOTLINE_TOOLS_DIR/helm-tools-helm$HELM_VERSION-kc$KUBECONFORM_VERSION-ut$HELM_UNITTEST_VERSION"
BIN_DIR="$TOOL_DIR/bin"
PLUGINS_DIR="$TOOL_DIR/plugins"
UNITTEST_DIR="$PLUGINS_DIR/unittest"
SCHEMA_DIR="$TOOL_DIR/schemas"
KUBE_SCHEMAS="$SCHEMA_DIR/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
CRD_SCHEMAS="$SCHEMA_DIR/crds-keda-$KEDA_VERSION"
HELM_HOME="$TOOL_DIR/helm-home"
BUILD="$TOOL_DIR/.build"

find_go() {
  if [ -n "${GO:-}" ]; then printf '%s\n' "$GO"; return; fi
  command -v go 2>/dev/null && return
  [ -x /usr/local/go/bin/go ] && { echo /usr/local/go/bin/go; return; }
  die "the Go toolchain is needed to build helm: put go on PATH or set GO=/path/to/go"
}

find_python() {
  command -v python3 2>/dev/null && return
  die "python3 is needed to unpack the Kubernetes schemas (apt-get install python3 python3-pip)"
}

# go_env CMD... : go with its module and build caches under $BUILD (deleted once the tools are
# built; they only matter for a rebuild).
go_env() {
  env GOPATH="$BUILD/gopath" GOMODCACHE="$BUILD/gopath/pkg/mod" GOCACHE="$BUILD/cache" \
    GOFLAGS="-modcacherw -buildvcs=false" GO111MODULE=on CGO_ENABLED=0 GOWORK=off \
    "$(find_go)" "$@"
}

# module_dir MODULE@VERSION : downloads a module through the proxy and prints its source dir.
module_dir() {
  local dir
  dir=$(cd "$BUILD" && go_env mod download -json "$1" 2>>"$BUILD/download.log" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') || true
  [ -n "$dir" ] && [ -d "$dir" ] || { cat "$BUILD/download.log" >&2; die "go mod download $1 failed"; }
  printf '%s\n' "$dir"
}

# kube_version_ldflags MODULE@VERSION : helm's default Kubernetes version (for capabilities and
# deprecation checks) is set at link time from the client-go it is built with, as its Makefile
# does; without it a plain build says v1.20 and refuses charts that need a newer Kubernetes.
kube_version_ldflags() {
  local mod minor
  mod=$(cd "$BUILD" && go_env mod download -json "$1" 2>>"$BUILD/download.log" |
    sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p') || true
  [ -n "$mod" ] && [ -f "$mod" ] || { cat "$BUILD/download.log" >&2; die "go mod download $1 failed"; }
  minor=$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$mod" | head -n 1)
  [ -n "$minor" ] || die "no k8s.io/client-go version in $mod"
  printf -- '-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=%s -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=%s' "$minor" "$minor"
}

build_helm() {
  local t0=$SECONDS blog="$TOOL_DIR/build-helm.log" kube
  log "building helm $HELM_VERSION from the Go module proxy (cold: about 3-4 min on 2 cores)"
  kube=$(kube_version_ldflags "helm.sh/helm/v3@$HELM_VERSION")
  if ! (cd "$BUILD" && GOBIN="$BIN_DIR" go_env install -trimpath \
    -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION $kube" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") >"$blog" 2>&1; then
    tail -n 40 "$blog" >&2; die "building helm failed (log: $blog)"
  fi
  log "built helm in $((SECONDS - t0)) s"
}

build_kubeconform() {
  local t0=$SECONDS blog="$TOOL_DIR/build-kubeconform.log"
  log "building kubeconform $KUBECONFORM_VERSION from the Go module proxy"
  if ! (cd "$BUILD" && GOBIN="$BIN_DIR" go_env install -trimpath -ldflags="-s -w" \
    "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION") >"$blog" 2>&1; then
    tail -n 40 "$blog" >&2; die "building kubeconform failed (log: $blog)"
  fi
  log "built kubeconform in $((SECONDS - t0)) s"
}

# helm-unittest's go.mod has a replace directive, so `go install module@version` refuses it:
# build it inside a copy of its own module instead (its replace and go.sum then apply).
build_unittest() {
  local t0=$SECONDS blog="$TOOL_DIR/build-helm-unittest.log" moddir src="$BUILD/helm-unittest-src" kube
  log "building the helm-unittest plugin $HELM_UNITTEST_VERSION from its Go module"
  moddir=$(module_dir "github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION")
  kube=$(kube_version_ldflags "github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION")
  rm -rf "$src"
  cp -R "$moddir" "$src"
  chmod -R u+w "$src"
  mkdir -p "$UNITTEST_DIR"
  if ! (cd "$src" && go_env build -trimpath \
    -ldflags="-s -w -X github.com/helm-unittest/helm-unittest/internal/build.version=${HELM_UNITTEST_VERSION#v} $kube" \
    -o "$UNITTEST_DIR/untt.tmp" ./cmd/helm-unittest) >"$blog" 2>&1; then
    tail -n 40 "$blog" >&2; die "building helm-unittest failed (log: $blog)"
  fi
  mv -f "$UNITTEST_DIR/untt.tmp" "$UNITTEST_DIR/untt"
  # Our own plugin.yaml: the upstream one runs install-binary.sh, which downloads a release.
  cat >"$UNITTEST_DIR/plugin.yaml" <<EOF
name: "unittest"
version: "${HELM_UNITTEST_VERSION#v}"
usage: "unittest for helm charts"
description: "helm-unittest built from its Go module by infra/local/helm-tools.sh"
ignoreFlags: false
platformCommand:
  - os: linux
    command: "\$HELM_PLUGIN_DIR/untt"
  - os: darwin
    command: "\$HELM_PLUGIN_DIR/untt"
EOF
  log "built helm-unittest in $((SECONDS - t0)) s"
}

# The wheel ships schemas per Kubernetes minor version; each kind's file points at a shared
# _definitions.json through an absolute $id (kubernetes.io), which kubeconform would try to fetch.
# Rewrite them to refer to the file beside them.
fetch_kube_schemas() {
  local t0=$SECONDS py wheel_dir="$BUILD/pip" out="$KUBE_SCHEMAS.tmp"
  py=$(find_python)
  log "fetching kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI (the Kubernetes JSON schemas)"
  rm -rf "$wheel_dir" "$out"
  mkdir -p "$wheel_dir"
  "$py" -m pip download --quiet --no-deps --only-binary=:all: -d "$wheel_dir" \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" >&2 || die "pip download kubernetes-validate failed"
  "$py" "$HERE/helm-tools/unpack-kube-schemas.py" "$wheel_dir"/kubernetes_validate-*.whl "$out" "$KUBE_SCHEMA_VERSION" ||
    die "unpacking the Kubernetes schemas failed"
  rm -rf "$KUBE_SCHEMAS"
  mv "$out" "$KUBE_SCHEMAS"
  log "Kubernetes schemas ready in $((SECONDS - t0)) s"
}

fetch_crd_schemas() {
  local py moddir out="$CRD_SCHEMAS.tmp"
  py=$(find_python)
  log "converting the KEDA $KEDA_VERSION CRDs (from its Go module) to JSON schemas"
  moddir=$(module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")
  rm -rf "$out"
  "$py" "$HERE/helm-tools/crd-to-schema.py" "$out" "$moddir"/config/crd/bases/keda.sh_scaledobjects.yaml ||
    die "converting the KEDA CRDs failed"
  rm -rf "$CRD_SCHEMAS"
  mv "$out" "$CRD_SCHEMAS"
}

installed() {
  [ -x "$BIN_DIR/helm" ] && [ -x "$BIN_DIR/kubeconform" ] && [ -x "$UNITTEST_DIR/untt" ] &&
    [ -f "$UNITTEST_DIR/plugin.yaml" ] &&
    [ -f "$KUBE_SCHEMAS/v$KUBE_SCHEMA_VERSION-local-strict/deployment-apps-v1.json" ] &&
    [ -f "$CRD_SCHEMAS/keda.sh/scaledobject_v1alpha1.json" ]
}

do_install() {
  installed && return 0
  mkdir -p "$TOOL_DIR" "$BIN_DIR" "$SCHEMA_DIR"
  exec 8>"$TOOL_DIR/.lock"
  flock -w 1800 8 || die "another install holds $TOOL_DIR/.lock"
  mkdir -p "$BUILD"
  [ -x "$BIN_DIR/helm" ] || build_helm
  [ -x "$BIN_DIR/kubeconform" ] || build_kubeconform
  [ -x "$UNITTEST_DIR/untt" ] && [ -f "$UNITTEST_DIR/plugin.yaml" ] || build_unittest
  [ -f "$KUBE_SCHEMAS/v$KUBE_SCHEMA_VERSION-local-strict/deployment-apps-v1.json" ] || fetch_kube_schemas
  [ -f "$CRD_SCHEMAS/keda.sh/scaledobject_v1alpha1.json" ] || fetch_crd_schemas
  rm -rf "$BUILD"
  exec 8>&-
  installed || die "install finished but something is still missing (see status)"
}

# kubeconform looks a kind up in each location in turn: Kubernetes' own kinds, then the CRDs.
kube_location() { echo "$KUBE_SCHEMAS/{{.NormalizedKubernetesVersion}}-local{{.StrictSuffix}}/{{.ResourceKind}}{{.KindSuffix}}.json"; }
crd_location() { echo "$CRD_SCHEMAS/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"; }

do_env() {
  do_install
  cat <<EOF
export PATH="$BIN_DIR:\$PATH"
export HELM_PLUGINS="$PLUGINS_DIR"
export HELM_CONFIG_HOME="$HELM_HOME/config"
export HELM_CACHE_HOME="$HELM_HOME/cache"
export HELM_DATA_HOME="$HELM_HOME/data"
export HOTLINE_KUBE_VERSION="$KUBE_SCHEMA_VERSION"
export HOTLINE_KUBECONFORM_ARGS="-strict -summary -kubernetes-version $KUBE_SCHEMA_VERSION -schema-location '$(kube_location)' -schema-location '$(crd_location)'"
EOF
}

do_json() {
  do_install
  cat <<EOF
{"helm":"$BIN_DIR/helm","kubeconform":"$BIN_DIR/kubeconform","helmPlugins":"$PLUGINS_DIR",
 "helmHome":"$HELM_HOME","kubeVersion":"$KUBE_SCHEMA_VERSION",
 "schemaLocations":["$(kube_location)","$(crd_location)"]}
EOF
}

do_status() {
  local ok=0
  for f in "$BIN_DIR/helm" "$BIN_DIR/kubeconform" "$UNITTEST_DIR/untt"; do
    if [ -x "$f" ]; then echo "$f"; else echo "missing: $f"; ok=1; fi
  done
  for f in "$KUBE_SCHEMAS/v$KUBE_SCHEMA_VERSION-local-strict" "$CRD_SCHEMAS/keda.sh"; do
    if [ -d "$f" ]; then echo "$f"; else echo "missing: $f"; ok=1; fi
  done
  return "$ok"
}

case "${1:-}" in
  install) do_install ;;
  env) do_env ;;
  json) do_json ;;
  status) do_status ;;
  *) echo "usage: $0 install|env|json|status" >&2; exit 2 ;;
esac
