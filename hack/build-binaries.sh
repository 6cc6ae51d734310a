#!/usr/bin/env bash

# Copyright The ha-scheduler Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# Builds the Kubernetes binaries the tests and the lab run (etcd,
# kube-apiserver, kube-controller-manager, kubectl) from the Go modules pinned
# in go.mod: nothing is downloaded from release buckets. Idempotent: a binary
# whose stamp (package, Go version, go.sum) is unchanged is not rebuilt, so a
# second run takes seconds.
#
# kwok and kwokctl (the lab, hack/lab) pin older Kubernetes modules than we
# do, so they are built from their own module, hack/kwok/go.mod, and stamped
# with that module's go.sum. They are built only when named.
#
# helm (the chart tests, make helm-lint / helm-template) is built from helm's
# own Go packages, pinned in their own module, hack/tools/helm/go.mod, for
# the same reason; also only when named.
#
# kube-scheduler (the stock scheduler that make e2e compares ha-scheduler
# with) and e2e.test (upstream's end-to-end tests, k8s.io/kubernetes/test/e2e,
# compiled with go test -c in their own module, hack/e2e/go.mod, which has
# the root module's replace block) are Kubernetes' own binaries at the pinned
# version; also only when named.
#
# usage: hack/build-binaries.sh [name ...]   (default: the four Kubernetes binaries)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT_DIR=${OUT_DIR:-_output/bin}
mkdir -p "$OUT_DIR"
OUT_ABS=$(cd "$OUT_DIR" && pwd)

declare -A PKG=(
  [etcd]=./hack/etcd
  [kube-apiserver]=k8s.io/kubernetes/cmd/kube-apiserver
  [kube-controller-manager]=k8s.io/kubernetes/cmd/kube-controller-manager
  [kubectl]=k8s.io/kubernetes/cmd/kubectl
  [kwok]=sigs.k8s.io/kwok/cmd/kwok
  [kwokctl]=sigs.k8s.io/kwok/cmd/kwokctl
  [helm]=helm.sh/helm/v3/cmd/helm
  [kube-scheduler]=k8s.io/kubernetes/cmd/kube-scheduler
  [e2e.test]=k8s.io/kubernetes/test/e2e
)
# The module each binary is built in (default: the repository root).
declare -A MODDIR=(
  [kwok]=hack/kwok
  [kwokctl]=hack/kwok
  [helm]=hack/tools/helm
  [e2e.test]=hack/e2e
)
# Test binaries: go test -c of the package.
declare -A TESTBIN=([e2e.test]=1)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(etcd kube-apiserver kube-controller-manager kubectl)

# Kubernetes binaries carry their real version (kubectl version, the API
# server's /version, Helm's kubeVersion checks and e2e tests parse it), as
# Kubernetes' own build stamps it (hack/lib/version.sh); without it they say
# v0.0.0-master+$Format:%H$. The Kubernetes version is the one pkg/version
# names (go.mod pins the same).
KUBE_VERSION=$(sed -n 's/^const Kubernetes = "\(.*\)"/\1/p' pkg/version/version.go)
kube_minor=${KUBE_VERSION#v*.}; kube_minor=${kube_minor%%.*}
VERSION_LDFLAGS=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  VERSION_LDFLAGS+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean"
done
# The binaries of the root module and e2e.test are Kubernetes' own; kwok and
# helm keep their modules' versions.
ldflags_of() { case $1 in .|hack/e2e) echo "$VERSION_LDFLAGS" ;; esac; }

modsum() { (go version; cat "$1/go.sum" "$1/go.mod"; ldflags_of "$1") | sha256sum | cut -c1-16; }
for name in "${names[@]}"; do
  pkg=${PKG[$name]:?unknown binary $name}
  dir=${MODDIR[$name]:-.}
  stamp="$pkg $(modsum "$dir")"
  if [ -x "$OUT_DIR/$name" ] && [ "$(cat "$OUT_DIR/.$name.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "==> $name: up to date ($OUT_DIR/$name)"
    continue
  fi
  echo "==> building $name from $pkg (a cold build takes a few minutes)"
  start=$(date +%s)
  build=(build)
  [ -z "${TESTBIN[$name]:-}" ] || build=(test -c)
  (cd "$dir" && CGO_ENABLED=0 go "${build[@]}" -trimpath -ldflags "$(ldflags_of "$dir")" -o "$OUT_ABS/$name" "$pkg")
  echo "$stamp" > "$OUT_DIR/.$name.stamp"
  echo "==> $name built in $(( $(date +%s) - start ))s"
done
