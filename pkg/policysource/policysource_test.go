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

package policysource

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy/policytest"
)

// defaultArgs is the default policy as args (SetDefaultsPolicyArgs is
// tested field by field in package config), changed by edit.
func defaultArgs(edit func(*config.PolicyArgs)) *config.PolicyArgs {
	a := &config.PolicyArgs{}
	config.SetDefaultsPolicyArgs(a)
	if edit != nil {
		edit(a)
	}
	return a
}

// defaultPolicy is policy.Default() changed by edit.
func defaultPolicy(edit func(*policy.Policy)) *policy.Policy {
	p := policy.Default()
	if edit != nil {
		edit(p)
	}
	return p
}

const header = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
`

// fixture is a scheduler configuration of testdata/schedulerconfig, the
// fixtures the tests of several packages share.
func fixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "schedulerconfig", name))
	require.NoError(t, err)
	return string(data)
}

const plainProfile = `- schedulerName: plain
`

// wsProfile enables WorkloadSeparation only, with the policy args given
// (none when "").
func wsProfile(name, policyArgs string) string {
	s := fmt.Sprintf(`- schedulerName: %s
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
`, name)
	if policyArgs != "" {
		s += "  pluginConfig:\n  - name: HAPolicy\n    args: " + policyArgs + "\n"
	}
	return s
}

// vaultResult is what testdata/schedulerconfig/vault.yaml loads to.
func vaultResult() *Result {
	return &Result{
		Profile: "ha",
		Args: defaultArgs(func(a *config.PolicyArgs) {
			a.TrustedNamespaces = []string{"kube-system", "vault"}
			a.Components = []config.ComponentArgs{{
				Name:      "vault",
				Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "vault"}}},
				RuleArgs:  config.RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &config.DisruptionArgs{Quorum: true}},
			}}
		}),
		Policy: defaultPolicy(func(p *policy.Policy) {
			p.TrustedNamespaces = sets.New("kube-system", "vault")
			p.Components = []policy.Component{{
				Name:      "vault",
				Selectors: []labels.Selector{labels.SelectorFromSet(labels.Set{"app": "vault"})},
				Rule:      policy.Rule{Placement: policy.PlaceControlPlane, Spread: policy.SpreadRequired, Disruption: policy.Disruption{Quorum: true}},
			}}
		}),
		Written: true,
	}
}

func TestLoad(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "..", "manifests", "secondary", "config.yaml"))
	require.NoError(t, err)
	vault := fixture(t, "vault.yaml")
	const hint = "the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)"
	tests := []struct {
		name    string
		config  string
		profile string
		want    *Result
		wantErr string
	}{
		{
			name: "shipped secondary config: the default policy, written out", config: string(shipped),
			want: &Result{Profile: "ha-scheduler", Args: defaultArgs(nil), Policy: policy.Default(), Written: true},
		},
		{name: "first profile with our plugins", config: vault, want: vaultResult()},
		{name: "named profile", config: vault, profile: "ha", want: vaultResult()},
		{
			name:   "each profile its own policy",
			config: vault + wsProfile("compact", "{allowUserWorkloadsOnControlPlane: true}"), profile: "compact",
			want: &Result{
				Profile: "compact",
				Args:    defaultArgs(func(a *config.PolicyArgs) { a.AllowUserWorkloadsOnControlPlane = true }),
				Policy:  defaultPolicy(func(p *policy.Policy) { p.AllowUserWorkloadsOnControlPlane = true }),
				Written: true,
			},
		},
		{
			name:   "no HAPolicy: the default policy, not written",
			config: vault + wsProfile("ws", ""), profile: "ws",
			want: &Result{Profile: "ws", Args: defaultArgs(nil), Policy: policy.Default()},
		},
		{
			name:   "no HAPolicy, WorkloadSeparation with empty args",
			config: header + wsProfile("ws", "") + "  pluginConfig:\n  - name: WorkloadSeparation\n    args: {}\n",
			want:   &Result{Profile: "ws", Args: defaultArgs(nil), Policy: policy.Default()},
		},
		{
			name: "no such profile", config: vault, profile: "nope",
			wantErr: `no profile "nope"; profiles: default-scheduler (no ha-scheduler plugin), ha (WorkloadSeparation, FailureDomainSpread, DisruptionGuard)`,
		},
		{
			name: "named profile without our plugins", config: vault, profile: "default-scheduler",
			wantErr: `profile "default-scheduler" enables none of WorkloadSeparation, FailureDomainSpread, DisruptionGuard; profiles: default-scheduler (no ha-scheduler plugin), ha (WorkloadSeparation, FailureDomainSpread, DisruptionGuard)`,
		},
		{
			name: "named profile with HAPolicy but none of our plugins", config: header + "- schedulerName: p\n  pluginConfig:\n  - name: HAPolicy\n", profile: "p",
			wantErr: `profile "p" enables none of WorkloadSeparation, FailureDomainSpread, DisruptionGuard; profiles: p (no ha-scheduler plugin)`,
		},
		{
			name: "no profile with our plugins", config: header + plainProfile,
			wantErr: "no profile enables WorkloadSeparation, FailureDomainSpread, DisruptionGuard; profiles: plain (no ha-scheduler plugin)",
		},
		{
			name: "invalid policy: the field path", config: fixture(t, "invalid-node-role.yaml"),
			wantErr: `invalid configuration: profiles[0].pluginConfig[0].args.userWorkloads.nodeRole: Unsupported value: "Master": supported values: "ControlPlane", "Infra", "Worker", "Any"`,
		},
		{
			name: "invalid policy of another profile", config: vault + wsProfile("ws", "{levels: []}"), profile: "ha",
			wantErr: `invalid configuration: [profiles[2].pluginConfig[0].args.levels: Required value: at least one topology key, ` +
				`profiles[2].pluginConfig[0].args.requiredLevels[0]: Invalid value: "topology.scs.community/host-id": must be one of levels]`,
		},
		{
			name: "the policy where it was written before", config: fixture(t, "policy-in-plugin-args.yaml"),
			wantErr: `invalid configuration: profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces": ` + hint,
		},
		{
			name: "DisruptionGuard and DefaultPreemption both enabled", config: header + "- schedulerName: dg\n  plugins:\n    multiPoint:\n      enabled: [{name: DisruptionGuard}]\n",
			wantErr: `invalid configuration: profiles[0].plugins: Invalid value: "dg": DisruptionGuard replaces DefaultPreemption: disable DefaultPreemption in this profile (plugins.multiPoint.disabled or plugins.postFilter.disabled)`,
		},
		{
			name: "not a scheduler configuration", config: "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles: {}\n",
			wantErr: `json: cannot unmarshal object into Go struct field KubeSchedulerConfiguration.profiles of type []v1.KubeSchedulerProfile`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load([]byte(tc.config), tc.profile)
			if tc.wantErr != "" {
				require.Error(t, err, "policy %+v", got)
				if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got, policytest.Compare); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadAll(t *testing.T) {
	vault := fixture(t, "vault.yaml")
	tests := []struct {
		name    string
		config  string
		want    []*Result
		wantErr string
	}{
		{
			name:   "every profile with our plugins, in order, each with its own policy",
			config: vault + wsProfile("ws", "") + plainProfile + wsProfile("compact", "{allowUserWorkloadsOnControlPlane: true}"),
			want: []*Result{
				vaultResult(),
				{Profile: "ws", Args: defaultArgs(nil), Policy: policy.Default()},
				{
					Profile: "compact",
					Args:    defaultArgs(func(a *config.PolicyArgs) { a.AllowUserWorkloadsOnControlPlane = true }),
					Policy:  defaultPolicy(func(p *policy.Policy) { p.AllowUserWorkloadsOnControlPlane = true }),
					Written: true,
				},
			},
		},
		{
			name: "no profile with our plugins", config: header + plainProfile + "- schedulerName: p\n  pluginConfig:\n  - name: HAPolicy\n",
			wantErr: "no profile enables WorkloadSeparation, FailureDomainSpread, DisruptionGuard; profiles: plain (no ha-scheduler plugin), p (no ha-scheduler plugin)",
		},
		{
			name: "an invalid profile fails them all", config: vault + wsProfile("ws", "{trustedNamespaces: [Vault]}"),
			wantErr: `invalid configuration: profiles[2].pluginConfig[0].args.trustedNamespaces[0]: Invalid value: "Vault": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := LoadAll([]byte(tc.config))
			if tc.wantErr != "" {
				require.Error(t, err, "policies %+v", got)
				if diff := cmp.Diff(tc.wantErr, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				require.Nil(t, got)
				return
			}
			require.NoError(t, err)
			if diff := cmp.Diff(tc.want, got, policytest.Compare); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
		})
	}
}
