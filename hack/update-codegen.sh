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

# Writes the generated code (make generate): the deep copies of the API
# types (zz_generated.deepcopy.go), with deepcopy-gen of k8s.io/code-generator
# as hack/tools pins it. DEEPCOPY_GEN names the binary (the Makefile builds
# it into _output/bin).
#
# Usage:
#   hack/update-codegen.sh            write the files in place
#   hack/update-codegen.sh --verify   write them to a copy and fail if they differ

set -o errexit
set -o nounset
set -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DEEPCOPY_GEN=${DEEPCOPY_GEN:-_output/bin/deepcopy-gen}

# The packages with generated deep copies: those tagged
# +k8s:deepcopy-gen=package.
packages=(./pkg/apis/hacheck/v1alpha1)
output=zz_generated.deepcopy.go

verify=false
case "${1:-}" in
  --verify) verify=true ;;
  "") ;;
  *) echo "update-codegen: unknown argument $1" >&2; exit 2 ;;
esac

generate() {
  "$DEEPCOPY_GEN" --go-header-file hack/boilerplate/boilerplate.go.txt --output-file "$output" "${packages[@]}"
}

if ! $verify; then
  generate
  exit 0
fi

# Keep the committed files, generate, compare, put them back.
saved=$(mktemp -d)
trap 'rm -rf "$saved"' EXIT
for p in "${packages[@]}"; do
  mkdir -p "$saved/$p"
  if [[ -f "$p/$output" ]]; then cp "$p/$output" "$saved/$p/$output"; fi
done
generate
status=0
for p in "${packages[@]}"; do
  if ! diff -u "$saved/$p/$output" "$p/$output"; then
    echo "$p/$output is out of date: run make generate" >&2
    status=1
  fi
  cp "$saved/$p/$output" "$p/$output" 2>/dev/null || rm -f "$p/$output"
done
exit $status
