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
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	v1 "k8s.io/api/core/v1"
)

// ignoreMessages compares findings by id, severity and subjects, in any
// order: the tables pin what is found about what; TestFindingMessages pins
// the wording.
var ignoreMessages = cmp.Options{
	cmpopts.IgnoreFields(Finding{}, "Message"),
	cmpopts.SortSlices(func(a, b Finding) bool {
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return strings.Join(a.Subjects, ",") < strings.Join(b.Subjects, ",")
	}),
	cmpopts.EquateEmpty(),
}

// f is a finding without its message, for the tables.
func f(sev Severity, id string, subjects ...string) Finding {
	return Finding{ID: id, Severity: sev, Subjects: subjects}
}

// withNodes returns the cluster with its nodes replaced by edit's results
// (nil drops the node).
func (c Cluster) withNodes(edit func(*v1.Node) *v1.Node) Cluster {
	out := c
	out.Nodes = nil
	for _, n := range c.Nodes {
		if m := edit(n); m != nil {
			out.Nodes = append(out.Nodes, m)
		}
	}
	return out
}

// nodeNotReady marks the named nodes not Ready.
func nodeNotReady(names ...string) func(*v1.Node) *v1.Node {
	return func(n *v1.Node) *v1.Node {
		for _, name := range names {
			if n.Name == name {
				return notReadyNode(n)
			}
		}
		return n
	}
}

// nodeGone drops the named nodes, leaving their pods bound to them.
func nodeGone(names ...string) func(*v1.Node) *v1.Node {
	return func(n *v1.Node) *v1.Node {
		for _, name := range names {
			if n.Name == name {
				return nil
			}
		}
		return n
	}
}

// editPods applies opt to the named pods (copies; the fixture stays as it
// was).
func (c Cluster) editPods(opt podOpt, names ...string) Cluster {
	out := c
	out.Pods = nil
	for _, p := range c.Pods {
		for _, n := range names {
			if p.Name == n {
				p = p.DeepCopy()
				opt(p)
			}
		}
		out.Pods = append(out.Pods, p)
	}
	return out
}
