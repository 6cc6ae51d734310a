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

# Prints where the lab's pods landed: the placement section of the checker's
# wide report (bin/ha-check -o wide), so the lab groups pods and tells node
# roles exactly as the checker does (pkg/checker/placement.go): one row per
# pod of each group (the groups of the checker's replica table, and
# namespace/label=value for the other pods) with the node, its role, zone
# and physical host; DaemonSets (one pod per node by design) as one line
# each, their pods counted per node role. Used by up.sh; run it any time
# against the lab. The policy is the one the checker finds in the cluster,
# as in up.sh's checker step.
set -euo pipefail
# shellcheck source=hack/lab/lib.sh
source "$(dirname "$0")/lib.sh"

# The checker exits 2 when its verdict is FAIL: the placement is printed
# all the same. When it cannot take a policy from the cluster (a lab run
# with LAB_SCHEDULER_CONFIG set to a configuration without ha-scheduler
# plugins, to compare), the pods are grouped by the policy of the shipped
# configuration instead. Anything else but 0 is an error (its message on
# stderr).
wide() { "$ROOT/bin/ha-check" --kubeconfig "$LAB_KUBECONFIG" -o wide "$@"; }
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
rc=0
report=$(wide 2>"$errors") || rc=$?
if [ "$rc" -eq 1 ]; then
  shipped=$ROOT/manifests/replacement/config.yaml
  info "(the cluster's policy: $(cat "$errors"); grouping by ${shipped#"$ROOT"/})"
  rc=0
  report=$(wide --config "$shipped") || rc=$?
else
  cat "$errors" >&2
fi
if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
  echo "placement: bin/ha-check -o wide exited $rc" >&2
  exit "$rc"
fi
# The section runs from its heading to the first empty line.
# Printed without its heading (up.sh's step names it) or its two-space indent.
sed -n '/^Placement (/,/^$/{/^Placement (/d;/^$/d;s/^  //;p;}' <<<"$report" | indent
