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

package validation

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/cmd/kube-scheduler/app/options"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const dgReplacesDP = "DisruptionGuard replaces DefaultPreemption: disable DefaultPreemption in this profile (plugins.multiPoint.disabled or plugins.postFilter.disabled)"

// TestLoadPolicies loads configurations as the binary does (the file, then
// LoadPolicies) and compares the policies of every profile, or the whole
// error.
func TestLoadPolicies(t *testing.T) {
	const header = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n"
	profile := func(i int) *field.Path { return field.NewPath("profiles").Index(i) }
	args := func(i, j int) *field.Path { return profile(i).Child("pluginConfig").Index(j).Child("args") }
	vault := config.ComponentArgs{
		Name:      "vault",
		Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "vault"}}},
		RuleArgs:  config.RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &config.DisruptionArgs{Quorum: true}},
	}
	tests := []struct {
		name     string
		config   string
		want     config.Policies
		wantErrs field.ErrorList
	}{
		{
			name:   "no ha-scheduler plugin: the default policy",
			config: "- schedulerName: default-scheduler\n",
			want:   config.Policies{"default-scheduler": defaultArgs(nil)},
		},
		{
			name: "plugins without HAPolicy: the default policy",
			config: `- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}, {name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
`,
			want: config.Policies{"ha": defaultArgs(nil)},
		},
		{
			name: "each profile its own policy, defaults for the one without HAPolicy",
			config: `- schedulerName: default-scheduler
- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}, {name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
  pluginConfig:
  - name: WorkloadSeparation
  - name: FailureDomainSpread
    args: {}
  - name: HAPolicy
    args:
      trustedNamespaces: [kube-system, vault]
      components:
      - name: vault
        selectors: [{matchLabels: {app: vault}}]
        nodeRole: ControlPlane
        spread: Required
        disruption: {quorum: true}
      requiredLevels: [topology.kubernetes.io/zone, topology.scs.community/host-id]
  - name: DisruptionGuard
    args: {mode: BestEffort}
- schedulerName: compact
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
  pluginConfig:
  - name: HAPolicy
    args:
      allowUserWorkloadsOnControlPlane: true
      levels: [kubernetes.io/hostname]
      requiredLevels: []
`,
			want: config.Policies{
				"default-scheduler": defaultArgs(nil),
				"ha": defaultArgs(func(a *config.PolicyArgs) {
					a.TrustedNamespaces = []string{"kube-system", "vault"}
					a.Components = []config.ComponentArgs{vault}
					a.RequiredLevels = []string{policy.LabelZone, policy.LabelHostID}
				}),
				"compact": defaultArgs(func(a *config.PolicyArgs) {
					a.AllowUserWorkloadsOnControlPlane = true
					a.Levels = []string{policy.LabelHostname}
					a.RequiredLevels = []string{}
				}),
			},
		},
		{
			name: "DisruptionGuard replacing DefaultPreemption at postFilter only",
			config: `- schedulerName: ha
  plugins:
    postFilter:
      enabled: [{name: DisruptionGuard}]
      disabled: [{name: "*"}]
`,
			want: config.Policies{"ha": defaultArgs(nil)},
		},
		{
			name: "DisruptionGuard and DefaultPreemption both enabled",
			config: `- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: DisruptionGuard}]
`,
			wantErrs: field.ErrorList{field.Invalid(profile(0).Child("plugins"), "ha", dgReplacesDP)},
		},
		{
			name: "both in the second profile, enabled at postFilter",
			config: `- schedulerName: default-scheduler
- schedulerName: ha
  plugins:
    postFilter:
      enabled: [{name: DisruptionGuard}]
`,
			wantErrs: field.ErrorList{field.Invalid(profile(1).Child("plugins"), "ha", dgReplacesDP)},
		},
		{
			name: "the old shape: the policy in each plugin's args",
			config: `- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}, {name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {trustedNamespaces: [kube-system, calico-system]}
  - name: FailureDomainSpread
    args:
      trustedNamespaces: [kube-system, calico-system]
      levels: [topology.kubernetes.io/zone, kubernetes.io/hostname]
      requiredLevels: [kubernetes.io/hostname]
  - name: DisruptionGuard
    args: {trustedNamespaces: [kube-system, calico-system], mode: Strict}
`,
			wantErrs: field.ErrorList{
				field.Forbidden(args(0, 0), `unknown field "trustedNamespaces"`+wantMovedHint),
				field.Forbidden(args(0, 1), `unknown field "levels"`+wantMovedHint),
				field.Forbidden(args(0, 1), `unknown field "requiredLevels"`+wantMovedHint),
				field.Forbidden(args(0, 1), `unknown field "trustedNamespaces"`+wantMovedHint),
				field.Forbidden(args(0, 2), `unknown field "trustedNamespaces"`+wantMovedHint),
			},
		},
		{
			name: "bad HAPolicy args: the field path",
			config: `- schedulerName: ha
  pluginConfig:
  - name: HAPolicy
    args: {levels: [""], userWorkloads: {nodeRole: Master}}
`,
			wantErrs: field.ErrorList{
				field.NotSupported(args(0, 0).Child("userWorkloads", "nodeRole"), policy.Placement("Master"), policy.Placements),
				field.Required(args(0, 0).Child("levels").Index(0), "topology key must not be empty"),
				field.Invalid(args(0, 0).Child("requiredLevels").Index(0), policy.LabelHostID, "must be one of levels"),
			},
		},
		{
			name: "bad DisruptionGuard args",
			config: `- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
  pluginConfig:
  - name: DisruptionGuard
    args: {mode: Lenient}
`,
			wantErrs: field.ErrorList{field.NotSupported(args(0, 0).Child("mode"), config.DisruptionGuardMode("Lenient"), []config.DisruptionGuardMode{"Strict", "BestEffort"})},
		},
		{
			name: "apiVersion and kind of every entry, as upstream's args carry them",
			config: `- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}, {name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
  pluginConfig:
  - name: HAPolicy
    args: {apiVersion: kubescheduler.config.k8s.io/v1, kind: HAPolicyArgs, allowUserWorkloadsOnControlPlane: true}
  - name: WorkloadSeparation
    args: {apiVersion: kubescheduler.config.k8s.io/v1, kind: WorkloadSeparationArgs}
  - name: FailureDomainSpread
    args: {kind: FailureDomainSpreadArgs}
  - name: DisruptionGuard
    args: {apiVersion: kubescheduler.config.k8s.io/v1, kind: DisruptionGuardArgs, mode: BestEffort}
`,
			want: config.Policies{"ha": defaultArgs(func(a *config.PolicyArgs) {
				a.TypeMeta = metav1.TypeMeta{APIVersion: "kubescheduler.config.k8s.io/v1", Kind: "HAPolicyArgs"}
				a.AllowUserWorkloadsOnControlPlane = true
			})},
		},
		{
			name: "a wrong apiVersion or kind: the field path",
			config: `- schedulerName: ha
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}, {name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
  pluginConfig:
  - name: HAPolicy
    args: {apiVersion: v1, kind: ConfigMap}
  - name: WorkloadSeparation
    args: {kind: FailureDomainSpreadArgs}
  - name: FailureDomainSpread
    args: {apiVersion: kubescheduler.config.k8s.io/v1beta3}
  - name: DisruptionGuard
    args: {apiVersion: kubescheduler.config.k8s.io/v1, kind: DefaultPreemptionArgs}
`,
			wantErrs: field.ErrorList{
				field.Invalid(args(0, 0).Child("apiVersion"), "v1", "must be kubescheduler.config.k8s.io/v1, or left out"),
				field.Invalid(args(0, 0).Child("kind"), "ConfigMap", "must be HAPolicyArgs, or left out"),
				field.Invalid(args(0, 1).Child("kind"), "FailureDomainSpreadArgs", "must be WorkloadSeparationArgs, or left out"),
				field.Invalid(args(0, 2).Child("apiVersion"), "kubescheduler.config.k8s.io/v1beta3", "must be kubescheduler.config.k8s.io/v1, or left out"),
				field.Invalid(args(0, 3).Child("kind"), "DefaultPreemptionArgs", "must be DisruptionGuardArgs, or left out"),
			},
		},
		{
			name: "every profile's problems, in order",
			config: `- schedulerName: one
  plugins:
    multiPoint:
      enabled: [{name: DisruptionGuard}]
  pluginConfig:
  - name: HAPolicy
    args: {trustedNamespaces: []}
- schedulerName: two
  pluginConfig:
  - name: DefaultPreemption
    args: {minCandidateNodesAbsolute: 5}
  - name: WorkloadSeparation
    args: {components: []}
`,
			wantErrs: field.ErrorList{
				field.Required(args(0, 0).Child("trustedNamespaces"), noNamespaceDetail),
				field.Invalid(profile(0).Child("plugins"), "one", dgReplacesDP),
				field.Forbidden(args(1, 1), `unknown field "components"`+wantMovedHint),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			require.NoError(t, os.WriteFile(path, []byte(header+tt.config), 0o600))
			cfg, err := options.LoadConfigFromFile(klog.Background(), path)
			require.NoError(t, err)

			got, err := LoadPolicies(cfg)
			if diff := cmp.Diff(tt.wantErrs.ToAggregate(), err); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLoadPoliciesSharesNothing: the default policies of two profiles are
// two values; a plugin that changed its profile's would not change the
// other's.
func TestLoadPoliciesSharesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: a
- schedulerName: b
`), 0o600))
	cfg, err := options.LoadConfigFromFile(klog.Background(), path)
	require.NoError(t, err)
	got, err := LoadPolicies(cfg)
	require.NoError(t, err)
	require.NotSame(t, got["a"], got["b"])
	got["a"].Levels[0] = "changed"
	got["a"].Components[0].Name = "changed"
	if diff := cmp.Diff(defaultArgs(nil), got["b"]); diff != "" {
		t.Errorf("profile b's policy (-want +got):\n%s", diff)
	}
}
