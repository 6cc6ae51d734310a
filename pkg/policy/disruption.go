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

// DisruptionGroup is one disruption-controlled group as preemption and the
// checker count it: the replicas of one component in one namespace that
// share an owner (two etcd clusters in one namespace are two groups), with
// the size the group should have, not the pods that happen to be running.
type DisruptionGroup struct {
	// Key names the group in messages and keys maps: the group's key,
	// followed by its owner when it has one and the group is not the owner
	// itself, "kube-system/etcd (StatefulSet etcd-events)".
	Key        string
	Group      Group
	Owner      Owner
	Disruption Disruption
	// Members are the group's pods, wherever they are: bound or pending,
	// on a node that still exists or not, terminating or not (an etcd member
	// stays a member until it is removed from the cluster).
	Members int
}

// Size is the group's desired size: the larger of its member pods and its
// owner's desired replicas. Members that are pending, whose node is gone or
// that an earlier preemption already deleted still count, so the minimum
// does not shrink as replicas are lost and holds across any number of
// successive preemptions.
func (g *DisruptionGroup) Size() int { return max(g.Members, g.Owner.Desired) }

// MinAvailable is how many replicas must stay available.
func (g *DisruptionGroup) MinAvailable() int { return g.Disruption.MinAvailableOf(g.Size()) }

// Lookups are what the policy reads beside a pod: the controllers that size
// groups, the Services that group pods without a controller, and the nodes
// that tell a static pod's mirror from a pod that claims to be one. The
// scheduler answers from its informers, the checker from what it listed;
// each may be nil (nothing known).
type Lookups struct {
	Controllers Controllers
	Services    Services
	// Node returns the node of that name, nil when it is not known.
	Node func(name string) *v1.Node
}

// node returns the node the pod is bound to, nil when unknown.
func (l Lookups) node(pod *v1.Pod) *v1.Node {
	if l.Node == nil || pod.Spec.NodeName == "" {
		return nil
	}
	return l.Node(pod.Spec.NodeName)
}

// IsMirrorPod is policy.IsMirrorPod with the pod's node looked up, only
// for a pod that claims to be one (most pods do not: no lookup for them).
func (l Lookups) IsMirrorPod(pod *v1.Pod) bool {
	if _, claims := pod.Annotations[MirrorPodAnnotation]; !claims {
		return false
	}
	return IsMirrorPod(pod, l.node(pod))
}

// DisruptionGroups collects the disruption-controlled groups of a set of
// pods.
type DisruptionGroups struct {
	policy *Policy
	lookup Lookups
	byKey  map[string]*DisruptionGroup
	// IncludeMirror counts mirror pods as members. Preemption leaves them
	// out: they can never be victims, so they must not pad a budget only the
	// other members can pay. The checker counts them: a static pod dies with
	// its zone like any other.
	IncludeMirror bool
}

// NewDisruptionGroups returns an empty collection.
func NewDisruptionGroups(p *Policy, l Lookups) *DisruptionGroups {
	return &DisruptionGroups{policy: p, lookup: l, byKey: map[string]*DisruptionGroup{}}
}

// ofClass returns the group of a pod the caller has classified, creating
// it, or nil when the pod is in none (or is a mirror pod and mirror pods
// are left out).
func (gs *DisruptionGroups) ofClass(pod *v1.Pod, c Class) *DisruptionGroup {
	if !c.Disruption.Controlled() || (!gs.IncludeMirror && gs.lookup.IsMirrorPod(pod)) {
		return nil
	}
	group := GroupOf(pod, c, gs.lookup.Services)
	owner := OwnerOf(pod, gs.lookup.Controllers)
	key := disruptionKey(group, owner)
	g := gs.byKey[key]
	if g == nil {
		g = NewDisruptionGroup(group, owner, c.Disruption)
		gs.byKey[key] = g
	}
	return g
}

// NewDisruptionGroup returns the group, with no member counted yet, of a
// group's pods with one owner (the zero Owner: none) under rule d.
// DisruptionGroups makes them from pods; whoever keeps the members another
// way makes them here.
func NewDisruptionGroup(group Group, owner Owner, d Disruption) *DisruptionGroup {
	return &DisruptionGroup{Key: disruptionKey(group, owner), Group: group, Owner: owner, Disruption: d}
}

// disruptionKey is a DisruptionGroup's key: the group's, followed by its
// owner when it has one and the group is not the owner itself.
func disruptionKey(group Group, owner Owner) string {
	key := group.String()
	if owner.Kind != "" && (group.By != GroupByController || group.Kind != owner.Kind || group.Name != owner.Name) {
		key += " (" + owner.String() + ")"
	}
	return key
}

// AddMember counts the pod as a member of its group, and returns the group
// (nil when it has none).
func (gs *DisruptionGroups) AddMember(pod *v1.Pod) *DisruptionGroup {
	return gs.AddMemberClass(pod, gs.policy.Classify(pod))
}

// AddMemberClass is AddMember for a pod the caller has classified already.
func (gs *DisruptionGroups) AddMemberClass(pod *v1.Pod, c Class) *DisruptionGroup {
	g := gs.ofClass(pod, c)
	if g != nil {
		g.Members++
	}
	return g
}
