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

package config

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// defaultPolicy is the default policy of SPEC §3 written out as args, field
// by field, rather than taken from DefaultComponentArgs: a change to the
// table or to defaulting shows up here.
func defaultPolicy() PolicyArgs {
	sel := func(k, v string) []metav1.LabelSelector {
		return []metav1.LabelSelector{{MatchLabels: map[string]string{k: v}}}
	}
	keepOne := func() *DisruptionArgs { return &DisruptionArgs{MinAvailable: ptr.To[int32](1)} }
	return PolicyArgs{
		TrustedNamespaces: []string{"kube-system"},
		Components: []ComponentArgs{
			{Name: "kube-apiserver", Selectors: sel("component", "kube-apiserver"), RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "None"}},
			{Name: "kube-controller-manager", Selectors: sel("component", "kube-controller-manager"), RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: keepOne()}},
			{Name: "kube-scheduler", Selectors: sel("component", "kube-scheduler"), RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: keepOne()}},
			{Name: "kube-dns", Selectors: sel("k8s-app", "kube-dns"), RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Preferred"}},
			{Name: "kube-flannel", Selectors: sel("app", "flannel"), RuleArgs: RuleArgs{Placement: "Any", Spread: "None"}},
			{Name: "kube-proxy", Selectors: sel("k8s-app", "kube-proxy"), RuleArgs: RuleArgs{Placement: "Any", Spread: "None"}},
			{Name: "kube-etcd-network-checkpointer", Selectors: sel("k8s-app", "kube-etcd-network-checkpointer"), RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "None"}},
			{Name: "pod-checkpointer", Selectors: sel("k8s-app", "pod-checkpointer"), RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "None"}},
			{Name: "etcd-operator", Selectors: sel("k8s-app", "etcd-operator"), RuleArgs: RuleArgs{Placement: "Any", Spread: "Preferred"}},
			{Name: "etcd", Selectors: []metav1.LabelSelector{
				{MatchLabels: map[string]string{"component": "etcd"}},
				{MatchLabels: map[string]string{"app": "etcd"}},
			}, RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true}}},
			{Name: "heapster", Selectors: sel("k8s-app", "heapster"), RuleArgs: RuleArgs{Placement: "Any", Spread: "Preferred"}},
		},
		OtherTrustedPods: &RuleArgs{Placement: "Any", Spread: "Preferred"},
		UserWorkloads:    &RuleArgs{Placement: "Worker", Spread: "Preferred"},
		Levels:           defaultLevels(),
		RequiredLevels:   []string{"topology.scs.community/host-id"},
		ReservedPriority: ptr.To[int32](2000000000),
	}
}

func defaultLevels() []string {
	return []string{"topology.kubernetes.io/zone", "topology.scs.community/host-id", "kubernetes.io/hostname"}
}

func TestSetDefaultsPolicyArgs(t *testing.T) {
	tests := []struct {
		name string
		in   func() *PolicyArgs
		want *PolicyArgs
	}{
		{
			name: "empty: the default policy",
			in:   func() *PolicyArgs { return &PolicyArgs{} },
			want: ptr.To(defaultPolicy()),
		},
		{
			name: "apiVersion and kind are kept",
			in: func() *PolicyArgs {
				return &PolicyArgs{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "HAPolicyArgs"}}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "HAPolicyArgs"}
				return &a
			}(),
		},
		{
			name: "compact mode is kept, the rest defaulted",
			in:   func() *PolicyArgs { return &PolicyArgs{AllowUserWorkloadsOnControlPlane: true} },
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.AllowUserWorkloadsOnControlPlane = true
				return &a
			}(),
		},
		{
			name: "trusted namespaces are kept as set, the components are the default table",
			in: func() *PolicyArgs {
				return &PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.TrustedNamespaces = []string{"kube-system", "calico-system"}
				return &a
			}(),
		},
		{
			name: "explicit empty lists stay empty (for validation to judge)",
			in: func() *PolicyArgs {
				return &PolicyArgs{TrustedNamespaces: []string{}, Components: []ComponentArgs{}, Levels: []string{}, RequiredLevels: []string{}}
			},
			want: &PolicyArgs{
				TrustedNamespaces: []string{},
				Components:        []ComponentArgs{},
				OtherTrustedPods:  &RuleArgs{Placement: "Any", Spread: "Preferred"},
				UserWorkloads:     &RuleArgs{Placement: "Worker", Spread: "Preferred"},
				Levels:            []string{},
				RequiredLevels:    []string{},
				ReservedPriority:  ptr.To[int32](2000000000),
			},
		},
		{
			name: "a reserved priority is kept",
			in:   func() *PolicyArgs { return &PolicyArgs{ReservedPriority: ptr.To[int32](1000000)} },
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.ReservedPriority = ptr.To[int32](1000000)
				return &a
			}(),
		},
		{
			name: "custom components replace the table; each gets spread and minAvailable defaults",
			in: func() *PolicyArgs {
				return &PolicyArgs{Components: []ComponentArgs{
					{Name: "a", Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "a"}}}, RuleArgs: RuleArgs{Placement: "Infra"}},
					{Name: "b", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{}}},
					{Name: "c", RuleArgs: RuleArgs{Placement: "ControlPlane", Disruption: &DisruptionArgs{Quorum: true}}},
					{Name: "d", RuleArgs: RuleArgs{Placement: "Any", Spread: "None", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](3)}}},
					{Name: "e", RuleArgs: RuleArgs{Placement: "Any", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](0)}}},
					{Name: "f", RuleArgs: RuleArgs{}},
				}}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.Components = []ComponentArgs{
					{Name: "a", Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "a"}}}, RuleArgs: RuleArgs{Placement: "Infra", Spread: "Preferred"}},
					{Name: "b", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](1)}}},
					{Name: "c", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Preferred", Disruption: &DisruptionArgs{Quorum: true}}},
					{Name: "d", RuleArgs: RuleArgs{Placement: "Any", Spread: "None", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](3)}}},
					// An explicit 0 is kept for validation to reject, not turned into 1.
					{Name: "e", RuleArgs: RuleArgs{Placement: "Any", Spread: "Preferred", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](0)}}},
					// nodeRole has no default: validation requires it.
					{Name: "f", RuleArgs: RuleArgs{Spread: "Preferred"}},
				}
				return &a
			}(),
		},
		{
			name: "quorum and minAvailable both set are kept as they are (validation rejects them)",
			in: func() *PolicyArgs {
				return &PolicyArgs{Components: []ComponentArgs{
					{Name: "etcd", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true, MinAvailable: ptr.To[int32](2)}}},
				}}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.Components = []ComponentArgs{
					{Name: "etcd", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true, MinAvailable: ptr.To[int32](2)}}},
				}
				return &a
			}(),
		},
		{
			name: "partial rules for other trusted pods and user workloads are completed, not replaced",
			in: func() *PolicyArgs {
				return &PolicyArgs{
					OtherTrustedPods: &RuleArgs{Placement: "Infra"},
					UserWorkloads:    &RuleArgs{Placement: "Any", Spread: "Required", Disruption: &DisruptionArgs{}},
				}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.OtherTrustedPods = &RuleArgs{Placement: "Infra", Spread: "Preferred"}
				a.UserWorkloads = &RuleArgs{Placement: "Any", Spread: "Required", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](1)}}
				return &a
			}(),
		},
		{
			name: "an empty rule gets the default spread only",
			in:   func() *PolicyArgs { return &PolicyArgs{UserWorkloads: &RuleArgs{}} },
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.UserWorkloads = &RuleArgs{Spread: "Preferred"}
				return &a
			}(),
		},
		{
			name: "explicit levels are kept",
			in: func() *PolicyArgs {
				return &PolicyArgs{
					Levels:         []string{"topology.kubernetes.io/region", "topology.kubernetes.io/zone", "kubernetes.io/hostname"},
					RequiredLevels: []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"},
				}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.Levels = []string{"topology.kubernetes.io/region", "topology.kubernetes.io/zone", "kubernetes.io/hostname"}
				a.RequiredLevels = []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
				return &a
			}(),
		},
		{
			name: "levels set, required levels defaulted",
			in: func() *PolicyArgs {
				return &PolicyArgs{Levels: []string{"topology.scs.community/host-id", "kubernetes.io/hostname"}}
			},
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.Levels = []string{"topology.scs.community/host-id", "kubernetes.io/hostname"}
				return &a
			}(),
		},
		{
			name: "explicit empty required levels: nothing required, levels defaulted",
			in:   func() *PolicyArgs { return &PolicyArgs{RequiredLevels: []string{}} },
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.RequiredLevels = []string{}
				return &a
			}(),
		},
		{
			name: "explicit empty levels stay empty, required levels defaulted",
			in:   func() *PolicyArgs { return &PolicyArgs{Levels: []string{}} },
			want: func() *PolicyArgs {
				a := defaultPolicy()
				a.Levels = []string{}
				return &a
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in()
			SetDefaultsPolicyArgs(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("defaulted args (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetDefaultsDisruptionGuardArgs(t *testing.T) {
	tests := []struct {
		name string
		in   *DisruptionGuardArgs
		want *DisruptionGuardArgs
	}{
		{
			name: "empty: Strict, DefaultPreemption's candidate limits",
			in:   &DisruptionGuardArgs{},
			want: &DisruptionGuardArgs{
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](10),
				MinCandidateNodesAbsolute:   ptr.To[int32](100),
			},
		},
		{
			name: "explicit values are kept",
			in: &DisruptionGuardArgs{
				TypeMeta:                    metav1.TypeMeta{APIVersion: "v1", Kind: "DisruptionGuardArgs"},
				Mode:                        "BestEffort",
				MinCandidateNodesPercentage: ptr.To[int32](50),
				MinCandidateNodesAbsolute:   ptr.To[int32](5),
			},
			want: &DisruptionGuardArgs{
				TypeMeta:                    metav1.TypeMeta{APIVersion: "v1", Kind: "DisruptionGuardArgs"},
				Mode:                        "BestEffort",
				MinCandidateNodesPercentage: ptr.To[int32](50),
				MinCandidateNodesAbsolute:   ptr.To[int32](5),
			},
		},
		{
			name: "explicit zeros are kept (0 is a valid candidate limit)",
			in: &DisruptionGuardArgs{
				MinCandidateNodesPercentage: ptr.To[int32](0),
				MinCandidateNodesAbsolute:   ptr.To[int32](0),
			},
			want: &DisruptionGuardArgs{
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](0),
				MinCandidateNodesAbsolute:   ptr.To[int32](0),
			},
		},
		{
			name: "one limit set, the other defaulted",
			in:   &DisruptionGuardArgs{MinCandidateNodesAbsolute: ptr.To[int32](30)},
			want: &DisruptionGuardArgs{
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](10),
				MinCandidateNodesAbsolute:   ptr.To[int32](30),
			},
		},
		{
			name: "an unknown mode is kept (validation rejects it)",
			in:   &DisruptionGuardArgs{Mode: "Lenient"},
			want: &DisruptionGuardArgs{
				Mode:                        "Lenient",
				MinCandidateNodesPercentage: ptr.To[int32](10),
				MinCandidateNodesAbsolute:   ptr.To[int32](100),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			SetDefaultsDisruptionGuardArgs(tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
				t.Errorf("defaulted args (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultsCoverEveryField: defaulting empty args sets every field but
// those that have no default. A field added to the args without a default
// fails here until it gets one or is listed.
func TestDefaultsCoverEveryField(t *testing.T) {
	tests := []struct {
		name      string
		defaulted any
		// noDefault are the fields whose zero value is their default.
		noDefault []string
	}{
		{
			name:      "PolicyArgs",
			defaulted: func() any { a := &PolicyArgs{}; SetDefaultsPolicyArgs(a); return a }(),
			noDefault: []string{"TypeMeta", "AllowUserWorkloadsOnControlPlane"},
		},
		{
			name:      "DisruptionGuardArgs",
			defaulted: func() any { a := &DisruptionGuardArgs{}; SetDefaultsDisruptionGuardArgs(a); return a }(),
			noDefault: []string{"TypeMeta"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := reflect.ValueOf(tt.defaulted).Elem()
			var unset []string
			for i := range v.NumField() {
				name := v.Type().Field(i).Name
				if v.Field(i).IsZero() != slices.Contains(tt.noDefault, name) {
					unset = append(unset, name)
				}
			}
			if diff := cmp.Diff([]string(nil), unset); diff != "" {
				t.Errorf("fields unset by defaulting, or set though listed as having no default (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSetDefaultsIsIdempotent: defaulting twice gives what defaulting once
// gives. Inputs are built afresh for each run, so the two runs share
// nothing.
func TestSetDefaultsIsIdempotent(t *testing.T) {
	policies := map[string]func() *PolicyArgs{
		"empty":           func() *PolicyArgs { return &PolicyArgs{} },
		"explicit empty":  func() *PolicyArgs { return &PolicyArgs{TrustedNamespaces: []string{}, Components: []ComponentArgs{}} },
		"compact":         func() *PolicyArgs { return &PolicyArgs{AllowUserWorkloadsOnControlPlane: true} },
		"extra namespace": func() *PolicyArgs { return &PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}} },
		"partial user rules": func() *PolicyArgs {
			return &PolicyArgs{UserWorkloads: &RuleArgs{Placement: "Any", Disruption: &DisruptionArgs{}}}
		},
		"custom components": func() *PolicyArgs {
			return &PolicyArgs{Components: []ComponentArgs{
				{Name: "a", RuleArgs: RuleArgs{Placement: "Infra", Disruption: &DisruptionArgs{}}},
				{Name: "b", RuleArgs: RuleArgs{Placement: "ControlPlane", Disruption: &DisruptionArgs{Quorum: true}}},
			}}
		},
		"empty required levels": func() *PolicyArgs { return &PolicyArgs{RequiredLevels: []string{}} },
		"empty levels":          func() *PolicyArgs { return &PolicyArgs{Levels: []string{}} },
		"custom levels": func() *PolicyArgs {
			return &PolicyArgs{Levels: []string{"topology.kubernetes.io/region", "kubernetes.io/hostname"}, RequiredLevels: []string{"kubernetes.io/hostname"}}
		},
	}
	for name, mk := range policies {
		t.Run("PolicyArgs/"+name, func(t *testing.T) {
			once := mk()
			SetDefaultsPolicyArgs(once)
			twice := mk()
			SetDefaultsPolicyArgs(twice)
			SetDefaultsPolicyArgs(twice)
			if diff := cmp.Diff(once, twice); diff != "" {
				t.Errorf("(-once +twice):\n%s", diff)
			}
		})
	}
	guards := map[string]func() *DisruptionGuardArgs{
		"empty":       func() *DisruptionGuardArgs { return &DisruptionGuardArgs{} },
		"best effort": func() *DisruptionGuardArgs { return &DisruptionGuardArgs{Mode: ModeBestEffort} },
		"zeros": func() *DisruptionGuardArgs {
			return &DisruptionGuardArgs{MinCandidateNodesPercentage: ptr.To[int32](0), MinCandidateNodesAbsolute: ptr.To[int32](0)}
		},
	}
	for name, mk := range guards {
		t.Run("DisruptionGuardArgs/"+name, func(t *testing.T) {
			once := mk()
			SetDefaultsDisruptionGuardArgs(once)
			twice := mk()
			SetDefaultsDisruptionGuardArgs(twice)
			SetDefaultsDisruptionGuardArgs(twice)
			if diff := cmp.Diff(once, twice); diff != "" {
				t.Errorf("(-once +twice):\n%s", diff)
			}
		})
	}
}

// TestSetDefaultsShareNothing: the defaults given to one args value are its
// own; changing them changes neither another args value nor the defaults
// (policy.DefaultLevels and the default component table included).
func TestSetDefaultsShareNothing(t *testing.T) {
	a, b := &PolicyArgs{}, &PolicyArgs{}
	SetDefaultsPolicyArgs(a)
	a.Levels[0] = "changed"
	a.RequiredLevels[0] = "changed"
	a.TrustedNamespaces[0] = "changed"
	a.Components[0].Name = "changed"
	a.Components[1].Disruption.MinAvailable = ptr.To[int32](7)
	*a.Components[2].Disruption.MinAvailable = 9
	a.UserWorkloads.Placement = "changed"
	a.OtherTrustedPods.Placement = "changed"
	a.Components[9].Selectors[0].MatchLabels["component"] = "changed"

	SetDefaultsPolicyArgs(b)
	require.NotSame(t, a.UserWorkloads, b.UserWorkloads)
	if diff := cmp.Diff(ptr.To(defaultPolicy()), b); diff != "" {
		t.Errorf("defaults changed through another args value (-want +got):\n%s", diff)
	}
}
