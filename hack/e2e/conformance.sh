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

# make test-conformance (part of make test): upstream's [Conformance] tests
# of [sig-scheduling] on a lab scheduled by ha-scheduler in replacement mode
# (manifests/replacement/config.yaml). Fails when one of them does not pass.
# The full comparison with the stock scheduler is make e2e (hack/e2e/run.sh).
#
# Builds only what it needs beyond the lab's binaries: e2e.test (no stock
# kube-scheduler). Output: E2E_OUT (_output/e2e-conformance): e2e.log, the
# JSON report and JUnit file, the scheduler's log. The lab is removed
# whatever happens.
set -euo pipefail
# shellcheck source=hack/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$E2E_ROOT"
E2E_FOCUS=${E2E_FOCUS:-'\[sig-scheduling\].*\[Conformance\]'}
E2E_OUT=${E2E_OUT:-$E2E_ROOT/_output/e2e-conformance}

trap 'step "removing the lab"; stop_labs' EXIT
trap 'exit 130' INT TERM

step "building (cached; a cold build of e2e.test takes many minutes on a small machine)"
hack/build-binaries.sh etcd kube-apiserver kube-controller-manager kubectl kwok kwokctl e2e.test 2>&1 | indent
make --no-print-directory build 2>&1 | indent
(cd hack/e2e && go build -o "$TOOLS/e2e-compare" ./compare)

rm -rf "$E2E_OUT"
step "lab conformance: ha-scheduler in replacement mode"
start_lab conformance replacement
step "running upstream's tests: $E2E_FOCUS"
run_lab_tests conformance "$E2E_FOCUS" "$E2E_OUT"
keep_logs conformance "$E2E_OUT"
step "result"
"$TOOLS/e2e-compare" check "$E2E_OUT"
