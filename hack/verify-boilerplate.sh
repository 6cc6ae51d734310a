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

# Checks that every source file carries the license header of
# hack/boilerplate/boilerplate.<kind>.txt, as Kubernetes' hack/boilerplate does:
#
#   *.go        boilerplate.go.txt, after the build constraints if any
#               (//go:build first, a blank line, then the header, as upstream)
#   *.sh        boilerplate.sh.txt, after the shebang and a blank line
#   Makefile    boilerplate.Makefile.txt
#   Dockerfile  boilerplate.Dockerfile.txt, after any parser directives
#
# The header must be followed by a blank line. Files are the ones git knows
# about: tracked, plus untracked files that are not ignored; vendor/,
# testdata/ and third_party/ are skipped.
#
# Usage:
#   hack/verify-boilerplate.sh [FILE...]        check; prints each offending file, exits 1
#   hack/verify-boilerplate.sh --fix [FILE...]  add the header where it is missing
#
# --fix never rewrites a header that is there but differs (or a file that
# mentions a copyright or license near its top): those are listed for a
# person to fix, and the script exits 1.

set -o errexit
set -o nounset
set -o pipefail

fix=false
files=()
for arg in "$@"; do
  case "$arg" in
    --fix) fix=true ;;
    -h|--help) sed -n '/^# Checks/,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "verify-boilerplate: unknown flag $arg" >&2; exit 2 ;;
    /*) files+=("$arg") ;;
    *) files+=("$PWD/$arg") ;;
  esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BOILERPLATE_DIR=hack/boilerplate

if [[ ${#files[@]} -eq 0 ]]; then
  while IFS= read -r -d '' f; do
    files+=("$f")
  done < <(git ls-files -z --cached --others --exclude-standard -- \
             '*.go' '*.sh' 'Makefile' '*/Makefile' 'Dockerfile' '*/Dockerfile' '*.Dockerfile' 'Dockerfile.*' '*/Dockerfile.*' |
           sort -zu)
fi

# kind_of FILE: the boilerplate kind of FILE, or nothing when it is not checked.
kind_of() {
  local f=$1 base=${1##*/}
  case "/$f/" in
    */vendor/*|*/testdata/*|*/third_party/*|*/_output/*) return 0 ;;
  esac
  case "$base" in
    *.go) echo go ;;
    *.sh) echo sh ;;
    Makefile) echo Makefile ;;
    Dockerfile|Dockerfile.*|*.Dockerfile) echo Dockerfile ;;
  esac
}

declare -A refs=()
load_ref() {
  local kind=$1
  [[ -n ${refs[$kind]+set} ]] && return 0
  local file=$BOILERPLATE_DIR/boilerplate.$kind.txt
  if [[ ! -f $file ]]; then
    echo "verify-boilerplate: $file is missing" >&2
    exit 2
  fi
  refs[$kind]=$(<"$file")   # without the trailing blank line; checked separately
}

# header_start KIND: the index in ${lines[@]} where the header must start,
# past what has to stay above it (build constraints, shebang, Docker parser
# directives) and the blank lines after that. Sets "prefix" to the number of
# lines kept above the header (0 when none).
header_start() {
  local kind=$1 i=0 n=${#lines[@]}
  prefix=0
  case "$kind" in
    go)
      while (( i < n )) && [[ ${lines[i]} =~ ^//(go:build|\ \+build) ]]; do i=$((i + 1)); done
      # Build constraints count only when a blank line follows them.
      if (( i > 0 )) && (( i < n )) && [[ -z ${lines[i]} ]]; then prefix=$i; else i=0; fi
      ;;
    sh)
      if (( n > 0 )) && [[ ${lines[0]} == '#!'* ]]; then i=1; prefix=1; fi
      ;;
    Dockerfile)
      while (( i < n )) && [[ ${lines[i]} =~ ^#[[:space:]]*(syntax|escape|check)[[:space:]]*= ]]; do i=$((i + 1)); done
      prefix=$i
      ;;
  esac
  if (( prefix > 0 )); then
    while (( i < n )) && [[ -z ${lines[i]} ]]; do i=$((i + 1)); done
  fi
  start=$i
}

# has_header KIND: whether ${lines[@]} carries the reference header at $start.
has_header() {
  local kind=$1 ref_lines j
  mapfile -t ref_lines <<<"${refs[$kind]}"
  for j in "${!ref_lines[@]}"; do
    [[ $((start + j)) -lt ${#lines[@]} && ${lines[start + j]} == "${ref_lines[j]}" ]] || return 1
  done
  # A blank line must separate the header from the code.
  j=$((start + ${#ref_lines[@]}))
  [[ $j -lt ${#lines[@]} && -z ${lines[j]} ]]
}

# looks_licensed: whether the top of the file already talks about a copyright
# or license (a stale or foreign header that --fix must not stack onto).
looks_licensed() {
  local j
  for ((j = start; j < ${#lines[@]} && j < start + 30; j++)); do
    [[ ${lines[j]} =~ [Cc]opyright|Licensed\ under|SPDX-License-Identifier ]] && return 0
  done
  return 1
}

# add_header FILE KIND: writes the header into FILE, below what must stay on
# top (see header_start), dropping blank lines that would follow it twice.
add_header() {
  local f=$1 kind=$2 tmp body=$start
  while (( body < ${#lines[@]} )) && [[ -z ${lines[body]} ]]; do body=$((body + 1)); done
  tmp=$(mktemp)
  {
    if (( prefix > 0 )); then
      printf '%s\n' "${lines[@]:0:prefix}"
      echo
    fi
    printf '%s\n\n' "${refs[$kind]}"
    tail -n +"$((body + 1))" "$f"
  } >"$tmp"
  cat "$tmp" >"$f"   # keeps the file's mode (scripts stay executable)
  rm -f "$tmp"
}

bad=0
fixed=0
for f in "${files[@]}"; do
  [[ -f $f ]] || continue   # deleted in the work tree, not yet in the index
  kind=$(kind_of "$f")
  [[ -n $kind ]] || continue
  load_ref "$kind"
  # Enough lines for build constraints or a shebang, the header and the
  # blank line after it.
  mapfile -t -n 80 lines <"$f"
  header_start "$kind"
  has_header "$kind" && continue

  name=${f#"$ROOT"/}
  if looks_licensed; then
    echo "license header differs from $BOILERPLATE_DIR/boilerplate.$kind.txt: $name"
    bad=$((bad + 1))
  elif $fix; then
    add_header "$f" "$kind"
    echo "added license header: $name"
    fixed=$((fixed + 1))
  else
    echo "missing license header: $name"
    bad=$((bad + 1))
  fi
done

if $fix && (( fixed > 0 )); then
  echo "verify-boilerplate: added the header to $fixed file(s)"
fi
if (( bad > 0 )); then
  if $fix; then
    echo "verify-boilerplate: $bad file(s) carry another header: fix them by hand" >&2
  else
    echo "verify-boilerplate: $bad file(s) without the license header; add it with: hack/verify-boilerplate.sh --fix" >&2
  fi
  exit 1
fi
