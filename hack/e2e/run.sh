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

# make e2e: upstream's own end-to-end tests of the scheduler, on the stock
# kube-scheduler and on ha-scheduler, side by side (docs/conformance.md).
#
#   1. builds (cached) upstream's e2e.test and kube-scheduler, the lab's
#      binaries and ha-scheduler;
#   2. starts a lab (hack/lab/up.sh: the lab's topology, no demo workloads)
#      scheduled by the stock kube-scheduler, and runs upstream's
#      [sig-scheduling] tests on it ([Serial] and [Conformance] included; the
#      tests of hack/e2e/skip.txt skipped, those of hack/e2e/few-nodes.txt in
#      a pass of their own, each with the reason);
#   3. for each mode (replacement, then secondary): starts a lab of the same
#      topology scheduled by ha-scheduler in that mode, runs the same tests,
#      runs each test whose outcome differs from stock's again on both labs
#      (the schedulers log at -v=4; each re-run's scheduler log is kept), and
#      removes the lab;
#   4. writes the comparison (hack/e2e/compare): passed on both, failed on
#      both, passed on stock only (a regression: exit 2), passed on ha only,
#      flaky.
#
# Everything goes to E2E_OUT (_output/e2e): per lab the e2e.test output
# (e2e.log), its JSON report and JUnit file, the schedulers' logs, the
# re-runs with the scheduler's log during each, and comparison.md. In
# secondary mode the run fails unless ha-scheduler bound every test pod.
# The labs are removed whatever happens.
#
# Environment: E2E_FOCUS (ginkgo focus, '\[sig-scheduling\]'), E2E_SKIP
# (skip these too), E2E_MODES ("replacement secondary"), E2E_OUT,
# E2E_VERBOSITY (the schedulers' -v, 4).
set -euo pipefail
# shellcheck source=hack/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$E2E_ROOT"
E2E_FOCUS=${E2E_FOCUS:-'\[sig-scheduling\]'}
E2E_MODES=${E2E_MODES:-replacement secondary}
E2E_OUT=${E2E_OUT:-$E2E_ROOT/_output/e2e}

ticker=""
cleanup() {
  [ -z "$ticker" ] || kill "$ticker" 2>/dev/null || true
  if [ ${#E2E_STARTED[@]} -gt 0 ]; then
    step "removing the labs (${E2E_STARTED[*]})"
    stop_labs
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "building (cached; a cold build of e2e.test takes many minutes on a small machine)"
( while sleep 60 >/dev/null 2>&1; do info "... still building ($(( $(date +%s) - E2E_START ))s)"; done ) &
ticker=$!
hack/build-binaries.sh etcd kube-apiserver kube-controller-manager kubectl kwok kwokctl kube-scheduler e2e.test 2>&1 | indent
make --no-print-directory build 2>&1 | indent
(cd hack/e2e && go build -o "$TOOLS/e2e-compare" ./compare)
kill "$ticker" 2>/dev/null || true
ticker=""
info "$("$TOOLS/e2e.test" --version) (e2e.test), $("$TOOLS/kube-scheduler" --version), $(bin/ha-scheduler --version)"

rm -rf "$E2E_OUT"
mkdir -p "$E2E_OUT"
info "focus: $E2E_FOCUS"
info "skip:  $(e2e_skip)"
info "output: ${E2E_OUT#"$E2E_ROOT"/}"

step "lab stock: upstream's kube-scheduler"
start_lab stock stock
step "stock: running the tests"
run_lab_tests stock "$E2E_FOCUS" "$E2E_OUT/stock"

compared=()
for mode in $E2E_MODES; do
  out=$E2E_OUT/$mode
  step "lab $mode: ha-scheduler in $mode mode"
  start_lab "$mode" "$mode"
  step "$mode: running the tests"
  run_lab_tests "$mode" "$E2E_FOCUS" "$out"

  mapfile -t rerun < <("$TOOLS/e2e-compare" differing "$E2E_OUT/stock" "$out")
  if [ ${#rerun[@]} -gt 0 ]; then
    step "$mode: ${#rerun[@]} test(s) differ from stock; running each again on both labs (scheduler logs at -v=$E2E_VERBOSITY kept)"
    i=0
    for line in "${rerun[@]}"; do
      i=$((i + 1))
      focus=${line%%$'\t'*}
      name=${line#*$'\t'}
      for side in stock ha; do
        lab=$mode
        [ "$side" = ha ] || lab=stock
        dir=$out/rerun/$side
        mkdir -p "$dir"
        info "re-run $i on $side: $name"
        few=""
        if [ -n "$FEW_NODES" ] && grep -qE -- "$FEW_NODES" <<<"$name"; then
          few=1
          few_nodes "$lab"
        fi
        sched_log=$(lab_scheduler_log "$lab")
        from=$(stat -c %s "$sched_log")
        run_e2e "$lab" "$focus" "$dir/$i.json" "$dir/$i-e2e.log"
        tail -c +"$((from + 1))" "$sched_log" >"$dir/$i-scheduler.log"
        [ -z "$few" ] || all_nodes "$lab"
      done
    done
  fi
  step "$mode: the schedulers' logs"
  keep_logs "$mode" "$out"
  step "removing lab $mode"
  LAB_NAME=e2e-$mode LAB_DIR=$(lab_dir "$mode") hack/lab/down.sh 2>&1 | indent
  forget_lab "$mode"
  compared+=("$mode=$out")
done

step "stock: the scheduler's log"
keep_logs stock "$E2E_OUT/stock"

step "comparison (${E2E_OUT#"$E2E_ROOT"/}/comparison.md)"
rc=0
"$TOOLS/e2e-compare" report "$E2E_OUT/stock" "${compared[@]}" >"$E2E_OUT/comparison.md" || rc=$?
cat "$E2E_OUT/comparison.md"
case $rc in
  0) step "make e2e: no regression" ;;
  2) step "make e2e: REGRESSION: a test passed on stock only, on its first run and on the re-run (above)" ;;
  *) step "make e2e: the comparison failed (exit $rc)" ;;
esac
exit "$rc"
