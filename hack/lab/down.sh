#!/usr/bin/env bash
# make lab-down: stops and removes the lab cluster (processes, etcd data,
# logs, kubeconfig). The built binaries stay cached in _output/bin and bin/.
set -euo pipefail
# shellcheck source=hack/lab/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if [ ! -e "$CLUSTER_DIR" ]; then
  echo "lab: no cluster $LAB_NAME under $KWOK_WORKDIR"
  rm -f "$LAB_KUBECONFIG"
  exit 0
fi
[ -x "$TOOLS/kwokctl" ] || hack/build-binaries.sh kwokctl
kwokctl delete cluster --kubeconfig "$LAB_KUBECONFIG" 2>&1 | kwokctl_log
rm -f "$LAB_KUBECONFIG"
echo "lab: cluster $LAB_NAME removed"
