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
	}
}

func TestSetDefaultsWorkloadSeparationArgs(t *testing.T) {
	tests := []struct {
		name string
		in   func() *WorkloadSeparationArgs
		want *WorkloadSeparationArgs
	}{
		{
			name: "empty: the default policy",
			in:   func() *WorkloadSeparationArgs { return &WorkloadSeparationArgs{} },
			want: &WorkloadSeparationArgs{PolicyArgs: defaultPolicy()},
		},
		{
			name: "compact mode is kept, the rest defaulted",
			in: func() *WorkloadSeparationArgs {
				return &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{AllowUserWorkloadsOnControlPlane: true}}
			},
			want: func() *WorkloadSeparationArgs {
				a := &WorkloadSeparationArgs{PolicyArgs: defaultPolicy()}
				a.AllowUserWorkloadsOnControlPlane = true
				return a
			}(),
		},
		{
			name: "trusted namespaces are kept as set, the components are the default table",
			in: func() *WorkloadSeparationArgs {
				return &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}}}
			},
			want: func() *WorkloadSeparationArgs {
				a := &WorkloadSeparationArgs{PolicyArgs: defaultPolicy()}
				a.TrustedNamespaces = []string{"kube-system", "calico-system"}
				return a
			}(),
		},
		{
			name: "explicit empty lists stay empty",
			in: func() *WorkloadSeparationArgs {
				return &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{TrustedNamespaces: []string{}, Components: []ComponentArgs{}}}
			},
			want: &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{
				TrustedNamespaces: []string{},
				Components:        []ComponentArgs{},
				OtherTrustedPods:  &RuleArgs{Placement: "Any", Spread: "Preferred"},
				UserWorkloads:     &RuleArgs{Placement: "Worker", Spread: "Preferred"},
			}},
		},
		{
			name: "custom components replace the table; each gets spread and minAvailable defaults",
			in: func() *WorkloadSeparationArgs {
				return &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{Components: []ComponentArgs{
					{Name: "a", Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "a"}}}, RuleArgs: RuleArgs{Placement: "Infra"}},
					{Name: "b", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{}}},
					{Name: "c", RuleArgs: RuleArgs{Placement: "ControlPlane", Disruption: &DisruptionArgs{Quorum: true}}},
					{Name: "d", RuleArgs: RuleArgs{Placement: "Any", Spread: "None", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](3)}}},
					{Name: "e", RuleArgs: RuleArgs{Placement: "Any", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](0)}}},
					{Name: "f", RuleArgs: RuleArgs{}},
				}}}
			},
			want: func() *WorkloadSeparationArgs {
				a := &WorkloadSeparationArgs{PolicyArgs: defaultPolicy()}
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
				return a
			}(),
		},
		{
			name: "partial rules for other trusted pods and user workloads are completed, not replaced",
			in: func() *WorkloadSeparationArgs {
				return &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{
					OtherTrustedPods: &RuleArgs{Placement: "Infra"},
					UserWorkloads:    &RuleArgs{Placement: "Any", Spread: "Required", Disruption: &DisruptionArgs{}},
				}}
			},
			want: func() *WorkloadSeparationArgs {
				a := &WorkloadSeparationArgs{PolicyArgs: defaultPolicy()}
				a.OtherTrustedPods = &RuleArgs{Placement: "Infra", Spread: "Preferred"}
				a.UserWorkloads = &RuleArgs{Placement: "Any", Spread: "Required", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](1)}}
				return a
			}(),
		},
		{
			name: "an empty rule gets the default spread only",
			in: func() *WorkloadSeparationArgs {
				return &WorkloadSeparationArgs{PolicyArgs: PolicyArgs{UserWorkloads: &RuleArgs{}}}
			},
			want: func() *WorkloadSeparationArgs {
				a := &WorkloadSeparationArgs{PolicyArgs: defaultPolicy()}
				a.UserWorkloads = &RuleArgs{Spread: "Preferred"}
				return a
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in()
			SetDefaultsWorkloadSeparationArgs(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("defaulted args (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetDefaultsFailureDomainSpreadArgs(t *testing.T) {
	defaultLevels := func() []string {
		return []string{"topology.kubernetes.io/zone", "topology.scs.community/host-id", "kubernetes.io/hostname"}
	}
	tests := []struct {
		name string
		in   *FailureDomainSpreadArgs
		want *FailureDomainSpreadArgs
	}{
		{
			name: "empty: the default policy, three levels, host-id required",
			in:   &FailureDomainSpreadArgs{},
			want: &FailureDomainSpreadArgs{
				PolicyArgs:     defaultPolicy(),
				Levels:         defaultLevels(),
				RequiredLevels: []string{"topology.scs.community/host-id"},
			},
		},
		{
			name: "explicit levels are kept",
			in: &FailureDomainSpreadArgs{
				Levels:         []string{"topology.kubernetes.io/region", "topology.kubernetes.io/zone", "kubernetes.io/hostname"},
				RequiredLevels: []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"},
			},
			want: &FailureDomainSpreadArgs{
				PolicyArgs:     defaultPolicy(),
				Levels:         []string{"topology.kubernetes.io/region", "topology.kubernetes.io/zone", "kubernetes.io/hostname"},
				RequiredLevels: []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"},
			},
		},
		{
			name: "levels set, required levels defaulted",
			in:   &FailureDomainSpreadArgs{Levels: []string{"topology.scs.community/host-id", "kubernetes.io/hostname"}},
			want: &FailureDomainSpreadArgs{
				PolicyArgs:     defaultPolicy(),
				Levels:         []string{"topology.scs.community/host-id", "kubernetes.io/hostname"},
				RequiredLevels: []string{"topology.scs.community/host-id"},
			},
		},
		{
			name: "explicit empty required levels: nothing required",
			in:   &FailureDomainSpreadArgs{RequiredLevels: []string{}},
			want: &FailureDomainSpreadArgs{
				PolicyArgs:     defaultPolicy(),
				Levels:         defaultLevels(),
				RequiredLevels: []string{},
			},
		},
		{
			name: "explicit empty levels stay empty (for validation to judge)",
			in:   &FailureDomainSpreadArgs{Levels: []string{}},
			want: &FailureDomainSpreadArgs{
				PolicyArgs:     defaultPolicy(),
				Levels:         []string{},
				RequiredLevels: []string{"topology.scs.community/host-id"},
			},
		},
		{
			name: "the policy part is defaulted as for the other plugins",
			in:   &FailureDomainSpreadArgs{PolicyArgs: PolicyArgs{Components: []ComponentArgs{}, AllowUserWorkloadsOnControlPlane: true}},
			want: &FailureDomainSpreadArgs{
				PolicyArgs: PolicyArgs{
					TrustedNamespaces:                []string{"kube-system"},
					Components:                       []ComponentArgs{},
					OtherTrustedPods:                 &RuleArgs{Placement: "Any", Spread: "Preferred"},
					UserWorkloads:                    &RuleArgs{Placement: "Worker", Spread: "Preferred"},
					AllowUserWorkloadsOnControlPlane: true,
				},
				Levels:         defaultLevels(),
				RequiredLevels: []string{"topology.scs.community/host-id"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			SetDefaultsFailureDomainSpreadArgs(tt.in)
			if diff := cmp.Diff(tt.want, tt.in); diff != "" {
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
			name: "empty: the default policy, Strict, DefaultPreemption's candidate limits",
			in:   &DisruptionGuardArgs{},
			want: &DisruptionGuardArgs{
				PolicyArgs:                  defaultPolicy(),
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](10),
				MinCandidateNodesAbsolute:   ptr.To[int32](100),
			},
		},
		{
			name: "explicit values are kept",
			in: &DisruptionGuardArgs{
				Mode:                        "BestEffort",
				MinCandidateNodesPercentage: ptr.To[int32](50),
				MinCandidateNodesAbsolute:   ptr.To[int32](5),
			},
			want: &DisruptionGuardArgs{
				PolicyArgs:                  defaultPolicy(),
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
				PolicyArgs:                  defaultPolicy(),
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](0),
				MinCandidateNodesAbsolute:   ptr.To[int32](0),
			},
		},
		{
			name: "one limit set, the other defaulted",
			in:   &DisruptionGuardArgs{MinCandidateNodesAbsolute: ptr.To[int32](30)},
			want: &DisruptionGuardArgs{
				PolicyArgs:                  defaultPolicy(),
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](10),
				MinCandidateNodesAbsolute:   ptr.To[int32](30),
			},
		},
		{
			name: "disruption without quorum gets minAvailable 1, with quorum none",
			in: &DisruptionGuardArgs{PolicyArgs: PolicyArgs{
				TrustedNamespaces: []string{"kube-system"},
				Components: []ComponentArgs{
					{Name: "etcd", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true}}},
					{Name: "api", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{}}},
					{Name: "dns", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Preferred"}},
				},
			}},
			want: &DisruptionGuardArgs{
				PolicyArgs: PolicyArgs{
					TrustedNamespaces: []string{"kube-system"},
					Components: []ComponentArgs{
						{Name: "etcd", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true}}},
						{Name: "api", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{MinAvailable: ptr.To[int32](1)}}},
						{Name: "dns", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Preferred"}},
					},
					OtherTrustedPods: &RuleArgs{Placement: "Any", Spread: "Preferred"},
					UserWorkloads:    &RuleArgs{Placement: "Worker", Spread: "Preferred"},
				},
				Mode:                        "Strict",
				MinCandidateNodesPercentage: ptr.To[int32](10),
				MinCandidateNodesAbsolute:   ptr.To[int32](100),
			},
		},
		{
			name: "quorum and minAvailable both set are kept as they are (validation rejects them)",
			in: &DisruptionGuardArgs{PolicyArgs: PolicyArgs{Components: []ComponentArgs{
				{Name: "etcd", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true, MinAvailable: ptr.To[int32](2)}}},
			}}},
			want: func() *DisruptionGuardArgs {
				a := &DisruptionGuardArgs{
					PolicyArgs:                  defaultPolicy(),
					Mode:                        "Strict",
					MinCandidateNodesPercentage: ptr.To[int32](10),
					MinCandidateNodesAbsolute:   ptr.To[int32](100),
				}
				a.Components = []ComponentArgs{
					{Name: "etcd", RuleArgs: RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &DisruptionArgs{Quorum: true, MinAvailable: ptr.To[int32](2)}}},
				}
				return a
			}(),
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

// TestSetDefaultsIsIdempotent: defaulting twice gives what defaulting once
// gives, for each plugin's args. Inputs are built afresh for each run, so
// the two runs share nothing.
func TestSetDefaultsIsIdempotent(t *testing.T) {
	policies := map[string]func() PolicyArgs{
		"empty":           func() PolicyArgs { return PolicyArgs{} },
		"explicit empty":  func() PolicyArgs { return PolicyArgs{TrustedNamespaces: []string{}, Components: []ComponentArgs{}} },
		"compact":         func() PolicyArgs { return PolicyArgs{AllowUserWorkloadsOnControlPlane: true} },
		"extra namespace": func() PolicyArgs { return PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}} },
		"partial user rules": func() PolicyArgs {
			return PolicyArgs{UserWorkloads: &RuleArgs{Placement: "Any", Disruption: &DisruptionArgs{}}}
		},
		"custom components": func() PolicyArgs {
			return PolicyArgs{Components: []ComponentArgs{
				{Name: "a", RuleArgs: RuleArgs{Placement: "Infra", Disruption: &DisruptionArgs{}}},
				{Name: "b", RuleArgs: RuleArgs{Placement: "ControlPlane", Disruption: &DisruptionArgs{Quorum: true}}},
			}}
		},
	}
	for name, mk := range policies {
		t.Run(name, func(t *testing.T) {
			t.Run("WorkloadSeparation", func(t *testing.T) {
				once := &WorkloadSeparationArgs{PolicyArgs: mk()}
				SetDefaultsWorkloadSeparationArgs(once)
				twice := &WorkloadSeparationArgs{PolicyArgs: mk()}
				SetDefaultsWorkloadSeparationArgs(twice)
				SetDefaultsWorkloadSeparationArgs(twice)
				if diff := cmp.Diff(once, twice); diff != "" {
					t.Errorf("(-once +twice):\n%s", diff)
				}
			})
			for _, fds := range []struct {
				name           string
				levels, reqLvl []string
			}{
				{name: "unset levels"},
				{name: "empty required levels", reqLvl: []string{}},
				{name: "custom levels", levels: []string{"topology.kubernetes.io/region", "kubernetes.io/hostname"}, reqLvl: []string{"kubernetes.io/hostname"}},
			} {
				t.Run("FailureDomainSpread/"+fds.name, func(t *testing.T) {
					mkArgs := func() *FailureDomainSpreadArgs {
						return &FailureDomainSpreadArgs{PolicyArgs: mk(), Levels: clone(fds.levels), RequiredLevels: clone(fds.reqLvl)}
					}
					once := mkArgs()
					SetDefaultsFailureDomainSpreadArgs(once)
					twice := mkArgs()
					SetDefaultsFailureDomainSpreadArgs(twice)
					SetDefaultsFailureDomainSpreadArgs(twice)
					if diff := cmp.Diff(once, twice); diff != "" {
						t.Errorf("(-once +twice):\n%s", diff)
					}
				})
			}
			t.Run("DisruptionGuard", func(t *testing.T) {
				once := &DisruptionGuardArgs{PolicyArgs: mk()}
				SetDefaultsDisruptionGuardArgs(once)
				twice := &DisruptionGuardArgs{PolicyArgs: mk()}
				SetDefaultsDisruptionGuardArgs(twice)
				SetDefaultsDisruptionGuardArgs(twice)
				if diff := cmp.Diff(once, twice); diff != "" {
					t.Errorf("(-once +twice):\n%s", diff)
				}
			})
		})
	}
}

// clone keeps nil and empty apart.
func clone(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

// TestSetDefaultsShareNothing: the defaults given to one args value are its
// own; changing them changes neither another args value nor the defaults.
func TestSetDefaultsShareNothing(t *testing.T) {
	a, b := &FailureDomainSpreadArgs{}, &FailureDomainSpreadArgs{}
	SetDefaultsFailureDomainSpreadArgs(a)
	a.Levels[0] = "changed"
	a.RequiredLevels[0] = "changed"
	a.TrustedNamespaces[0] = "changed"
	a.Components[0].Name = "changed"
	a.Components[1].Disruption.MinAvailable = ptr.To[int32](7)
	*a.Components[2].Disruption.MinAvailable = 9
	a.UserWorkloads.Placement = "changed"
	a.OtherTrustedPods.Placement = "changed"
	a.Components[9].Selectors[0].MatchLabels["component"] = "changed"

	SetDefaultsFailureDomainSpreadArgs(b)
	want := &FailureDomainSpreadArgs{
		PolicyArgs:     defaultPolicy(),
		Levels:         []string{"topology.kubernetes.io/zone", "topology.scs.community/host-id", "kubernetes.io/hostname"},
		RequiredLevels: []string{"topology.scs.community/host-id"},
	}
	require.NotSame(t, a.UserWorkloads, b.UserWorkloads)
	if diff := cmp.Diff(want, b); diff != "" {
		t.Errorf("defaults changed through another args value (-want +got):\n%s", diff)
	}
}
