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

# Shared settings of hack/lab/{up,down,smoke}.sh; sourced, not run.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# LAB_NAME: kwokctl's cluster name. LAB_DIR: everything the lab writes
# (gitignored): kwokctl's workdir (clusters/, logs, pki, etcd data) and the
# kubeconfig.
LAB_NAME=${LAB_NAME:-ha-lab}
LAB_DIR=${LAB_DIR:-$ROOT/.lab}
LAB_KUBECONFIG=$LAB_DIR/kubeconfig
TOOLS=$ROOT/_output/bin
# kwokctl keeps its clusters under $KWOK_WORKDIR (default ~/.kwok): keep the
# lab's inside the repository so it never meets the user's own kwok clusters.
export KWOK_WORKDIR=$LAB_DIR/kwok
CLUSTER_DIR=$KWOK_WORKDIR/clusters/$LAB_NAME

LAB_START=${LAB_START:-$(date +%s)}
export LAB_START

# step prints a progress line with the time since the lab started.
step() { printf '\n==> [%3ds] %s\n' "$(( $(date +%s) - LAB_START ))" "$*"; }
info() { printf '    %s\n' "$*"; }

# indent copies its input, indented, line by line as it comes (sed would
# buffer it when the output is not a terminal).
indent() { local l; while IFS= read -r l || [ -n "$l" ]; do printf '    %s\n' "$l"; done; }

# kwokctl logs JSON when not on a terminal: its INFO lines shortened to the
# message, anything else as it is; indented.
kwokctl_log() {
  local l re='^\{.*"level":"INFO".*"msg":"([^"]*)"'
  while IFS= read -r l || [ -n "$l" ]; do
    [[ $l =~ $re ]] && l="kwokctl: ${BASH_REMATCH[1]}"
    printf '    %s\n' "$l"
  done
}

kwokctl() { "$TOOLS/kwokctl" --name "$LAB_NAME" "$@"; }
kubectl() { "$TOOLS/kubectl" --kubeconfig "$LAB_KUBECONFIG" "$@"; }
