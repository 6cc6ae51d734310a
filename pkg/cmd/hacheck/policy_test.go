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

package hacheck

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// shippedPlugins is the plugins block every test configuration uses.
const shippedPlugins = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled:
      - name: WorkloadSeparation
      - name: FailureDomainSpread
        weight: 1600
      - name: DisruptionGuard
      disabled:
      - name: DefaultPreemption
`

// TestPolicyPrintsTheEffectivePolicy: `ha-check policy --config` prints the
// profile's policy with every default filled in; written back into the
// profile, it loads to the same policy (nothing lost, nothing added), and
// printing that again gives the same text.
func TestPolicyPrintsTheEffectivePolicy(t *testing.T) {
	withVault := shippedPlugins + `  pluginConfig:
  - name: HAPolicy
    args:
      trustedNamespaces: [kube-system, vault]
      requiredLevels: [topology.kubernetes.io/zone, topology.scs.community/host-id]
      components:
      - name: vault
        selectors: [{matchLabels: {app.kubernetes.io/name: vault}}]
        nodeRole: Infra
        spread: Required
        disruption: {quorum: true}
`
	defaults := &config.PolicyArgs{}
	config.SetDefaultsPolicyArgs(defaults)
	tests := []struct {
		name   string
		config string
		want   func() *config.PolicyArgs
	}{
		{
			name:   "no HAPolicy entry: the default policy, whole",
			config: shippedPlugins,
			want:   func() *config.PolicyArgs { return defaults },
		},
		{
			name:   "a custom component replaces the table",
			config: withVault,
			want: func() *config.PolicyArgs {
				a := &config.PolicyArgs{
					TrustedNamespaces: []string{"kube-system", "vault"},
					RequiredLevels:    []string{"topology.kubernetes.io/zone", "topology.scs.community/host-id"},
				}
				a.Components = []config.ComponentArgs{{
					Name:      "vault",
					Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app.kubernetes.io/name": "vault"}}},
					RuleArgs:  config.RuleArgs{Placement: "Infra", Spread: "Required", Disruption: &config.DisruptionArgs{Quorum: true}},
				}}
				config.SetDefaultsPolicyArgs(a)
				return a
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := filepath.Join(dir, "config.yaml")
			require.NoError(t, os.WriteFile(cfg, []byte(tt.config), 0o600))
			var stdout, stderr bytes.Buffer
			require.Equal(t, exitPass, run([]string{"policy", "--config", cfg}, &stdout, &stderr), "stderr: %s", stderr.String())
			require.Empty(t, stderr.String())

			header := "# Effective policy: file " + cfg + ", profile ha-scheduler.\n" +
				"# Every default is filled in. This is the HAPolicy entry of the profile's\n" +
				"# pluginConfig (docs/policy.md).\n"
			printed, ok := strings.CutPrefix(stdout.String(), header)
			require.True(t, ok, "output does not start with the header:\n%s", stdout.String())

			// Written back under the same plugins, it is the same policy.
			res, err := policysource.Load([]byte(shippedPlugins+"  "+strings.ReplaceAll(printed, "\n", "\n  ")), "ha-scheduler")
			require.NoError(t, err, "the printed policy does not load:\n%s", printed)
			if diff := cmp.Diff(tt.want(), res.Args); diff != "" {
				t.Errorf("printed policy, loaded back (-want +got):\n%s", diff)
			}

			// And printed again, it reads the same.
			again, err := policyYAML(&policysource.Found{Result: &policysource.Result{Args: res.Args}, Source: "file " + cfg + ", profile ha-scheduler"})
			require.NoError(t, err)
			if diff := cmp.Diff(stdout.String(), again); diff != "" {
				t.Errorf("not idempotent (-first +second):\n%s", diff)
			}
		})
	}
}

func TestPolicyErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte(shippedPlugins+"  pluginConfig:\n  - name: WorkloadSeparation\n    args: {trustedNamespaces: [kube-system]}\n"), 0o600))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "a policy field in a plugin's args",
			args: []string{"policy", "--config", bad},
			want: "ha-check policy: --config " + bad + `: invalid configuration: profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces": the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)` + "\n",
		},
		{
			name: "default-policy flags with --config",
			args: []string{"policy", "--config", bad, "--trusted-namespace", "x"},
			want: "ha-check policy: --trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy; with --config the policy is the configuration's: set them there\n",
		},
		{
			name: "unexpected argument",
			args: []string{"policy", "extra"},
			want: "ha-check policy: unexpected arguments: extra\nSee 'ha-check policy --help' for usage.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, exitError, run(tt.args, &stdout, &stderr))
			require.Empty(t, stdout.String())
			if diff := cmp.Diff(tt.want, stderr.String()); diff != "" {
				t.Errorf("stderr (-want +got):\n%s", diff)
			}
		})
	}
}
