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

import (
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

// Spread says how the replicas of a group spread over failure domains.
type Spread string

const (
	// SpreadNone: the group is not spread (DaemonSet-like components).
	SpreadNone Spread = "None"
	// SpreadPreferred: spreading is a score, never a reason to stay pending.
	SpreadPreferred Spread = "Preferred"
	// SpreadRequired: a node whose domain holds more replicas than the
	// emptiest eligible domain is rejected.
	SpreadRequired Spread = "Required"
)

// Spreads lists the valid values, for validation messages.
var Spreads = []Spread{SpreadNone, SpreadPreferred, SpreadRequired}

// Disruption says how many replicas of a group preemption must leave
// available. The zero value means "not disruption-controlled".
type Disruption struct {
	// MinAvailable replicas must stay available (Ready, not terminating).
	MinAvailable int32
	// Quorum: a majority of the group's members (⌊n/2⌋+1) must stay
	// available, as etcd needs. Takes precedence over MinAvailable.
	Quorum bool
}

// Controlled reports whether preemption is limited for the group.
func (d Disruption) Controlled() bool { return d.Quorum || d.MinAvailable > 0 }

// MinAvailableOf returns the replicas that must stay available in a group of
// members pods.
func (d Disruption) MinAvailableOf(members int) int {
	if d.Quorum {
		return members/2 + 1
	}
	return int(d.MinAvailable)
}

// SmallestToLoseOne is the smallest group that can lose a replica and keep
// its minimum: 3 for a quorum, MinAvailable+1 otherwise.
func (d Disruption) SmallestToLoseOne() int {
	n := 1
	for n-d.MinAvailableOf(n) < 1 {
		n++
	}
	return n
}

// Rule is where a class of pods runs and how it is protected.
type Rule struct {
	Placement  Placement
	Spread     Spread
	Disruption Disruption
}

// Component is a named rule that matches pods of trusted namespaces.
type Component struct {
	Name string
	// Selectors are ORed: etcd is `component=etcd` or `app=etcd`.
	Selectors []labels.Selector
	Rule
}

// Matches reports whether the component's selectors match the labels.
func (c *Component) Matches(podLabels labels.Set) bool {
	for _, s := range c.Selectors {
		if s.Matches(podLabels) {
			return true
		}
	}
	return false
}

// Policy classifies pods. Build it with the config package (from plugin args)
// or use Default().
type Policy struct {
	// TrustedNamespaces are the namespaces where only cluster administrators
	// create pods. Labels are not proof of identity: only pods here can be
	// components.
	TrustedNamespaces sets.Set[string]
	// Components are matched in order; the first match wins.
	Components []Component
	// OtherTrusted applies to pods of trusted namespaces that no component
	// matches.
	OtherTrusted Rule
	// UserWorkloads applies to every pod outside the trusted namespaces.
	UserWorkloads Rule
	// AllowUserWorkloadsOnControlPlane is the compact-cluster setting: user
	// workloads may also use control-plane nodes.
	AllowUserWorkloadsOnControlPlane bool
	// Levels are the failure-domain label keys, widest first: where
	// replicas spread (FailureDomainSpread) and what the checker audits.
	Levels []string
	// RequiredLevels are the levels, among Levels, at which Required
	// groups must stay balanced.
	RequiredLevels []string

	// components finds the first matching component (IndexComponents);
	// nil: Classify tries the components in order.
	components *componentIndex
}

// IndexComponents prepares Classify's lookup of the components (see
// componentIndex). Without it, or once Components is another slice (a
// component appended or the slice replaced), Classify tries every
// component's selectors in order, with the same result. A component's
// selectors changed in place need IndexComponents again.
func (p *Policy) IndexComponents() *Policy {
	p.components = newComponentIndex(p.Components)
	return p
}

// Class is what the policy says about one pod.
type Class struct {
	// Component is the matching component's name; "" when none matched.
	Component string
	// Trusted: the pod is in a trusted namespace.
	Trusted bool
	Rule
	// Roles are the node roles the pod may use.
	Roles RoleSet
}

// IsUserWorkload reports whether the pod is outside the trusted namespaces.
func (c Class) IsUserWorkload() bool { return !c.Trusted }

// Classify returns the class of a pod. It allocates nothing for pods of
// untrusted namespaces, the common case in Filter-heavy paths.
func (p *Policy) Classify(pod *v1.Pod) Class {
	if !p.TrustedNamespaces.Has(pod.Namespace) {
		roles := RolesOf(p.UserWorkloads.Placement)
		if p.AllowUserWorkloadsOnControlPlane {
			roles = roles.With(RoleControlPlane)
		}
		return Class{Rule: p.UserWorkloads, Roles: roles}
	}
	if i := p.firstComponent(labels.Set(pod.Labels)); i >= 0 {
		c := &p.Components[i]
		return Class{Component: c.Name, Trusted: true, Rule: c.Rule, Roles: RolesOf(c.Placement)}
	}
	return Class{Trusted: true, Rule: p.OtherTrusted, Roles: RolesOf(p.OtherTrusted.Placement)}
}

// firstComponent returns the position of the first component that matches
// the labels, -1 for none.
func (p *Policy) firstComponent(podLabels labels.Set) int {
	if p.components != nil && p.components.indexes(p.Components) {
		return p.components.first(podLabels)
	}
	for i := range p.Components {
		if p.Components[i].Matches(podLabels) {
			return i
		}
	}
	return -1
}

// IsTrustedNamespace reports whether ns is trusted.
func (p *Policy) IsTrustedNamespace(ns string) bool { return p.TrustedNamespaces.Has(ns) }
