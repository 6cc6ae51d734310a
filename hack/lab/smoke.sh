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

# make test-lab: the lab's smoke test. Creates the lab (hack/lab/up.sh),
# asserts that the checker passes (exit 0) with the policy of the lab's
# scheduler configuration (found in the cluster), that no user pod (outside
# kube-system) sits on a control-plane node and that shop/sneaky stays
# Pending, then removes the lab, pass or fail.
set -euo pipefail
# shellcheck source=hack/lab/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

trap 'step "removing the lab"; hack/lab/down.sh' EXIT
fail=0

rc=0
hack/lab/up.sh || rc=$?

step "smoke test assertions"
if [ "$rc" -eq 0 ]; then
  echo "ok: lab up, checker passed (exit 0)"
else
  echo "FAIL: hack/lab/up.sh exited $rc (the checker's verdict, or the lab did not come up)"
  fail=1
fi

if [ -e "$LAB_KUBECONFIG" ]; then
  cp_nodes=$(kubectl get nodes -l node-role.kubernetes.io/control-plane -o go-template='{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}')
  if [ -z "$cp_nodes" ]; then
    echo "FAIL: the lab has no control-plane node"
    fail=1
  fi
  on_cp=$(kubectl get pods -A -o go-template='{{range .items}}{{if ne .metadata.namespace "kube-system"}}{{.metadata.namespace}}/{{.metadata.name}} {{or .spec.nodeName "-"}}{{"\n"}}{{end}}{{end}}' |
    awk 'NR == FNR { cp[$1] = 1; next } ($2 in cp) { print "  " $1 " on " $2 }' <(echo "$cp_nodes") -)
  if [ -n "$on_cp" ]; then
    echo "FAIL: user pods on control-plane nodes:"
    echo "$on_cp"
    fail=1
  else
    echo "ok: no user pod on a control-plane node ($(echo "$cp_nodes" | paste -sd ' '))"
  fi
  # A fresh lab has nothing to warn about: every warning would be a false
  # alarm on the lab's own set-up.
  verdict=$(bin/ha-check --kubeconfig "$LAB_KUBECONFIG" 2>/dev/null | grep '^Verdict:' || true)
  if [ "$verdict" = "Verdict: PASS (0 fail, 0 warn)" ]; then
    echo "ok: ha-check on the fresh lab: $verdict"
  else
    echo "FAIL: ha-check on the fresh lab: ${verdict:-no verdict}, want Verdict: PASS (0 fail, 0 warn); its findings:"
    bin/ha-check --kubeconfig "$LAB_KUBECONFIG" 2>&1 | grep -E '^  (WARN|FAIL) ' || true
    fail=1
  fi
  # The checker found the scheduler's configuration in the cluster.
  source_line=$(bin/ha-check policy --kubeconfig "$LAB_KUBECONFIG" | head -1 || true)
  want_source="# Effective policy: ConfigMap kube-system/ha-scheduler-config, profile default-scheduler."
  if [ "$source_line" = "$want_source" ]; then
    echo "ok: ha-check policy: ${source_line#\# }"
  else
    echo "FAIL: ha-check policy should read the lab's ConfigMap; first line: $source_line"
    fail=1
  fi
  # A component added to the scheduler's configuration (in the ConfigMap)
  # is audited by the checker, no flag: lab-dns, put before kube-dns.
  base=$(kubectl -n kube-system get configmap ha-scheduler-config -o jsonpath='{.data.config\.yaml}')
  {
    sed -n '1,/^  pluginConfig:$/p' <<<"$base"
    bin/ha-check policy --kubeconfig "$LAB_KUBECONFIG" | grep -v '^#' | tail -n +2 |
      awk '{ print "  " $0 }
           /^    components:$/ { print "      - name: lab-dns\n        selectors: [{matchLabels: {k8s-app: kube-dns}}]\n        nodeRole: ControlPlane\n        spread: Required" }'
    printf '  - name: DisruptionGuard\n    args:\n      mode: Strict\n'
  } >"$LAB_DIR/custom-config.yaml"
  kubectl -n kube-system create configmap ha-scheduler-config --from-file=config.yaml="$LAB_DIR/custom-config.yaml" --dry-run=client -o yaml |
    kubectl label --local -f - -o yaml app.kubernetes.io/part-of=ha-scheduler app.kubernetes.io/component=scheduler-config |
    kubectl apply -f - >/dev/null
  custom_row=$(bin/ha-check --kubeconfig "$LAB_KUBECONFIG" 2>&1 | grep -E '^  kube-system/lab-dns +ControlPlane +Required ' || true)
  if [ -n "$custom_row" ]; then
    echo "ok: a component added to the scheduler's configuration is audited without a flag:"
    echo "$custom_row"
  else
    echo "FAIL: ha-check does not report the component lab-dns added to the ConfigMap's policy ($LAB_DIR/custom-config.yaml)"
    fail=1
  fi
  sneaky=$(kubectl -n shop get pod sneaky -o go-template='{{.status.phase}} {{or .spec.nodeName "-"}}' 2>/dev/null || echo "missing -")
  why=$(kubectl -n shop get pod sneaky -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].message}' 2>/dev/null || true)
  if [ "$sneaky" = "Pending -" ] && [[ $why == *"reserved for control-plane components"* ]]; then
    echo "ok: shop/sneaky is Pending: $why"
  else
    echo "FAIL: shop/sneaky should be Pending, kept off the control-plane nodes by WorkloadSeparation; is: $sneaky: $why"
    fail=1
  fi
fi

if [ "$fail" -ne 0 ]; then
  echo "test-lab: FAIL"
  exit 1
fi
echo "test-lab: PASS"
