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
	"strings"
	"testing"

	"k8s.io/klog/v2"
	"k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

func TestValidateSchedulerConfiguration(t *testing.T) {
	const header = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n"
	tests := []struct {
		name    string
		config  string
		wantErr string
	}{
		{
			name: "DisruptionGuard replacing DefaultPreemption",
			config: `- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled: [{name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
`,
		},
		{
			name: "DisruptionGuard and DefaultPreemption both enabled",
			config: `- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled: [{name: DisruptionGuard}]
`,
			wantErr: "profiles[0].plugins: Invalid value: \"ha-scheduler\": DisruptionGuard replaces DefaultPreemption",
		},
		{
			name: "DefaultPreemption disabled at postFilter only",
			config: `- schedulerName: ha-scheduler
  plugins:
    postFilter:
      enabled: [{name: DisruptionGuard}]
      disabled: [{name: "*"}]
`,
		},
		{
			name: "both in the second profile",
			config: `- schedulerName: default-scheduler
- schedulerName: ha-scheduler
  plugins:
    postFilter:
      enabled: [{name: DisruptionGuard}]
`,
			wantErr: "profiles[1].plugins",
		},
		{
			name: "same policy in two plugins",
			config: `- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {trustedNamespaces: [kube-system, calico-system]}
  - name: FailureDomainSpread
    args: {trustedNamespaces: [kube-system, calico-system], requiredLevels: [topology.kubernetes.io/zone]}
`,
		},
		{
			name: "different policies in one profile",
			config: `- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {trustedNamespaces: [kube-system, calico-system]}
  - name: FailureDomainSpread
    args: {trustedNamespaces: [kube-system]}
`,
			wantErr: "profiles[0].pluginConfig[1].args: Invalid value: \"FailureDomainSpread\": the policy",
		},
		{
			name: "enabled without args differs from configured policy",
			config: `- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {trustedNamespaces: [kube-system, calico-system]}
`,
			wantErr: "FailureDomainSpread is enabled without args",
		},
		{
			name: "bad args of a plugin",
			config: `- schedulerName: ha-scheduler
  pluginConfig:
  - name: FailureDomainSpread
    args: {levels: [""]}
`,
			wantErr: "profiles[0].pluginConfig[0].args.levels[0]: Required value",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(header+tt.config), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := options.LoadConfigFromFile(klog.Background(), path)
			if err != nil {
				t.Fatalf("loading: %v", err)
			}
			err = ValidateSchedulerConfiguration(cfg)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
