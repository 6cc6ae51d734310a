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

# Prints where the lab's pods landed: one row per replica of each group
# (namespace and its component/k8s-app/app label) with the node, its role,
# zone and physical host; DaemonSets (one pod per node by design) as one line
# each. Used by up.sh; run it any time against the lab (or, with
# LAB_KUBECONFIG=..., any cluster).
set -euo pipefail
# shellcheck source=hack/lab/lib.sh
source "$(dirname "$0")/lib.sh"

# Role, zone and host per node. Presence of a role label counts, whatever
# its value (SPEC §2), so test with `with` on the labels map keys.
nodes_tpl='{{range .items}}N|{{.metadata.name}}|{{$role := "worker"}}{{range $k, $v := .metadata.labels}}{{if or (eq $k "node-role.kubernetes.io/control-plane") (eq $k "node-role.kubernetes.io/master")}}{{$role = "control-plane"}}{{end}}{{end}}{{if eq $role "worker"}}{{range $k, $v := .metadata.labels}}{{if eq $k "node-role.kubernetes.io/infra"}}{{$role = "infra"}}{{end}}{{end}}{{end}}{{$role}}|{{or (index .metadata.labels "topology.kubernetes.io/zone") "-"}}|{{or (index .metadata.labels "topology.scs.community/host-id") "-"}}{{"\n"}}{{end}}'
pods_tpl='{{range .items}}P|{{.metadata.namespace}}|{{.metadata.name}}|{{or .spec.nodeName "-"}}|{{.status.phase}}|{{with .metadata.labels}}{{if index . "component"}}component={{index . "component"}}{{else if index . "k8s-app"}}k8s-app={{index . "k8s-app"}}{{else if index . "app"}}app={{index . "app"}}{{else}}-{{end}}{{else}}-{{end}}|{{range .metadata.ownerReferences}}{{if .controller}}{{.kind}}/{{.name}}{{end}}{{end}}{{"\n"}}{{end}}'

{
  kubectl get nodes -o go-template="$nodes_tpl"
  kubectl get pods -A -o go-template="$pods_tpl"
} | awk -F'|' '
$1 == "N" { role[$2] = $3; zone[$2] = $4; host[$2] = $5; next }
$1 == "P" {
  ns = $2; pod = $3; node = $4; phase = $5; grp = $6; owner = $7
  if (phase == "Succeeded" || phase == "Failed") next
  if (owner ~ /^DaemonSet\//) {
    ds = ns "/" substr(owner, 11)
    dsn[ds]++
    if (node != "-") dsroles[ds, role[node]]++
    next
  }
  if (grp == "-") grp = pod
  key = ns " " grp
  n[key]++
  rows[key, n[key]] = node
  if (node == "-") pending[key] = pending[key] " " ns "/" pod
}
END {
  fmt = "    %-46s %-8s %-10s %-14s %-8s %s\n"
  printf fmt, "GROUP", "REPLICAS", "NODE", "ROLE", "ZONE", "HOST"
  m = 0
  for (k in n) keys[++m] = k
  # sort the groups (insertion sort; a handful of them)
  for (i = 2; i <= m; i++) { v = keys[i]; j = i - 1; while (j > 0 && keys[j] > v) { keys[j+1] = keys[j]; j-- } keys[j+1] = v }
  for (i = 1; i <= m; i++) {
    k = keys[i]
    # rows by node name
    c = n[k]; split("", r)
    for (j = 1; j <= c; j++) r[j] = rows[k, j]
    for (a = 2; a <= c; a++) { v = r[a]; b = a - 1; while (b > 0 && r[b] > v) { r[b+1] = r[b]; b-- } r[b+1] = v }
    split(k, kk, " ")
    label = kk[1] " " kk[2]
    for (j = 1; j <= c; j++) {
      node = r[j]
      if (node == "-") { printf fmt, (j == 1 ? label : ""), (j == 1 ? c : ""), "(pending)", "", "", ""; continue }
      printf fmt, (j == 1 ? label : ""), (j == 1 ? c : ""), node, role[node], zone[node], host[node]
    }
  }
  m = 0
  for (d in dsn) dkeys[++m] = d
  for (i = 2; i <= m; i++) { v = dkeys[i]; j = i - 1; while (j > 0 && dkeys[j] > v) { dkeys[j+1] = dkeys[j]; j-- } dkeys[j+1] = v }
  for (i = 1; i <= m; i++) {
    d = dkeys[i]
    printf "    DaemonSet %s: %d pods (%d control-plane, %d infra, %d worker)\n", d, dsn[d], dsroles[d, "control-plane"], dsroles[d, "infra"], dsroles[d, "worker"]
  }
}'
