/*
Copyright The ha-scheduler Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package checker is ha-check's analysis of a cluster's placement for high
// availability (SPEC §6), in packages along its seams; this one holds none
// of it. In the order a command uses them:
//
//   - cluster reads the cluster (nodes, pods, budgets, controllers,
//     Services, RBAC and admission policies), in pages.
//   - model reads it once under the policy: every unfinished pod
//     classified once (pkg/policy), its state, its group; every command
//     computes from one model.
//   - audit is the check (Analyze: the report), with scs (node distribution
//     by a revision of scs-0214-v2) and levels (the failure-domain levels
//     audited).
//   - explain answers for one pod (Explain) and one failure (WhatIf).
//   - pdbplan proposes the PodDisruptionBudgets that keep the policy's
//     minimums against drains.
//   - printers writes the objects for people (text, -o wide, YAML for
//     kubectl apply); cli-runtime's printers write them for machines.
//
// The objects are the API types of pkg/apis/hacheck/v1alpha1; the
// commands are pkg/cmd/hacheck.
//
// The analysis is pure: it reads typed objects and returns objects. Every
// classification of nodes and pods, and every decision the scheduler's
// plugins also make, goes through pkg/policy, so the checker and the
// plugins agree on what a component is, what a group is and how large it
// should be, and where a pod may run. It must not lie during an outage,
// when it is needed most: it counts replicas available now (Ready, not
// terminating, on a node that exists and is Ready) against each group's
// desired size (its pods, pending included, or its controller's replicas,
// the larger), never the pods that happen to be placed.
package checker
