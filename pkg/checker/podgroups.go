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

package checker

import (
	"sort"

	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The cluster's pods sorted into their groups, shared by the commands:
// Analyze's classify phase, Explain, Placement, WhatIf and GeneratePDBs.

// walkUnfinishedPods calls visit for every unfinished pod of the cluster,
// in name order, with its class (policy.Classify, computed once per pod:
// every check visit makes of the pod reads the same class) and its state
// on the nodes. Finished pods (Succeeded, Failed) never count.
func walkUnfinishedPods(p *policy.Policy, c Cluster, nodes map[string]*v1.Node, visit func(pod *v1.Pod, class policy.Class, state podState)) {
	for _, pod := range sortedPods(c.Pods) {
		if isFinished(pod) {
			continue
		}
		visit(pod, p.Classify(pod), stateOf(pod, nodes))
	}
}

// podGroups sorts every unfinished pod of the cluster into its group, as
// the classify phase sorts the components' pods (groupSet): a
// disruption-controlled group per owner, the others by policy.GroupOf.
// Unlike the classify phase it keeps the pods that are no component too:
// user workloads and the other pods of trusted namespaces.
func podGroups(p *policy.Policy, c Cluster, nodes map[string]*v1.Node) []*group {
	gs := newGroupSet(p, newLookups(c, nodes))
	walkUnfinishedPods(p, c, nodes, gs.add)
	return gs.sorted()
}

// groupOf returns the group the pod is a member of.
func groupOf(groups []*group, pod *v1.Pod) *group {
	for _, g := range groups {
		if _, ok := g.state[pod]; ok {
			return g
		}
	}
	return nil // unreachable: every unfinished pod is in a group
}

func nodesByName(nodes []*v1.Node) map[string]*v1.Node {
	out := make(map[string]*v1.Node, len(nodes))
	for _, n := range nodes {
		out[n.Name] = n
	}
	return out
}

// sortedPods returns the pods by namespace and name, the order in which the
// findings, the groups' members and the tables list them, whatever order
// the API server listed them in.
func sortedPods(pods []*v1.Pod) []*v1.Pod {
	out := append([]*v1.Pod(nil), pods...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}
