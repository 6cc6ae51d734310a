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

package app

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

func defaultArgs() *config.PolicyArgs {
	a := &config.PolicyArgs{}
	config.SetDefaultsPolicyArgs(a)
	return a
}

// The shipped configurations load as they are (the files themselves, not
// copies), each with the default policy written out for its one profile.
func TestShippedConfigsLoad(t *testing.T) {
	want := map[string]config.Policies{
		"../../manifests/secondary/config.yaml":   {"ha-scheduler": defaultArgs()},
		"../../manifests/replacement/config.yaml": {"default-scheduler": defaultArgs()},
	}
	files, err := filepath.Glob("../../manifests/*/config.yaml")
	require.NoError(t, err)
	require.Len(t, files, len(want), "shipped configs: %v", files)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			got, err := LoadPolicies(f)
			require.NoError(t, err)
			if diff := cmp.Diff(want[f], got); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
		})
	}
}

// badConfig writes the policy in a plugin's args (a fixture the tests of
// several packages share).
var badConfig = filepath.Join("..", "..", "testdata", "schedulerconfig", "policy-in-plugin-args.yaml")

func TestLoadPoliciesErrors(t *testing.T) {
	bad := badConfig
	missing := filepath.Join(t.TempDir(), "absent.yaml")
	tests := []struct {
		name, path, want string
	}{
		{
			name: "policy in a plugin's args: the field path and where the policy goes",
			path: bad,
			want: `invalid configuration in "` + bad + `": profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces": ` +
				`the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)`,
		},
		{
			name: "missing file",
			path: missing,
			want: `loading config file "` + missing + `": open ` + missing + `: no such file or directory`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadPolicies(tt.path)
			require.Error(t, err)
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			require.Nil(t, got)
		})
	}
}

func TestCommandRegistersOurPlugins(t *testing.T) {
	cmd := NewCommand()
	require.Equal(t, "ha-scheduler", cmd.Use)
	require.NotNil(t, cmd.Flags().Lookup("config"), "upstream flag --config")
}

// TestCommandChecksConfigBeforeStarting: the pre-run loads --config and
// stops the binary on a bad policy, before the scheduler sets anything up.
func TestCommandChecksConfigBeforeStarting(t *testing.T) {
	bad := badConfig
	tests := []struct {
		name    string
		config  string
		wantErr string
	}{
		{name: "no --config", config: ""},
		{name: "a shipped config", config: "../../manifests/secondary/config.yaml"},
		{
			name:   "a bad policy",
			config: bad,
			wantErr: `invalid configuration in "` + bad + `": profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces": ` +
				`the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := NewCommand()
			if tt.config != "" {
				require.NoError(t, cmd.Flags().Set("config", tt.config))
			}
			err := cmd.PersistentPreRunE(cmd, nil)
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}
