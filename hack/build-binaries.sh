#!/usr/bin/env bash
# Builds the Kubernetes binaries the tests and the lab run (etcd,
# kube-apiserver, kube-controller-manager, kubectl) from the Go modules pinned
# in go.mod: nothing is downloaded from release buckets. Idempotent: a binary
# whose stamp (package, Go version, go.sum) is unchanged is not rebuilt, so a
# second run takes seconds.
#
# usage: hack/build-binaries.sh [name ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT_DIR=${OUT_DIR:-_output/bin}
mkdir -p "$OUT_DIR"

declare -A PKG=(
  [etcd]=./hack/etcd
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(etcd kube-apiserver kube-controller-manager kubectl)

sum=$( (go version; cat go.sum go.mod) | sha256sum | cut -c1-16)
for name in "${names[@]}"; do
  pkg=${PKG[$name]:?unknown binary $name}
  stamp="$pkg $sum"
  if [ -x "$OUT_DIR/$name" ] && [ "$(cat "$OUT_DIR/.$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "==> $name: up to date ($OUT_DIR/$name)"
    continue
  fi
  echo "==> building $name from $pkg (a cold build takes a few minutes)"
  start=$(date +%s)
  CGO_ENABLED=0 go build -trimpath -o "$OUT_DIR/$name" "$pkg"
  echo "$stamp" > "$OUT_DIR/.$name.stamp"
  echo "==> $name built in $(( $(date +%s) - start ))s"
done
