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

# make lab: a local lab cluster with ha-scheduler as its scheduler (SPEC §6).
#
#   1. builds (cached) etcd, kube-apiserver, kube-controller-manager, kubectl,
#      kwok and kwokctl from the pinned Go modules (hack/build-binaries.sh),
#      bin/ha-scheduler (make build) and bin/ha-check;
#   2. starts them with `kwokctl create cluster --runtime binary` as local
#      processes on 127.0.0.1, bin/ha-scheduler as the cluster's kube-scheduler
#      running manifests/replacement/config.yaml (replacement mode);
#   3. creates the topology (hack/lab/manifests/nodes.yaml: kwok fake nodes),
#      installs the admission policies (manifests/admission) and the
#      workloads (kube-system.yaml, shop.yaml);
#   4. waits until every pod but shop/sneaky is bound and Running, prints where
#      everything landed, why sneaky is Pending and that a pod naming a
#      control-plane node is refused, and runs the checker.
#
# Exit code: the checker's (0 pass, 2 fail, 1 error); 1 when the lab fails to
# come up. An existing lab cluster of the same name is replaced.
#
# Environment: LAB_NAME (ha-lab), LAB_DIR (.lab), LAB_TIMEOUT (seconds to wait
# for the workloads, 300), LAB_SCHEDULER_CONFIG (the scheduler configuration,
# manifests/replacement/config.yaml).
# For make e2e (hack/e2e), which runs upstream's tests on labs of the same
# topology:
#   LAB_SCHEDULER    ha (bin/ha-scheduler, the default) or stock (upstream's
#                    kube-scheduler, _output/bin/kube-scheduler; without
#                    LAB_SCHEDULER_CONFIG it runs as kubeadm runs it: no
#                    configuration file, the default profile);
#   LAB_SECONDARY_CONFIG  when set, bin/ha-scheduler also runs beside the
#                    cluster's scheduler with this configuration (secondary
#                    mode: manifests/secondary/config.yaml);
#   LAB_SCHEDULER_VERBOSITY  the schedulers' -v (default: kwokctl's);
#   LAB_WORKLOADS    demo (the default) or none: the nodes only, no
#                    workloads, placement or checker.
set -euo pipefail
# shellcheck source=hack/lab/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
LAB_TIMEOUT=${LAB_TIMEOUT:-300}
MANIFESTS=$ROOT/hack/lab/manifests
LAB_SCHEDULER=${LAB_SCHEDULER:-ha}
LAB_WORKLOADS=${LAB_WORKLOADS:-demo}
# An empty LAB_SCHEDULER_CONFIG means no configuration file.
case $LAB_SCHEDULER in
  ha) SCHEDULER_BIN=$ROOT/bin/ha-scheduler; SCHEDULER_CONFIG=${LAB_SCHEDULER_CONFIG-$ROOT/manifests/replacement/config.yaml} ;;
  stock) SCHEDULER_BIN=$TOOLS/kube-scheduler; SCHEDULER_CONFIG=${LAB_SCHEDULER_CONFIG-} ;;
  *) echo "lab: LAB_SCHEDULER=$LAB_SCHEDULER: want ha or stock" >&2; exit 1 ;;
esac
case $LAB_WORKLOADS in
  demo|none) ;;
  *) echo "lab: LAB_WORKLOADS=$LAB_WORKLOADS: want demo or none" >&2; exit 1 ;;
esac

step "building the binaries (cached; a cold build takes many minutes on a small machine)"
# A cold Kubernetes build is silent for minutes: say that it is still going.
( while sleep 60 >/dev/null 2>&1; do info "... still building ($(( $(date +%s) - LAB_START ))s)"; done ) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null || true' EXIT
binaries=(etcd kube-apiserver kube-controller-manager kubectl kwok kwokctl)
[ "$LAB_SCHEDULER" = ha ] || binaries+=(kube-scheduler)
hack/build-binaries.sh "${binaries[@]}" 2>&1 | indent
info "==> make build (bin/ha-scheduler, bin/ha-check)"
make --no-print-directory build 2>&1 | indent
if ! make -n build | grep -q -- '-o bin/ha-check'; then
  CGO_ENABLED=0 go build -trimpath -o bin/ha-check ./cmd/ha-check
fi
kill "$ticker" 2>/dev/null || true
info "$(bin/ha-scheduler --version)"
[ "$LAB_SCHEDULER" = ha ] || info "$("$SCHEDULER_BIN" --version) (${SCHEDULER_BIN#"$ROOT"/})"

if [ -e "$CLUSTER_DIR" ]; then
  step "replacing the previous lab cluster $LAB_NAME"
  "$ROOT/hack/lab/down.sh" | indent
fi

step "starting cluster $LAB_NAME (kwokctl, binary runtime, 127.0.0.1 only)"
mkdir -p "$LAB_DIR"
# kwokctl copies the scheduler config into its workdir and points its
# clientConnection.kubeconfig at the cluster's own kubeconfig, so the shipped
# file (kubeconfig /etc/kubernetes/scheduler.conf) is used as it is: the lab
# always runs exactly what manifests/replacement ships.
# kubectl has no flag, only KWOK_KUBECTL_BINARY (used by `kwokctl kubectl`).
# --kubeconfig: the context goes to a file of its own, never ~/.kube/config.
# hack/lab/kwok-stages.yaml: how the fake kubelets behave (kwokctl's own
# stages, with two changes, said there).
extra=()
[ -z "$SCHEDULER_CONFIG" ] || extra+=(--kube-scheduler-config "$SCHEDULER_CONFIG")
[ -z "${LAB_SCHEDULER_VERBOSITY:-}" ] || extra+=(--extra-args "kube-scheduler=v=$LAB_SCHEDULER_VERBOSITY")
KWOK_KUBECTL_BINARY=$TOOLS/kubectl kwokctl --config "$ROOT/hack/lab/kwokctl.yaml" --config "$ROOT/hack/lab/kwok-stages.yaml" create cluster \
  --runtime binary \
  --etcd-binary "$TOOLS/etcd" \
  --kube-apiserver-binary "$TOOLS/kube-apiserver" \
  --kube-controller-manager-binary "$TOOLS/kube-controller-manager" \
  --kube-scheduler-binary "$SCHEDULER_BIN" \
  --kwok-controller-binary "$TOOLS/kwok" \
  "${extra[@]}" \
  --kubeconfig "$LAB_KUBECONFIG" \
  --wait 2m --timeout 5m 2>&1 | kwokctl_log
info "kubeconfig: $LAB_KUBECONFIG"
if [ -n "$SCHEDULER_CONFIG" ]; then
  info "scheduler:  ${SCHEDULER_BIN#"$ROOT"/} --config $CLUSTER_DIR/scheduler.yaml (from ${SCHEDULER_CONFIG#"$ROOT"/})"
else
  info "scheduler:  ${SCHEDULER_BIN#"$ROOT"/} --kubeconfig $CLUSTER_DIR/kubeconfig.yaml (no configuration file)"
fi
info "logs:       $CLUSTER_DIR/logs/"

if [ -n "${LAB_SECONDARY_CONFIG:-}" ]; then
  step "starting bin/ha-scheduler beside the cluster's scheduler (secondary mode: ${LAB_SECONDARY_CONFIG#"$ROOT"/})"
  start_secondary_scheduler "$LAB_SECONDARY_CONFIG"
fi

step "creating the topology: 3 control-plane, 2 infra, 9 worker nodes (kwok fake nodes)"
kubectl apply -f "$MANIFESTS/nodes.yaml" | indent
kubectl wait --for=condition=Ready node --all --timeout=120s >/dev/null
info "all nodes Ready"

if [ "$LAB_WORKLOADS" = none ]; then
  step "lab $LAB_NAME is up (no workloads: LAB_WORKLOADS=none)"
  info "export KUBECONFIG=$LAB_KUBECONFIG"
  exit 0
fi

# As manifests/secondary does, with the labels ha-check looks for: the
# checker then audits with the policy the lab's scheduler runs, no flags.
# (The secondary scheduler's, in secondary mode; none without a file.)
published=${LAB_SECONDARY_CONFIG:-$SCHEDULER_CONFIG}
if [ -n "$published" ]; then
  step "publishing the scheduler configuration (ConfigMap kube-system/ha-scheduler-config)"
  kubectl -n kube-system create configmap ha-scheduler-config --from-file=config.yaml="$published" --dry-run=client -o yaml |
    kubectl label --local -f - -o yaml app.kubernetes.io/part-of=ha-scheduler app.kubernetes.io/component=scheduler-config |
    kubectl apply -f - | indent
fi

step "installing the admission policies (manifests/admission: DaemonSets, reserved nodes, reserved priorities)"
kubectl apply --server-side -k "$ROOT/manifests/admission" | indent

step "creating the workloads (kube-system components, shop/web, shop/sneaky)"
kubectl apply -f "$MANIFESTS/namespaces.yaml" | indent
# Pods are refused until their namespace's default ServiceAccount exists.
for ns in kube-system shop; do
  for i in $(seq 120); do
    kubectl -n "$ns" get serviceaccount default >/dev/null 2>&1 && break
    [ "$i" -lt 120 ] || { echo "lab: no ServiceAccount $ns/default after 120s (kube-controller-manager down? see $CLUSTER_DIR/logs/)" >&2; exit 1; }
    sleep 1
  done
done
kubectl apply -f "$MANIFESTS/kube-system.yaml" -f "$MANIFESTS/shop.yaml" | indent

step "waiting until every pod but shop/sneaky is bound and Running (up to ${LAB_TIMEOUT}s)"
# One line per controller: kind namespace/name desired ready.
controllers_tpl='{{range .items}}{{.kind}} {{.metadata.namespace}}/{{.metadata.name}} {{if .spec.replicas}}{{.spec.replicas}}{{else}}{{or .status.desiredNumberScheduled 0}}{{end}} {{or .status.readyReplicas .status.numberReady 0}}{{"\n"}}{{end}}'
# One line per pod: namespace/name node phase.
pods_tpl='{{range .items}}{{.metadata.namespace}}/{{.metadata.name}} {{or .spec.nodeName "-"}} {{.status.phase}}{{"\n"}}{{end}}'
deadline=$(( $(date +%s) + LAB_TIMEOUT ))
last=""
while :; do
  waiting=$(kubectl get deployments,statefulsets,daemonsets -A -o go-template="$controllers_tpl" |
    awk '$3 == 0 || $4 < $3 {printf "%s %s %s/%s ready; ", $1, $2, $4, $3}')
  pods=$(kubectl get pods -A -o go-template="$pods_tpl" | grep -v '^shop/sneaky ' || true)
  total=$(grep -c . <<<"$pods" || true)
  bound=$(awk '$2 != "-"' <<<"$pods" | grep -c . || true)
  running=$(awk '$3 == "Running"' <<<"$pods" | grep -c . || true)
  sneaky=$(kubectl -n shop get pod sneaky -o jsonpath='{.status.conditions[?(@.type=="PodScheduled")].status}' 2>/dev/null || true)
  if [ -z "$waiting" ] && [ "$total" -gt 0 ] && [ "$running" -eq "$total" ] && [ -n "$sneaky" ]; then
    info "$total pods bound and Running"
    break
  fi
  line="pods bound $bound/$total, Running $running/$total${waiting:+; waiting for ${waiting%; }}"
  [ "$line" = "$last" ] || info "$line"
  last=$line
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "lab: workloads not ready after ${LAB_TIMEOUT}s; pending pods:" >&2
    kubectl get pods -A --field-selector=status.phase!=Running -o wide >&2 || true
    kubectl get events -A --field-selector=reason=FailedScheduling >&2 || true
    echo "lab: the cluster is left running for inspection (KUBECONFIG=$LAB_KUBECONFIG); make lab-down removes it" >&2
    exit 1
  fi
  sleep 2
done

step "placement"
"$ROOT/hack/lab/placement.sh"

step "shop/sneaky (a user pod that tolerates everything and selects control-plane nodes)"
kubectl -n shop get pod sneaky -o go-template='{{.status.phase}}{{with .spec.nodeName}} on node {{.}}{{end}}{{range .status.conditions}}{{if and (eq .type "PodScheduled") (eq .status "False")}}: {{.reason}}: {{.message}}{{end}}{{end}}{{"\n"}}' | indent

step "shop/pinned (a user pod that names a control-plane node itself: no scheduler ever sees it)"
# The reserved-nodes admission policy refuses it; a policy takes a moment
# to be enforced after it is created, so retry while it is still admitted.
pinned_refused=""
for _ in $(seq 30); do
  if out=$(kubectl -n shop run pinned --image=busybox:1.37 --restart=Never \
      --overrides='{"apiVersion":"v1","spec":{"nodeName":"cp-a"}}' --dry-run=server -o name 2>&1); then
    sleep 1
    continue
  fi
  pinned_refused=$out
  break
done
if [ -n "$pinned_refused" ]; then
  info "refused: ${pinned_refused#Error from server*: }"
else
  echo "lab: shop/pinned on cp-a was admitted: the reserved-nodes admission policy is not enforced" >&2
  exit 1
fi

step "checker: bin/ha-check --kubeconfig ${LAB_KUBECONFIG#"$ROOT"/}"
set +e
bin/ha-check --kubeconfig "$LAB_KUBECONFIG"
rc=$?
set -e
case $rc in
  0) verdict="PASS" ;;
  2) verdict="FAIL (findings above)" ;;
  *) verdict="ERROR (exit $rc)" ;;
esac

step "lab $LAB_NAME is up; checker verdict: $verdict"
info "export KUBECONFIG=$LAB_KUBECONFIG"
info "_output/bin/kubectl get pods -A -o wide      # look around"
info "tail -f $CLUSTER_DIR/logs/kube-scheduler.log  # ha-scheduler's log"
info "make lab-down                                  # remove the cluster"
exit $rc
