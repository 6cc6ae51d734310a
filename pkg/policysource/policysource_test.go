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
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// summary is what a test compares of a Result.
type summary struct {
	Profile        string
	Trusted        []string
	Components     []string
	UserWorkloads  string
	AllowUserOnCP  bool
	Levels         []string
	RequiredLevels []string
}

func rule(r policy.Rule) string {
	return fmt.Sprintf("%s/%s/min=%d,quorum=%t", r.Placement, r.Spread, r.Disruption.MinAvailable, r.Disruption.Quorum)
}

func summarize(r *Result) summary {
	s := summary{
		Profile: r.Profile, Trusted: sets(r.Policy), UserWorkloads: rule(r.Policy.UserWorkloads),
		AllowUserOnCP: r.Policy.AllowUserWorkloadsOnControlPlane, Levels: r.Levels, RequiredLevels: r.RequiredLevels,
	}
	for _, c := range r.Policy.Components {
		s.Components = append(s.Components, c.Name+" "+rule(c.Rule))
	}
	return s
}

func sets(p *policy.Policy) []string {
	out := p.TrustedNamespaces.UnsortedList()
	sort.Strings(out)
	return out
}

func defaultComponents() []string {
	var out []string
	for _, c := range policy.Default().Components {
		out = append(out, c.Name+" "+rule(c.Rule))
	}
	return out
}

const header = `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
`

// vaultArgs is a policy with one custom component.
const vaultArgs = `
      trustedNamespaces: [kube-system, vault]
      components:
      - name: vault
        selectors: [{matchLabels: {app: vault}}]
        nodeRole: ControlPlane
        spread: Required
        disruption: {quorum: true}`

func vaultProfile(name string) string {
	return fmt.Sprintf(`- schedulerName: %s
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: FailureDomainSpread}, {name: DisruptionGuard}]
      disabled: [{name: DefaultPreemption}]
  pluginConfig:
  - name: WorkloadSeparation
    args:%s
  - name: FailureDomainSpread
    args:%s
      levels: [topology.kubernetes.io/zone, kubernetes.io/hostname]
      requiredLevels: [kubernetes.io/hostname]
  - name: DisruptionGuard
    args:%s
`, name, vaultArgs, vaultArgs, vaultArgs)
}

const plainProfile = `- schedulerName: plain
`

func TestLoad(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join("..", "..", "manifests", "secondary", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defaultLevels := []string{"topology.kubernetes.io/zone", "topology.scs.community/host-id", "kubernetes.io/hostname"}
	vault := summary{
		Profile: "ha", Trusted: []string{"kube-system", "vault"},
		Components:    []string{"vault ControlPlane/Required/min=0,quorum=true"},
		UserWorkloads: rule(policy.Default().UserWorkloads),
		Levels:        []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"}, RequiredLevels: []string{"kubernetes.io/hostname"},
	}
	tests := []struct {
		name    string
		config  string
		profile string
		want    summary
		wantErr []string
	}{
		{
			name: "shipped secondary config: the default policy", config: string(shipped),
			want: summary{
				Profile: "ha-scheduler", Trusted: []string{"kube-system"}, Components: defaultComponents(),
				UserWorkloads: rule(policy.Default().UserWorkloads), Levels: defaultLevels,
				RequiredLevels: []string{"topology.scs.community/host-id"},
			},
		},
		{name: "custom component, first profile with our plugins", config: header + plainProfile + vaultProfile("ha"), want: vault},
		{name: "custom component, named profile", config: header + vaultProfile("other") + vaultProfile("ha"), profile: "ha", want: vault},
		{
			name: "plugin enabled without args runs with the defaults",
			config: header + `- schedulerName: ws
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
`,
			want: summary{Profile: "ws", Trusted: []string{"kube-system"}, Components: defaultComponents(), UserWorkloads: rule(policy.Default().UserWorkloads)},
		},
		{
			name: "compact cluster", config: header + `- schedulerName: ws
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {allowUserWorkloadsOnControlPlane: true}
`,
			want: summary{Profile: "ws", Trusted: []string{"kube-system"}, Components: defaultComponents(), UserWorkloads: rule(policy.Default().UserWorkloads), AllowUserOnCP: true},
		},
		{
			name: "no such profile", config: header + plainProfile + vaultProfile("ha"), profile: "nope",
			wantErr: []string{`no profile "nope"`, "plain (no ha-scheduler plugin)", "ha (WorkloadSeparation, FailureDomainSpread, DisruptionGuard)"},
		},
		{
			name: "named profile without our plugins", config: header + plainProfile + vaultProfile("ha"), profile: "plain",
			wantErr: []string{`profile "plain" enables none of WorkloadSeparation, FailureDomainSpread, DisruptionGuard`, "ha (WorkloadSeparation"},
		},
		{
			name: "no profile with our plugins", config: header + plainProfile,
			wantErr: []string{"no profile enables WorkloadSeparation", "profiles: plain (no ha-scheduler plugin)"},
		},
		{
			name: "invalid args: the field path", config: header + `- schedulerName: ws
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {userWorkloads: {nodeRole: Master}}
`,
			wantErr: []string{"profiles[0].pluginConfig[0].args.userWorkloads.nodeRole", "Master"},
		},
		{
			name: "plugins disagree", config: header + `- schedulerName: ws
  plugins:
    multiPoint:
      enabled: [{name: WorkloadSeparation}, {name: DisruptionGuard}]
  pluginConfig:
  - name: WorkloadSeparation
    args: {trustedNamespaces: [kube-system, vault]}
`,
			wantErr: []string{"profiles[0].pluginConfig", "DisruptionGuard is enabled without args"},
		},
		{name: "not a scheduler configuration", config: "apiVersion: v1\nkind: ConfigMap\n", wantErr: []string{"ConfigMap"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Load([]byte(tc.config), tc.profile)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error; policy %+v", summarize(got))
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error lacks %q:\n%v", w, err)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, summarize(got)); diff != "" {
				t.Errorf("policy (-want +got):\n%s", diff)
			}
		})
	}
}
