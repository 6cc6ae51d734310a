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

package disruptionguard

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReasons: the reasons name the group, PDB or namespace, never a pod,
// so that upstream aggregates the nodes protected by one thing into one
// count; a group that keeps one replica says "last available replica".
func TestReasons(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  string
		want string
	}{
		{name: "PDB", got: reasonPDB("default", "web"), want: "protected by PodDisruptionBudget default/web"},
		{name: "a group that keeps one", got: reasonMinAvailable("kube-system/kube-scheduler", 1, 3), want: "protected: last available replica of kube-system/kube-scheduler"},
		{name: "a group that keeps none (an empty group's minimum)", got: reasonMinAvailable("default/app=web", 0, 0), want: "protected: last available replica of default/app=web"},
		{name: "a quorum", got: reasonMinAvailable("kube-system/etcd (StatefulSet etcd)", 3, 5), want: "protected: kube-system/etcd (StatefulSet etcd) must keep 3 of 5 replicas available"},
		{name: "trusted namespace", got: reasonTrusted("infra"), want: "protected: pods of trusted namespace infra are not preempted by pods of untrusted namespaces"},
		{name: "component", got: reasonComponent("kube-system/kube-dns"), want: "protected: component kube-system/kube-dns is not preempted by pods that are not components"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("reason (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReasonSet: a node's reasons, each once, sorted, whatever the order
// and number of the refusals that gave them.
func TestReasonSet(t *testing.T) {
	for _, tt := range []struct {
		name     string
		refusals [][]refusal
		want     []string
	}{
		{name: "none", want: []string{}},
		{
			name: "one reason per protected thing, however many pods it protects",
			refusals: [][]refusal{
				{{pod: "a", rule: RulePDB, reason: reasonPDB("default", "web")}, {pod: "b", rule: RulePDB, reason: reasonPDB("default", "web")}},
				{{pod: "c", rule: RuleMirror, reason: ReasonMirror}},
				{{pod: "a", rule: RuleMinAvailable, reason: reasonMinAvailable("kube-system/etcd", 2, 3)}},
			},
			want: []string{reasonPDB("default", "web"), reasonMinAvailable("kube-system/etcd", 2, 3), ReasonMirror},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := reasonSet{}
			for _, refs := range tt.refusals {
				r.add(refs...)
			}
			if diff := cmp.Diff(tt.want, r.sorted()); diff != "" {
				t.Errorf("reasons (-want +got):\n%s", diff)
			}
		})
	}
}
