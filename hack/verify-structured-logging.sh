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

# Structured, contextual logging check (sigs.k8s.io/logtools/logcheck, pinned
# in hack/tools/go.mod), as scheduler-plugins' hack/verify-structured-logging.sh
# and Kubernetes' logcheck (hack/logcheck.conf: "contextual" for the
# scheduler) run it: every package of the module, tests included, must log
# through a logger taken from the context or handed down (klog.FromContext,
# klog.Logger), never through klog's global functions (klog.InfoS, klog.Infof,
# ...), with constant, well-formed keys and a value for each key.
#
# Checks on: every check logcheck has. Its defaults (structured, parameters,
# key, verbosity-zero, verbosity-error, nil-stringer, deprecations), the
# "contextual" set that Kubernetes applies to kube-scheduler, and three that
# neither turns on by default and that the code passes: with-helpers
# (klog.LoggerWithValues/LoggerWithName/NewContext rather than the logr
# methods, which matter when the ContextualLogging feature gate is off),
# logger-constructor (config structs with a Logger field must get it) and
# value (no inherited, incomplete fmt.Stringer). Drop one of those three here
# if it ever reports a false positive.
#
# Usage: hack/verify-structured-logging.sh [PACKAGE...]   (default ./...)
# LOGCHECK=path uses that binary; otherwise _output/bin/logcheck, built from
# hack/tools when missing or older than hack/tools/go.mod.
# Exits 1 on any finding, or when a package does not type-check.

set -o errexit
set -o nounset
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
GO=${GO:-go}

LOGCHECK=${LOGCHECK:-_output/bin/logcheck}
if [[ ! -x $LOGCHECK || hack/tools/go.mod -nt $LOGCHECK || hack/tools/go.sum -nt $LOGCHECK ]]; then
  echo "building $LOGCHECK (sigs.k8s.io/logtools/logcheck from hack/tools/go.mod)"
  mkdir -p "$(dirname "$LOGCHECK")"
  out=$(cd "$(dirname "$LOGCHECK")" && pwd)/$(basename "$LOGCHECK")
  (cd hack/tools && "$GO" build -o "$out" sigs.k8s.io/logtools/logcheck)
fi

packages=("$@")
[[ ${#packages[@]} -gt 0 ]] || packages=(./...)

# The scheduler is built and shipped for linux only (CGO_ENABLED=0, the
# distroless image), so only linux files are checked; scheduler-plugins also
# runs GOOS=windows, which would double the time for no file of ours.
rc=0
out=$(GOOS=linux "$LOGCHECK" \
  -check-contextual \
  -check-structured \
  -check-parameters \
  -check-key \
  -check-verbosity-zero \
  -check-verbosity-error \
  -check-nil-stringer \
  -check-deprecations \
  -check-with-helpers \
  -check-logger-constructor \
  -check-value \
  "${packages[@]}" 2>&1) || rc=$?

if [[ $rc -eq 0 ]]; then
  echo "structured logging: no findings (logcheck $("$GO" version -m "$LOGCHECK" 2>/dev/null | awk '$1 == "mod" {print $3; exit}'))"
  exit 0
fi

# Report paths relative to the repository, findings first.
out=${out//"$ROOT/"/}
echo "$out"
if [[ $rc -eq 3 ]]; then
  n=$(grep -c -E '^[^ ]+\.go:[0-9]+:[0-9]+: ' <<<"$out" || true)
  echo "structured logging: $n finding(s) from logcheck (see hack/verify-structured-logging.sh for the checks)" >&2
else
  echo "structured logging: logcheck could not check every package (exit $rc; does the module build?)" >&2
fi
exit 1
