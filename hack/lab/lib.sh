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

# Secondary mode (LAB_SECONDARY_CONFIG, up.sh): bin/ha-scheduler as a second
# scheduler beside the cluster's, a process of its own that down.sh stops.
SECONDARY_PID=$CLUSTER_DIR/ha-scheduler-secondary.pid
SECONDARY_LOG=$CLUSTER_DIR/logs/ha-scheduler-secondary.log

# start_secondary_scheduler CONFIG starts bin/ha-scheduler with CONFIG, as
# shipped but for clientConnection.kubeconfig, pointed at the cluster (as
# kwokctl does for the cluster's scheduler), and waits until it leads.
# --secure-port=0: no serving port, so it never meets the cluster's
# scheduler's (or another lab's) port; the lease says it is up.
start_secondary_scheduler() {
  local config=$1 conf=$CLUSTER_DIR/ha-scheduler-secondary.yaml lease_ns lease_name holder i
  {
    printf 'clientConnection:\n  kubeconfig: %s\n' "$CLUSTER_DIR/kubeconfig.yaml"
    awk '/^clientConnection:/ { skip = 1; next } skip && /^[^ #]/ { skip = 0 } !skip' "$config"
  } >"$conf"
  lease_ns=$(sed -n 's/^  resourceNamespace: *//p' "$conf")
  lease_name=$(sed -n 's/^  resourceName: *//p' "$conf")
  nohup "$ROOT/bin/ha-scheduler" --config "$conf" --secure-port=0 ${LAB_SCHEDULER_VERBOSITY:+--v=$LAB_SCHEDULER_VERBOSITY} \
    >"$SECONDARY_LOG" 2>&1 </dev/null &
  echo $! >"$SECONDARY_PID"
  for i in $(seq 60); do
    holder=$(kubectl -n "${lease_ns:-kube-system}" get lease "${lease_name:-kube-scheduler}" -o jsonpath='{.spec.holderIdentity}' 2>/dev/null || true)
    if [ -n "$holder" ] && kill -0 "$(cat "$SECONDARY_PID")" 2>/dev/null; then
      info "ha-scheduler leads (lease ${lease_ns:-kube-system}/${lease_name:-kube-scheduler}: $holder); log: $SECONDARY_LOG"
      return 0
    fi
    if ! kill -0 "$(cat "$SECONDARY_PID")" 2>/dev/null || [ "$i" -eq 60 ]; then
      echo "lab: the secondary ha-scheduler did not start; its log ($SECONDARY_LOG):" >&2
      tail -n 30 "$SECONDARY_LOG" >&2
      return 1
    fi
    sleep 1
  done
}

# stop_secondary_scheduler stops the process start_secondary_scheduler
# started, if it still runs.
stop_secondary_scheduler() {
  local pid i
  [ -f "$SECONDARY_PID" ] || return 0
  pid=$(cat "$SECONDARY_PID")
  if grep -q ha-scheduler "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$SECONDARY_PID"
}
