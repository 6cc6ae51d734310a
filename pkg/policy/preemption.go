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

package policy

import v1 "k8s.io/api/core/v1"

// Preemptors says which preemptors may ever take a pod as a victim,
// whatever the cluster's state: rule 3 of DisruptionGuard, and static
// pods. Budgets (rules 1 and 2) come on top.
type Preemptors uint8

const (
	// PreemptibleByAnyone: a pod of an untrusted namespace.
	PreemptibleByAnyone Preemptors = iota
	// PreemptibleByTrustedNamespaces: a pod of a trusted namespace that is
	// no component (a CNI's or a log agent's): only pods of trusted
	// namespaces, where only administrators create pods, may take it; a
	// user must not evict it by setting a priority.
	PreemptibleByTrustedNamespaces
	// PreemptibleByComponents: a component: only components may take it (a
	// plain pod of a trusted namespace must not take kube-dns).
	PreemptibleByComponents
	// PreemptibleByNobody: a static pod's mirror: the kubelet owns it, a
	// deletion through the API server would only be undone.
	PreemptibleByNobody
)

// PreemptibleBy is who may take the pod as a victim: c is its class, node
// the node it is bound to (mirror pods are told by their Node's UID).
func (p *Policy) PreemptibleBy(pod *v1.Pod, c Class, node *v1.Node) Preemptors {
	switch {
	case IsMirrorPod(pod, node):
		return PreemptibleByNobody
	case c.Component != "":
		return PreemptibleByComponents
	case c.Trusted:
		return PreemptibleByTrustedNamespaces
	}
	return PreemptibleByAnyone
}

// Protection is why a preemptor may not take a victim; zero when it may.
type Protection uint8

const (
	// ProtectedStatic: the victim is a static pod's mirror.
	ProtectedStatic Protection = iota + 1
	// ProtectedTrustedNamespace: the victim is in a trusted namespace, the
	// preemptor is not.
	ProtectedTrustedNamespace
	// ProtectedComponent: the victim is a component, the preemptor is a
	// pod of a trusted namespace that is none.
	ProtectedComponent
)

// Protects says why a preemptor of class pc may not take a victim that by
// may preempt; zero when it may.
func (by Preemptors) Protects(pc Class) Protection {
	switch {
	case by == PreemptibleByNobody:
		return ProtectedStatic
	case by >= PreemptibleByTrustedNamespaces && !pc.Trusted:
		return ProtectedTrustedNamespace
	case by == PreemptibleByComponents && pc.Component == "":
		return ProtectedComponent
	}
	return 0
}
