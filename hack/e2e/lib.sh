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

# Shared by hack/e2e/run.sh (make e2e) and hack/e2e/conformance.sh
# (make test-conformance): labs for upstream's e2e tests and the runs of
# e2e.test against them. Sourced, not run.
# shellcheck shell=bash

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TOOLS=$E2E_ROOT/_output/bin
# E2E_LABS: the labs' kwokctl workdirs and kubeconfigs, one directory each.
E2E_LABS=${E2E_LABS:-$E2E_ROOT/.lab/e2e}
# The scheduler's log level in every lab: the log of a test that differs is
# kept (-v=4: each pod's filter and score decisions).
E2E_VERBOSITY=${E2E_VERBOSITY:-4}
# E2E_SKIP: a ginkgo skip (regular expression) added to hack/e2e/skip.txt's.
E2E_SKIP=${E2E_SKIP:-}
# E2E_TAINT_INFRA: 1 taints the labs' infra nodes (start_lab), 0 does not.
E2E_TAINT_INFRA=${E2E_TAINT_INFRA:-1}
# ha-scheduler's configuration in each mode: the shipped ones.
E2E_REPLACEMENT_CONFIG=${E2E_REPLACEMENT_CONFIG:-$E2E_ROOT/manifests/replacement/config.yaml}
E2E_SECONDARY_CONFIG=${E2E_SECONDARY_CONFIG:-$E2E_ROOT/manifests/secondary/config.yaml}
E2E_START=${E2E_START:-$(date +%s)}
export LAB_START=$E2E_START

step() { printf '\n==> [%4ds] %s\n' "$(( $(date +%s) - E2E_START ))" "$*"; }
info() { printf '    %s\n' "$*"; }
indent() { local l; while IFS= read -r l || [ -n "$l" ]; do printf '    %s\n' "$l"; done; }

# The labs this run started, for cleanup.
E2E_STARTED=()

lab_dir() { echo "$E2E_LABS/$1"; }
lab_kubeconfig() { echo "$E2E_LABS/$1/kubeconfig"; }
lab_kubectl() { local name=$1; shift; "$TOOLS/kubectl" --kubeconfig "$(lab_kubeconfig "$name")" "$@"; }
# lab_env NAME: the environment of hack/lab/*.sh for the lab NAME.
lab_env() { echo "LAB_NAME=e2e-$1 LAB_DIR=$(lab_dir "$1")"; }
# The log of the scheduler that schedules the test pods in lab NAME.
lab_scheduler_log() {
  local dir
  dir=$(lab_dir "$1")/kwok/clusters/e2e-$1/logs
  if [ -f "$dir/ha-scheduler-secondary.log" ]; then
    echo "$dir/ha-scheduler-secondary.log"
  else
    echo "$dir/kube-scheduler.log"
  fi
}

# start_lab NAME MODE starts the lab NAME with the lab's topology and no
# demo workloads (hack/lab/up.sh, LAB_WORKLOADS=none), scheduled in MODE:
#   stock        upstream's kube-scheduler, as kubeadm runs it;
#   replacement  ha-scheduler with manifests/replacement/config.yaml
#                (E2E_REPLACEMENT_CONFIG);
#   secondary    upstream's kube-scheduler and, beside it, ha-scheduler with
#                manifests/secondary/config.yaml (E2E_SECONDARY_CONFIG);
#                manifests/admission-routing
#                as shipped, and every e2e namespace opted in to it
#                (hack/e2e/manifests/route-e2e-namespaces.yaml).
# Then the per-node pods the e2e framework waits for
# (hack/e2e/manifests/node-daemons.yaml). Its output goes to the lab's
# up.log; on failure the end of it is printed.
start_lab() {
  local name=$1 mode=$2 dir log
  local -a env
  dir=$(lab_dir "$name")
  mkdir -p "$dir"
  log=$dir/up.log
  env=(LAB_NAME="e2e-$name" LAB_DIR="$dir" LAB_WORKLOADS=none LAB_SCHEDULER_VERBOSITY="$E2E_VERBOSITY")
  case $mode in
    stock) env+=(LAB_SCHEDULER=stock) ;;
    replacement) env+=(LAB_SCHEDULER=ha LAB_SCHEDULER_CONFIG="$E2E_REPLACEMENT_CONFIG") ;;
    secondary) env+=(LAB_SCHEDULER=stock LAB_SECONDARY_CONFIG="$E2E_SECONDARY_CONFIG") ;;
    *) echo "e2e: unknown mode $mode" >&2; return 1 ;;
  esac
  E2E_STARTED+=("$name")
  if ! env "${env[@]}" "$E2E_ROOT/hack/lab/up.sh" >"$log" 2>&1; then
    echo "e2e: lab $name did not come up; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
  grep -E '^    (kubeconfig|scheduler|logs):|ha-scheduler leads' "$log" || true
  # The infra nodes tainted (docs/conformance.md, "The labs"): upstream's
  # tests take every untainted node for one a test pod may use, and
  # ha-scheduler keeps user pods off infra nodes. E2E_TAINT_INFRA=0 leaves
  # them untainted, to see that difference.
  if [ "$E2E_TAINT_INFRA" = 1 ]; then
    lab_kubectl "$name" taint nodes -l node-role.kubernetes.io/infra node-role.kubernetes.io/infra=:NoSchedule --overwrite >/dev/null
  fi
  lab_kubectl "$name" apply -f "$E2E_ROOT/hack/e2e/manifests/node-daemons.yaml" >/dev/null
  if [ "$mode" = secondary ]; then
    lab_kubectl "$name" apply -k "$E2E_ROOT/manifests/admission-routing" >/dev/null
    lab_kubectl "$name" apply -f "$E2E_ROOT/hack/e2e/manifests/route-e2e-namespaces.yaml" >/dev/null
    info "routing: manifests/admission-routing (as shipped); e2e namespaces opt in (hack/e2e/manifests/route-e2e-namespaces.yaml)"
  fi
  lab_kubectl "$name" -n kube-system rollout status daemonset --timeout=120s >/dev/null
  info "server: $(lab_kubectl "$name" version -o json | sed -n 's/.*"gitVersion": "\(.*\)".*/\1/p' | tail -1) (kubectl version)"
}

# forget_lab NAME: the lab was removed, the cleanup leaves it alone.
forget_lab() {
  local name kept=()
  for name in "${E2E_STARTED[@]}"; do
    [ "$name" = "$1" ] || kept+=("$name")
  done
  E2E_STARTED=("${kept[@]}")
}

# keep_logs NAME OUT copies the scheduler logs of lab NAME into OUT (the lab
# and its directory go when it is removed) and prints how many pods outside
# kube-system (the tests' pods) each scheduler bound. In secondary mode it
# fails unless ha-scheduler bound every one: routed pods only, or the
# comparison would be of the stock scheduler with itself. Scheduler logs
# name each binding from -v=2 up.
keep_logs() {
  local name=$1 out=$2 dir log bound stock_bound=0 ha_bound=0
  dir=$(lab_dir "$name")/kwok/clusters/e2e-$name/logs
  mkdir -p "$out"
  for log in kube-scheduler.log ha-scheduler-secondary.log; do
    [ -f "$dir/$log" ] || continue
    cp "$dir/$log" "$out/$log"
    bound=$(grep '"Successfully bound pod to node"' "$dir/$log" | grep -vc ' pod="kube-system/' || true)
    info "${out#"$E2E_ROOT"/}/$log: $bound test pods bound"
    case $log in
      kube-scheduler.log) stock_bound=$bound ;;
      *) ha_bound=$bound ;;
    esac
  done
  if [ -f "$dir/ha-scheduler-secondary.log" ] && { [ "$stock_bound" -ne 0 ] || [ "$ha_bound" -eq 0 ]; }; then
    echo "e2e: lab $name (secondary mode): the stock scheduler bound $stock_bound test pods, ha-scheduler $ha_bound; the routing policy did not route every test pod to ha-scheduler" >&2
    return 1
  fi
}

# stop_labs removes every lab this run started; the cleanup of a trap, so
# it never fails.
stop_labs() {
  local name
  for name in "${E2E_STARTED[@]}"; do
    env LAB_NAME="e2e-$name" LAB_DIR="$(lab_dir "$name")" "$E2E_ROOT/hack/lab/down.sh" >/dev/null 2>&1 || true
  done
  E2E_STARTED=()
}

# regexps FILE joins the regular expressions of FILE (one a line, # starts
# a comment) into one.
regexps() { sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "$1" | paste -sd '|'; }

# e2e_skip is the ginkgo skip: the tests of hack/e2e/skip.txt (each with the
# reason it cannot run on a kwok lab) and E2E_SKIP.
e2e_skip() {
  local skip
  skip=$(regexps "$E2E_ROOT/hack/e2e/skip.txt")
  [ -z "$E2E_SKIP" ] || skip="${skip:+$skip|}$E2E_SKIP"
  echo "$skip"
}

# FEW_NODES: the tests that run with one worker per zone schedulable
# (hack/e2e/few-nodes.txt, each with the reason).
FEW_NODES=$(regexps "$E2E_ROOT/hack/e2e/few-nodes.txt")

# few_nodes NAME cordons every worker of lab NAME but the first of each zone
# (the nodes' order is the lab's, hack/lab/manifests/nodes.yaml); all_nodes
# NAME uncordons them again.
few_nodes() {
  local name=$1 node zone
  declare -A kept=()
  while read -r node zone; do
    if [ -z "${kept[$zone]:-}" ]; then
      kept[$zone]=$node
    else
      lab_kubectl "$name" cordon "$node" >/dev/null
    fi
  done < <(lab_kubectl "$name" get nodes -l '!node-role.kubernetes.io/control-plane,!node-role.kubernetes.io/infra' \
    -o go-template='{{range .items}}{{.metadata.name}} {{index .metadata.labels "topology.kubernetes.io/zone"}}{{"\n"}}{{end}}' | sort)
  info "schedulable workers: ${kept[*]} (the others cordoned)"
}
all_nodes() { lab_kubectl "$1" uncordon -l '!node-role.kubernetes.io/control-plane,!node-role.kubernetes.io/infra' >/dev/null; }

# run_e2e NAME FOCUS REPORT LOG [SKIP] runs upstream's e2e.test against lab
# NAME: the tests FOCUS selects (a ginkgo focus) but those e2e_skip and SKIP
# skip, one at a time, in the same order on every lab (a fixed seed). The JSON report goes to REPORT, the whole output to LOG; a progress
# line is printed as each test ends. Returns 0 whatever the tests' outcome
# (the report says it); non-zero when e2e.test could not run them.
run_e2e() {
  local name=$1 focus=$2 report=$3 log=$4 skip rc=0
  skip=$(e2e_skip)
  [ -z "${5:-}" ] || skip="${skip:+$skip|}$5"
  mkdir -p "$(dirname "$report")" "$(dirname "$log")"
  : >"$log"
  "$TOOLS/e2e.test" \
    --kubeconfig "$(lab_kubeconfig "$name")" \
    --provider skeleton \
    --non-blocking-taints node-role.kubernetes.io/control-plane,node-role.kubernetes.io/infra \
    --kubectl-path "$TOOLS/kubectl" \
    --ginkgo.focus "$focus" \
    --ginkgo.skip "$skip" \
    --ginkgo.json-report "$report" \
    --ginkgo.seed 1 \
    --ginkgo.v --ginkgo.no-color \
    --ginkgo.timeout 3h \
    --report-dir "$(dirname "$report")" \
    --dump-logs-on-failure=false \
    --disable-log-dump \
    >"$log" 2>&1 &
  local pid=$!
  progress "$log" "$pid"
  wait "$pid" || rc=$?
  # e2e.test exits 1 when a test failed: the report tells; no report means
  # it could not run at all.
  if [ ! -s "$report" ]; then
    echo "e2e: e2e.test exited $rc without a report; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

# progress LOG PID prints a line for each test that ends in e2e.test's
# output LOG (ginkgo -v: a test's full text and labels when it starts,
# "• [3.2 seconds]", "• [FAILED] [...]" or "S [SKIPPED] [...]" when it ends)
# while the process PID runs.
progress() {
  local log=$1 pid=$2 line name="" state secs n=0
  # tail exits 1 when the file was not there when it started: the log is
  # created before e2e.test starts, and tail's code does not matter.
  { tail -n +1 -F --pid "$pid" "$log" 2>/dev/null || true; } | while IFS= read -r line; do
    case $line in
      "[sig-"*) name=${line% \[*\]} ;;
      "• ["*|"S [SKIPPED]"*)
        case $line in
          "• [FAILED]"*) state=FAILED ;;
          "• [PANICKED]"*) state=PANICKED ;;
          "• [TIMEDOUT]"*) state=TIMEDOUT ;;
          "• [INTERRUPTED]"*) state=INTERRUPTED ;;
          "S [SKIPPED]"*) state=skipped ;;
          *) state=passed ;;
        esac
        n=$((n + 1))
        secs=${line##* \[}
        printf '    [%4ds] %3d %-7s %s (%ss)\n' "$(( $(date +%s) - E2E_START ))" "$n" "$state" "${name:-?}" "${secs% seconds\]}"
        name=""
        ;;
    esac
  done
}

# quote_regexp prints its argument with the metacharacters of a regular
# expression escaped (Go's regexp.QuoteMeta).
quote_regexp() { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }

# few_nodes_tests prints the names of the tests FOCUS selects that
# hack/e2e/few-nodes.txt lists and hack/e2e/skip.txt does not skip
# (e2e.test --list-tests lists every test as FILE:LINE: NAME).
few_nodes_tests() {
  local focus=$1 skip
  [ -n "$FEW_NODES" ] || return 0
  skip=$(e2e_skip)
  "$TOOLS/e2e.test" --list-tests 2>/dev/null | sed 's/^ *[^ ]*: //' | grep -E -- "$focus" | grep -E -- "$FEW_NODES" |
    { if [ -n "$skip" ]; then grep -vE -- "$skip" || true; else cat; fi; } | sort -u
}

# run_lab_tests NAME FOCUS OUT runs the tests FOCUS selects on lab NAME into
# the directory OUT: the tests of hack/e2e/few-nodes.txt in a pass of their
# own (report-few-nodes.json, e2e-few-nodes.log) with one worker per zone
# schedulable, the others in one pass (report.json, e2e.log).
run_lab_tests() {
  local name=$1 focus=$2 out=$3 test few=""
  info "output: ${out#"$E2E_ROOT"/}/e2e.log"
  run_e2e "$name" "$focus" "$out/report.json" "$out/e2e.log" "$FEW_NODES"
  while IFS= read -r test; do
    few+="${few:+|} $(quote_regexp "$test")\$"
  done < <(few_nodes_tests "$focus")
  if [ -n "$few" ]; then
    info "the tests of hack/e2e/few-nodes.txt, with one worker per zone schedulable (output: ${out#"$E2E_ROOT"/}/e2e-few-nodes.log)"
    few_nodes "$name"
    run_e2e "$name" "$few" "$out/report-few-nodes.json" "$out/e2e-few-nodes.log"
    all_nodes "$name"
  fi
}
