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
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

// DefaultTrustedNamespace is trusted when no trustedNamespaces are configured.
const DefaultTrustedNamespace = "kube-system"

// ComponentSpec is a component written as label equalities, the form the
// default table and the args use.
type ComponentSpec struct {
	Name string
	// MatchLabels are ORed: each map is one selector (its entries ANDed).
	MatchLabels []map[string]string
	Rule
}

// DefaultComponents is the control-plane scheduling table of the Tectonic
// document (seeds 000), with the labels kubeadm, CoreDNS and the common
// add-ons put on their pods.
func DefaultComponents() []ComponentSpec {
	cp := func(spread Spread, d Disruption) Rule {
		return Rule{Placement: PlaceControlPlane, Spread: spread, Disruption: d}
	}
	anyRole := func(spread Spread) Rule { return Rule{Placement: PlaceAny, Spread: spread} }
	keepOne := Disruption{MinAvailable: 1}
	one := func(k, v string) []map[string]string { return []map[string]string{{k: v}} }
	return []ComponentSpec{
		{Name: "kube-apiserver", MatchLabels: one("component", "kube-apiserver"), Rule: cp(SpreadNone, Disruption{})},
		{Name: "kube-controller-manager", MatchLabels: one("component", "kube-controller-manager"), Rule: cp(SpreadRequired, keepOne)},
		{Name: "kube-scheduler", MatchLabels: one("component", "kube-scheduler"), Rule: cp(SpreadRequired, keepOne)},
		{Name: "kube-dns", MatchLabels: one("k8s-app", "kube-dns"), Rule: cp(SpreadPreferred, Disruption{})},
		{Name: "kube-flannel", MatchLabels: one("app", "flannel"), Rule: anyRole(SpreadNone)},
		{Name: "kube-proxy", MatchLabels: one("k8s-app", "kube-proxy"), Rule: anyRole(SpreadNone)},
		{Name: "kube-etcd-network-checkpointer", MatchLabels: one("k8s-app", "kube-etcd-network-checkpointer"), Rule: cp(SpreadNone, Disruption{})},
		{Name: "pod-checkpointer", MatchLabels: one("k8s-app", "pod-checkpointer"), Rule: cp(SpreadNone, Disruption{})},
		{Name: "etcd-operator", MatchLabels: one("k8s-app", "etcd-operator"), Rule: anyRole(SpreadPreferred)},
		{Name: "etcd", MatchLabels: []map[string]string{{"component": "etcd"}, {"app": "etcd"}}, Rule: cp(SpreadRequired, Disruption{Quorum: true})},
		{Name: "heapster", MatchLabels: one("k8s-app", "heapster"), Rule: anyRole(SpreadPreferred)},
	}
}

// DefaultOtherTrusted is the rule for trusted pods no component matches.
func DefaultOtherTrusted() Rule { return Rule{Placement: PlaceAny, Spread: SpreadPreferred} }

// DefaultUserWorkloads is the rule for pods outside trusted namespaces.
func DefaultUserWorkloads() Rule { return Rule{Placement: PlaceWorker, Spread: SpreadPreferred} }

// CompileComponent turns a spec into a Component.
func CompileComponent(s ComponentSpec) Component {
	c := Component{Name: s.Name, Rule: s.Rule}
	for _, m := range s.MatchLabels {
		c.Selectors = append(c.Selectors, labels.SelectorFromValidatedSet(labels.Set(m)))
	}
	return c
}

// Default returns the default policy of SPEC §3.
func Default() *Policy {
	p := &Policy{
		TrustedNamespaces: sets.New(DefaultTrustedNamespace),
		OtherTrusted:      DefaultOtherTrusted(),
		UserWorkloads:     DefaultUserWorkloads(),
		Levels:            slices.Clone(DefaultLevels),
		RequiredLevels:    slices.Clone(DefaultRequiredLevels),
	}
	for _, s := range DefaultComponents() {
		p.Components = append(p.Components, CompileComponent(s))
	}
	return p.IndexComponents()
}
