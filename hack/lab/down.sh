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

# make lab-down: stops and removes the lab cluster (processes, the secondary
# ha-scheduler if up.sh started one, etcd data, logs, kubeconfig). The built
# binaries stay cached in _output/bin and bin/.
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
stop_secondary_scheduler
kwokctl delete cluster --kubeconfig "$LAB_KUBECONFIG" 2>&1 | kwokctl_log
rm -f "$LAB_KUBECONFIG"
echo "lab: cluster $LAB_NAME removed"
