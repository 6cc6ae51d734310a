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
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

// Role sets written as bits, so that the expected classes do not depend on
// RolesOf, which roles_test.go checks on its own.
const (
	onlyCP     = roleBitControlPlane
	onlyInfra  = roleBitInfra
	onlyWorker = roleBitWorker
	allRoles   = roleBitControlPlane | roleBitInfra | roleBitWorker
)

// Rules of SPEC §3, written out rather than taken from DefaultComponents, so
// that a change to the table shows up here.
var (
	ruleAPIServer  = Rule{Placement: PlaceControlPlane, Spread: SpreadNone}
	ruleCPKeepOne  = Rule{Placement: PlaceControlPlane, Spread: SpreadRequired, Disruption: Disruption{MinAvailable: 1}}
	ruleKubeDNS    = Rule{Placement: PlaceControlPlane, Spread: SpreadPreferred}
	ruleAnyNone    = Rule{Placement: PlaceAny, Spread: SpreadNone}
	ruleCPNone     = Rule{Placement: PlaceControlPlane, Spread: SpreadNone}
	ruleAnyPref    = Rule{Placement: PlaceAny, Spread: SpreadPreferred}
	ruleEtcd       = Rule{Placement: PlaceControlPlane, Spread: SpreadRequired, Disruption: Disruption{Quorum: true}}
	ruleUserWorker = Rule{Placement: PlaceWorker, Spread: SpreadPreferred}
)

func sysPod(name string, kv ...string) *v1.Pod {
	w := st.MakePod().Namespace("kube-system").Name(name)
	for i := 0; i+1 < len(kv); i += 2 {
		w = w.Label(kv[i], kv[i+1])
	}
	return w.Obj()
}

func nsPod(ns, name string, kv ...string) *v1.Pod {
	p := sysPod(name, kv...)
	p.Namespace = ns
	return p
}

// TestClassifyDefaultTable: every row of the component table of SPEC §3.
func TestClassifyDefaultTable(t *testing.T) {
	component := func(name string, r Rule, roles RoleSet) Class {
		return Class{Component: name, Trusted: true, Rule: r, Roles: roles}
	}
	tests := []struct {
		name string
		pod  *v1.Pod
		want Class
	}{
		{name: "kube-apiserver", pod: sysPod("kube-apiserver-cp-1", "component", "kube-apiserver", "tier", "control-plane"),
			want: component("kube-apiserver", ruleAPIServer, onlyCP)},
		{name: "kube-controller-manager", pod: sysPod("kube-controller-manager-cp-1", "component", "kube-controller-manager", "tier", "control-plane"),
			want: component("kube-controller-manager", ruleCPKeepOne, onlyCP)},
		{name: "kube-scheduler", pod: sysPod("kube-scheduler-cp-1", "component", "kube-scheduler", "tier", "control-plane"),
			want: component("kube-scheduler", ruleCPKeepOne, onlyCP)},
		{name: "kube-dns (CoreDNS)", pod: sysPod("coredns-abc", "k8s-app", "kube-dns", "pod-template-hash", "abc"),
			want: component("kube-dns", ruleKubeDNS, onlyCP)},
		{name: "kube-flannel", pod: sysPod("kube-flannel-ds-x", "app", "flannel", "tier", "node"),
			want: component("kube-flannel", ruleAnyNone, allRoles)},
		{name: "kube-proxy", pod: sysPod("kube-proxy-x", "k8s-app", "kube-proxy"),
			want: component("kube-proxy", ruleAnyNone, allRoles)},
		{name: "kube-etcd-network-checkpointer", pod: sysPod("kenc-x", "k8s-app", "kube-etcd-network-checkpointer"),
			want: component("kube-etcd-network-checkpointer", ruleCPNone, onlyCP)},
		{name: "pod-checkpointer", pod: sysPod("pod-checkpointer-x", "k8s-app", "pod-checkpointer"),
			want: component("pod-checkpointer", ruleCPNone, onlyCP)},
		{name: "etcd-operator", pod: sysPod("etcd-operator-x", "k8s-app", "etcd-operator"),
			want: component("etcd-operator", ruleAnyPref, allRoles)},
		{name: "etcd by component=etcd (kubeadm static pod)", pod: sysPod("etcd-cp-1", "component", "etcd", "tier", "control-plane"),
			want: component("etcd", ruleEtcd, onlyCP)},
		{name: "etcd by app=etcd (operator-managed member)", pod: sysPod("etcd-0", "app", "etcd", "etcd_cluster", "main"),
			want: component("etcd", ruleEtcd, onlyCP)},
		{name: "etcd by both labels", pod: sysPod("etcd-1", "app", "etcd", "component", "etcd"),
			want: component("etcd", ruleEtcd, onlyCP)},
		{name: "heapster", pod: sysPod("heapster-x", "k8s-app", "heapster"),
			want: component("heapster", ruleAnyPref, allRoles)},
		{name: "any other pod in kube-system", pod: sysPod("metrics-server-x", "k8s-app", "metrics-server"),
			want: Class{Trusted: true, Rule: ruleAnyPref, Roles: allRoles}},
		{name: "a pod in kube-system without labels", pod: sysPod("bare"),
			want: Class{Trusted: true, Rule: ruleAnyPref, Roles: allRoles}},
		{name: "a user workload", pod: nsPod("shop", "web-1", "app", "web"),
			want: Class{Rule: ruleUserWorker, Roles: onlyWorker}},
		{name: "a pod in the default namespace", pod: nsPod("default", "p"),
			want: Class{Rule: ruleUserWorker, Roles: onlyWorker}},
	}
	p := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, p.Classify(tt.pod)); diff != "" {
				t.Errorf("Classify (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClassifyLabelsAreNoProofOfIdentity: a pod outside the trusted
// namespaces is a user workload whatever labels it carries, and label
// values must match exactly.
func TestClassifyLabelsAreNoProofOfIdentity(t *testing.T) {
	user := Class{Rule: ruleUserWorker, Roles: onlyWorker}
	other := Class{Trusted: true, Rule: ruleAnyPref, Roles: allRoles}
	tests := []struct {
		name string
		pod  *v1.Pod
		want Class
	}{
		{name: "kube-apiserver labels in a user namespace", pod: nsPod("shop", "fake-apiserver", "component", "kube-apiserver", "tier", "control-plane"), want: user},
		{name: "kube-scheduler labels in default", pod: nsPod("default", "fake-scheduler", "component", "kube-scheduler"), want: user},
		{name: "etcd labels (component) in a user namespace", pod: nsPod("shop", "etcd-0", "component", "etcd"), want: user},
		{name: "etcd labels (app) in a user namespace", pod: nsPod("shop", "etcd-0", "app", "etcd"), want: user},
		{name: "kube-proxy labels in a user namespace", pod: nsPod("shop", "kp", "k8s-app", "kube-proxy"), want: user},
		{name: "a namespace named like kube-system but not it", pod: nsPod("kube-system-x", "s", "component", "kube-scheduler"), want: user},
		{name: "kube-public is not trusted by default", pod: nsPod("kube-public", "s", "component", "kube-scheduler"), want: user},
		{name: "a mirror-pod annotation proves nothing either", pod: func() *v1.Pod {
			p := nsPod("shop", "etcd-cp-1", "component", "etcd")
			p.Annotations = map[string]string{MirrorPodAnnotation: "x"}
			return p
		}(), want: user},
		{name: "kube-system: a value that only starts like a component's", pod: sysPod("etcd-events-0", "component", "etcd-events"), want: other},
		{name: "kube-system: the right value under another key", pod: sysPod("x", "name", "kube-scheduler"), want: other},
		{name: "kube-system: the right key with an empty value", pod: sysPod("x", "component", ""), want: other},
	}
	p := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, p.Classify(tt.pod)); diff != "" {
				t.Errorf("Classify (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClassifyFirstMatchWins: components are matched in table order.
func TestClassifyFirstMatchWins(t *testing.T) {
	custom := &Policy{
		TrustedNamespaces: sets.New("kube-system"),
		Components: []Component{
			CompileComponent(ComponentSpec{Name: "first", MatchLabels: []map[string]string{{"tier": "control-plane"}}, Rule: ruleCPNone}),
			CompileComponent(ComponentSpec{Name: "second", MatchLabels: []map[string]string{{"component": "etcd"}}, Rule: ruleEtcd}),
		},
		OtherTrusted:  ruleAnyPref,
		UserWorkloads: ruleUserWorker,
	}
	tests := []struct {
		name   string
		policy *Policy
		pod    *v1.Pod
		want   string
	}{
		{name: "default: kube-dns (row 4) before etcd (row 10)", policy: Default(), pod: sysPod("x", "component", "etcd", "k8s-app", "kube-dns"), want: "kube-dns"},
		{name: "default: kube-apiserver (row 1) before heapster (row 11)", policy: Default(), pod: sysPod("x", "k8s-app", "heapster", "component", "kube-apiserver"), want: "kube-apiserver"},
		{name: "default: kube-flannel (row 5) before etcd by app (row 10)", policy: Default(), pod: sysPod("x", "app", "flannel", "component", "etcd"), want: "kube-flannel"},
		{name: "default: kube-scheduler (row 3) before kube-proxy (row 6)", policy: Default(), pod: sysPod("x", "k8s-app", "kube-proxy", "component", "kube-scheduler"), want: "kube-scheduler"},
		{name: "custom: the first component matches, whatever the second says", policy: custom, pod: sysPod("etcd-cp-1", "component", "etcd", "tier", "control-plane"), want: "first"},
		{name: "custom: only the second matches", policy: custom, pod: sysPod("etcd-0", "component", "etcd"), want: "second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.policy.Classify(tt.pod).Component; got != tt.want {
				t.Errorf("Classify().Component = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClassifyCompactMode: allowUserWorkloadsOnControlPlane adds the
// control-plane role to user workloads, never infra, and never changes
// what trusted pods may use.
func TestClassifyCompactMode(t *testing.T) {
	compact := func(user Rule) *Policy {
		p := Default()
		p.UserWorkloads = user
		p.AllowUserWorkloadsOnControlPlane = true
		return p
	}
	userPod := nsPod("shop", "web-1", "app", "web")
	tests := []struct {
		name   string
		policy *Policy
		pod    *v1.Pod
		want   Class
	}{
		{name: "off: workers only", policy: Default(), pod: userPod, want: Class{Rule: ruleUserWorker, Roles: onlyWorker}},
		{name: "on: workers and control-plane, not infra", policy: compact(ruleUserWorker), pod: userPod,
			want: Class{Rule: ruleUserWorker, Roles: roleBitWorker | roleBitControlPlane}},
		{name: "on, user workloads on infra nodes: infra and control-plane",
			policy: compact(Rule{Placement: PlaceInfra, Spread: SpreadPreferred}), pod: userPod,
			want: Class{Rule: Rule{Placement: PlaceInfra, Spread: SpreadPreferred}, Roles: roleBitInfra | roleBitControlPlane}},
		{name: "on, user workloads on control-plane already: unchanged",
			policy: compact(Rule{Placement: PlaceControlPlane, Spread: SpreadPreferred}), pod: userPod,
			want: Class{Rule: Rule{Placement: PlaceControlPlane, Spread: SpreadPreferred}, Roles: onlyCP}},
		{name: "on, user workloads anywhere: every role",
			policy: compact(Rule{Placement: PlaceAny, Spread: SpreadNone}), pod: userPod,
			want: Class{Rule: Rule{Placement: PlaceAny, Spread: SpreadNone}, Roles: allRoles}},
		{name: "on: a component keeps its own roles", policy: compact(ruleUserWorker), pod: sysPod("etcd-0", "component", "etcd"),
			want: Class{Component: "etcd", Trusted: true, Rule: ruleEtcd, Roles: onlyCP}},
		{name: "on: another trusted pod keeps its own roles", policy: compact(ruleUserWorker), pod: sysPod("x"),
			want: Class{Trusted: true, Rule: ruleAnyPref, Roles: allRoles}},
		{name: "on: a user pod with control-plane labels is still a user workload", policy: compact(ruleUserWorker),
			pod:  nsPod("shop", "x", "component", "kube-apiserver"),
			want: Class{Rule: ruleUserWorker, Roles: roleBitWorker | roleBitControlPlane}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.policy.Classify(tt.pod)); diff != "" {
				t.Errorf("Classify (-want +got):\n%s", diff)
			}
		})
	}
}

// TestClassifyCustomPolicy: a policy with more trusted namespaces, its own
// components and its own rules for other trusted pods and user workloads.
func TestClassifyCustomPolicy(t *testing.T) {
	calicoNode := Rule{Placement: PlaceAny, Spread: SpreadNone}
	otherTrusted := Rule{Placement: PlaceInfra, Spread: SpreadRequired, Disruption: Disruption{MinAvailable: 2}}
	userRule := Rule{Placement: PlaceWorker, Spread: SpreadNone}
	p := &Policy{
		TrustedNamespaces: sets.New("kube-system", "calico-system", "monitoring"),
		Components: []Component{
			CompileComponent(ComponentSpec{Name: "calico-node", MatchLabels: []map[string]string{{"k8s-app": "calico-node"}}, Rule: calicoNode}),
			CompileComponent(ComponentSpec{Name: "prometheus", MatchLabels: []map[string]string{
				{"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/component": "server"},
			}, Rule: Rule{Placement: PlaceInfra, Spread: SpreadRequired, Disruption: Disruption{MinAvailable: 1}}}),
		},
		OtherTrusted:  otherTrusted,
		UserWorkloads: userRule,
	}
	tests := []struct {
		name string
		pod  *v1.Pod
		want Class
	}{
		{name: "a component of an added trusted namespace", pod: nsPod("calico-system", "calico-node-x", "k8s-app", "calico-node"),
			want: Class{Component: "calico-node", Trusted: true, Rule: calicoNode, Roles: allRoles}},
		{name: "a component matches in every trusted namespace", pod: sysPod("calico-node-x", "k8s-app", "calico-node"),
			want: Class{Component: "calico-node", Trusted: true, Rule: calicoNode, Roles: allRoles}},
		{name: "a selector's labels are ANDed: all present", pod: nsPod("monitoring", "prom-0", "app.kubernetes.io/name", "prometheus", "app.kubernetes.io/component", "server"),
			want: Class{Component: "prometheus", Trusted: true, Rule: Rule{Placement: PlaceInfra, Spread: SpreadRequired, Disruption: Disruption{MinAvailable: 1}}, Roles: onlyInfra}},
		{name: "a selector's labels are ANDed: one missing", pod: nsPod("monitoring", "prom-agent", "app.kubernetes.io/name", "prometheus"),
			want: Class{Trusted: true, Rule: otherTrusted, Roles: onlyInfra}},
		{name: "the default table is replaced: kube-scheduler is another trusted pod", pod: sysPod("kube-scheduler-cp-1", "component", "kube-scheduler"),
			want: Class{Trusted: true, Rule: otherTrusted, Roles: onlyInfra}},
		{name: "a component's labels outside the trusted namespaces", pod: nsPod("tigera-operator", "calico-node-x", "k8s-app", "calico-node"),
			want: Class{Rule: userRule, Roles: onlyWorker}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, p.Classify(tt.pod)); diff != "" {
				t.Errorf("Classify (-want +got):\n%s", diff)
			}
			if got, want := p.IsTrustedNamespace(tt.pod.Namespace), tt.want.Trusted; got != want {
				t.Errorf("IsTrustedNamespace(%q) = %v, want %v", tt.pod.Namespace, got, want)
			}
			if got, want := p.Classify(tt.pod).IsUserWorkload(), !tt.want.Trusted; got != want {
				t.Errorf("IsUserWorkload = %v, want %v", got, want)
			}
		})
	}
}
