#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kubectl (k8s.io/kubernetes) and etcd
# (go.etcd.io/etcd) from source through the Go module proxy, into the layout that
# fabric8 kube-api-test reads in offline mode:
#   $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/{kube-apiserver,kube-controller-manager,kubectl,etcd}
# Idempotent: when every binary is present and reports the pinned version it exits at once.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
ROOT="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
OUT="$ROOT/k8s/${K8S_VERSION}-linux-amd64"
BINARIES=(kube-apiserver kube-controller-manager kubectl etcd)

log() { echo "[build-kube-binaries] $*" >&2; }

all_present() {
  for b in "${BINARIES[@]}"; do [[ -x "$OUT/$b" ]] || return 1; done
  [[ -f "$OUT/.versions" ]] && grep -qx "k8s=$K8S_VERSION etcd=$ETCD_VERSION" "$OUT/.versions"
}

if all_present; then
  log "cached: $OUT"
  exit 0
fi

command -v go >/dev/null || { log "Go is required (https://go.dev) to build the Kubernetes binaries"; exit 1; }
mkdir -p "$OUT"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"

start=$(date +%s)

# --- Kubernetes ---------------------------------------------------------------------------
# k8s.io/kubernetes replaces its staging modules (k8s.io/api, k8s.io/client-go, ...) with local
# paths, which do not apply to a module that depends on it. Every such module is published at
# v0.<minor>.<patch>; derive the list from k8s.io/kubernetes' own go.mod so it stays exact.
mkdir -p "$WORK/k8s"
cd "$WORK/k8s"
go mod init kube-binaries >/dev/null 2>&1
gomod="$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
staging_version="v0.${K8S_VERSION#1.}"
go_directive="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
{
  echo "module kube-binaries"
  echo
  echo "go ${go_directive}"
  echo
  echo "require k8s.io/kubernetes v${K8S_VERSION}"
  echo
  echo "replace ("
  sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/src/.*#\1#p' "$gomod" | sort -u | while read -r m; do
    echo "	$m => $m $staging_version"
  done
  echo ")"
} >go.mod
cat >tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
log "resolving k8s.io/kubernetes v${K8S_VERSION} (staging modules at ${staging_version})"
go mod tidy -e >/dev/null 2>&1 || true
go get "k8s.io/kubernetes@v${K8S_VERSION}" >/dev/null
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=v${K8S_VERSION} -X $p.gitMajor=${K8S_VERSION%%.*}"
  minor="${K8S_VERSION#*.}"; ldflags+=" -X $p.gitMinor=${minor%%.*} -X $p.gitTreeState=clean"
done
for b in kube-apiserver kube-controller-manager kubectl; do
  log "building $b"
  go build -trimpath -ldflags "$ldflags" -o "$OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b"
  mv "$OUT/$b.tmp" "$OUT/$b"
done

# --- etcd -----------------------------------------------------------------------------------
mkdir -p "$WORK/etcd"
cd "$WORK/etcd"
go mod init etcd-binary >/dev/null 2>&1
go get "go.etcd.io/etcd/server/v3@v${ETCD_VERSION}" >/dev/null
log "building etcd"
go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$OUT/etcd.tmp" "$OUT/etcd"

echo "k8s=$K8S_VERSION etcd=$ETCD_VERSION" >"$OUT/.versions"
log "built into $OUT in $(( $(date +%s) - start ))s"
