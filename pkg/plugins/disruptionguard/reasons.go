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
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/types"
)

// Rule names, also the values of the metric's "rule" label.
const (
	RulePDB          = "pdb"
	RuleMinAvailable = "min-available"
	RuleTrusted      = "trusted"
	RuleMirror       = "mirror"
)

// Reasons a node's victims were refused. They become the per-node reasons of
// upstream's FitError, so the pod's condition reads
// "preemption: 0/3 nodes are available: 1 protected by PodDisruptionBudget
// default/web, ...". They name the group, PDB or namespace, never a pod, so
// that nodes protected by the same thing aggregate into one count.
const (
	reasonPDBFmt          = "protected by PodDisruptionBudget %s/%s"
	reasonLastReplicaFmt  = "protected: last available replica of %s"
	reasonMinAvailableFmt = "protected: %s must keep %d of %d replicas available"
	reasonTrustedFmt      = "protected: pods of trusted namespace %s are not preempted by pods of untrusted namespaces"
	reasonComponentFmt    = "protected: component %s is not preempted by pods that are not components"
	// ReasonMirror is the reason for static pods: the kubelet owns them, a
	// deletion through the API server would only be undone.
	ReasonMirror = "protected: static (mirror) pods are never preempted"
)

func reasonPDB(namespace, name string) string { return fmt.Sprintf(reasonPDBFmt, namespace, name) }

func reasonMinAvailable(group string, minAvailable, size int) string {
	if minAvailable <= 1 {
		return fmt.Sprintf(reasonLastReplicaFmt, group)
	}
	return fmt.Sprintf(reasonMinAvailableFmt, group, minAvailable, size)
}

func reasonTrusted(namespace string) string { return fmt.Sprintf(reasonTrustedFmt, namespace) }

func reasonComponent(component string) string { return fmt.Sprintf(reasonComponentFmt, component) }

// refusal is one pod a rule kept from being a victim.
type refusal struct {
	pod    types.UID
	rule   string
	reason string
}

// reasonSet collects the distinct reasons of one node, in a stable order.
type reasonSet map[string]struct{}

func (r reasonSet) add(refusals ...refusal) {
	for _, f := range refusals {
		r[f.reason] = struct{}{}
	}
}

func (r reasonSet) sorted() []string {
	out := make([]string, 0, len(r))
	for s := range r {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
