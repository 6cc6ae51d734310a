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
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

func raw(s string) runtime.Object {
	return &runtime.Unknown{Raw: []byte(s), ContentType: runtime.ContentTypeJSON}
}

func TestLoadWorkloadSeparationArgs(t *testing.T) {
	path := field.NewPath("args")
	tests := []struct {
		name    string
		args    runtime.Object
		wantErr []string // substrings, each must appear; empty: valid
	}{
		{name: "nil args are the default policy", args: nil},
		{name: "empty object", args: raw(`{}`)},
		{name: "compact cluster", args: raw(`{"allowUserWorkloadsOnControlPlane": true}`)},
		{name: "unknown field", args: raw(`{"noSuchField": 1}`), wantErr: []string{`args: Forbidden: unknown field "noSuchField"`}},
		{name: "unknown nested field", args: raw(`{"userWorkloads": {"nodeRole": "Worker", "x": 1}}`), wantErr: []string{`unknown field "userWorkloads.x"`}},
		{name: "wrong type", args: raw(`{"trustedNamespaces": "kube-system"}`), wantErr: []string{`args: Invalid value`, "cannot unmarshal"}},
		{name: "empty namespace", args: raw(`{"trustedNamespaces": [""]}`), wantErr: []string{`args.trustedNamespaces[0]: Required value`}},
		{name: "duplicate namespace", args: raw(`{"trustedNamespaces": ["a", "a"]}`), wantErr: []string{`args.trustedNamespaces[1]: Duplicate value: "a"`}},
		{name: "invalid namespace", args: raw(`{"trustedNamespaces": ["Kube_System"]}`), wantErr: []string{`args.trustedNamespaces[0]: Invalid value: "Kube_System"`}},
		{name: "unknown nodeRole", args: raw(`{"components": [{"name": "x", "nodeRole": "Master", "selectors": [{"matchLabels": {"a": "b"}}]}]}`),
			wantErr: []string{`args.components[0].nodeRole: Unsupported value: "Master"`}},
		{name: "missing nodeRole", args: raw(`{"components": [{"name": "x", "selectors": [{"matchLabels": {"a": "b"}}]}]}`),
			wantErr: []string{`args.components[0].nodeRole: Required value`}},
		{name: "unknown spread", args: raw(`{"userWorkloads": {"nodeRole": "Worker", "spread": "Sometimes"}}`),
			wantErr: []string{`args.userWorkloads.spread: Unsupported value: "Sometimes"`}},
		{name: "bad selector operator", args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchExpressions": [{"key": "a", "operator": "Near"}]}]}]}`),
			wantErr: []string{`args.components[0].selectors[0].matchExpressions[0].operator`}},
		{name: "bad label key", args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"bad key": "b"}}]}]}`),
			wantErr: []string{`args.components[0].selectors[0].matchLabels`}},
		{name: "empty selector", args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{}]}]}`),
			wantErr: []string{`args.components[0].selectors[0]: Invalid value`, "would match every pod"}},
		{name: "no selectors", args: raw(`{"components": [{"name": "x", "nodeRole": "Any"}]}`),
			wantErr: []string{`args.components[0].selectors: Required value`}},
		{name: "duplicate component", args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}]}, {"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "c"}}]}]}`),
			wantErr: []string{`args.components[1].name: Duplicate value: "x"`}},
		{name: "quorum and minAvailable", args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}], "disruption": {"quorum": true, "minAvailable": 2}}]}`),
			wantErr: []string{`args.components[0].disruption.minAvailable: Invalid value: 2`}},
		{name: "minAvailable zero", args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}], "disruption": {"minAvailable": 0}}]}`),
			wantErr: []string{`args.components[0].disruption.minAvailable: Invalid value: 0`}},
		{name: "every problem at once", args: raw(`{"noSuchField": 1, "trustedNamespaces": [""], "userWorkloads": {"nodeRole": "Nowhere"}}`),
			wantErr: []string{`unknown field "noSuchField"`, `trustedNamespaces[0]: Required value`, `userWorkloads.nodeRole: Unsupported value: "Nowhere"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadWorkloadSeparationArgs(tt.args, path)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if _, err := got.Policy(); err != nil {
					t.Fatalf("valid args do not build a policy: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestDefaultsAreTheSpecTable(t *testing.T) {
	a, err := LoadWorkloadSeparationArgs(nil, field.NewPath("args"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Policy()
	if err != nil {
		t.Fatal(err)
	}
	if !p.TrustedNamespaces.Has("kube-system") || p.TrustedNamespaces.Len() != 1 {
		t.Errorf("trusted namespaces = %v, want [kube-system]", p.TrustedNamespaces.UnsortedList())
	}
	if len(p.Components) != len(policy.DefaultComponents()) {
		t.Errorf("components = %d, want %d", len(p.Components), len(policy.DefaultComponents()))
	}
	want := policy.Default()
	for i := range want.Components {
		if p.Components[i].Name != want.Components[i].Name || p.Components[i].Rule != want.Components[i].Rule {
			t.Errorf("component %d = %s %+v, want %s %+v", i, p.Components[i].Name, p.Components[i].Rule, want.Components[i].Name, want.Components[i].Rule)
		}
	}
	if p.UserWorkloads != want.UserWorkloads || p.OtherTrusted != want.OtherTrusted {
		t.Errorf("rules = %+v / %+v, want %+v / %+v", p.UserWorkloads, p.OtherTrusted, want.UserWorkloads, want.OtherTrusted)
	}
}

func TestLoadFailureDomainSpreadArgs(t *testing.T) {
	path := field.NewPath("args")
	tests := []struct {
		name    string
		args    string
		wantErr string
	}{
		{name: "defaults", args: `{}`},
		{name: "zone required too", args: `{"requiredLevels": ["topology.kubernetes.io/zone", "topology.scs.community/host-id"]}`},
		{name: "empty levels", args: `{"levels": []}`, wantErr: "args.levels: Required value"},
		{name: "empty key", args: `{"levels": ["topology.kubernetes.io/zone", ""]}`, wantErr: "args.levels[1]: Required value"},
		{name: "duplicate key", args: `{"levels": ["a", "a"]}`, wantErr: `args.levels[1]: Duplicate value: "a"`},
		{name: "invalid key", args: `{"levels": ["not a key"]}`, wantErr: `args.levels[0]: Invalid value: "not a key"`},
		{name: "required not a level", args: `{"levels": ["a"], "requiredLevels": ["b"]}`, wantErr: `args.requiredLevels[0]: Invalid value: "b": must be one of levels`},
		{name: "duplicate required", args: `{"requiredLevels": ["topology.scs.community/host-id", "topology.scs.community/host-id"]}`, wantErr: `args.requiredLevels[1]: Duplicate value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := LoadFailureDomainSpreadArgs(raw(tt.args), path)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(a.Levels) == 0 || len(a.RequiredLevels) == 0 {
					t.Errorf("defaults not applied: %+v", a)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadDisruptionGuardArgs(t *testing.T) {
	path := field.NewPath("args")
	a, err := LoadDisruptionGuardArgs(nil, path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Mode != config.ModeStrict || *a.MinCandidateNodesPercentage != 10 || *a.MinCandidateNodesAbsolute != 100 {
		t.Errorf("defaults = %s %d %d", a.Mode, *a.MinCandidateNodesPercentage, *a.MinCandidateNodesAbsolute)
	}
	for args, want := range map[string]string{
		`{"mode": "Lenient"}`:                                                `args.mode: Unsupported value: "Lenient"`,
		`{"minCandidateNodesPercentage": 101}`:                               `args.minCandidateNodesPercentage: Invalid value: 101`,
		`{"minCandidateNodesAbsolute": -1}`:                                  `args.minCandidateNodesAbsolute: Invalid value: -1`,
		`{"minCandidateNodesPercentage": 0, "minCandidateNodesAbsolute": 0}`: "cannot be zero at the same time",
	} {
		if _, err := LoadDisruptionGuardArgs(raw(args), path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error = %v, want it to contain %q", args, err, want)
		}
	}
}

// FuzzLoadPolicyArgs: any input either fails with field errors or yields
// args that build a policy; nothing panics. The seed corpus runs in
// `make test`.
func FuzzLoadPolicyArgs(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `{"noSuchField":1}`,
		`{"trustedNamespaces":["kube-system","calico-system"],"allowUserWorkloadsOnControlPlane":true}`,
		`{"components":[{"name":"etcd","nodeRole":"ControlPlane","spread":"Required","selectors":[{"matchLabels":{"component":"etcd"}},{"matchExpressions":[{"key":"app","operator":"In","values":["etcd"]}]}],"disruption":{"quorum":true}}]}`,
		`{"components":[{"name":"x","nodeRole":"Any","selectors":[{"matchExpressions":[{"key":"a","operator":"Exists","values":["v"]}]}]}]}`,
		`{"userWorkloads":{"nodeRole":"Worker","spread":"None","disruption":{"minAvailable":2}}}`,
		`{"levels":["a","b"],"requiredLevels":["b"],"mode":"BestEffort"}`,
		`{"components":[]}`, `[1,2]`, `{"trustedNamespaces":[""]}`,
	}
	for _, s := range seeds {
		f.Add(s, uint8(0))
	}
	names := []string{config.WorkloadSeparationName, config.FailureDomainSpreadName, config.DisruptionGuardName}
	f.Fuzz(func(t *testing.T, data string, which uint8) {
		name := names[int(which)%len(names)]
		pa, known, errs := loadPolicyArgs(name, raw(data), field.NewPath("args"))
		if !known {
			t.Fatalf("%s not known", name)
		}
		if len(errs) > 0 {
			for _, e := range errs {
				if !strings.HasPrefix(e.Field, "args") {
					t.Fatalf("error without a field path: %v", e)
				}
			}
			return
		}
		if _, err := pa.Policy(); err != nil {
			t.Fatalf("validated args do not build a policy: %v (input %s)", err, data)
		}
		// Defaulting is idempotent: encoding and loading again gives the same.
		again, err := json.Marshal(pa)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, errs := loadPolicyArgs(config.WorkloadSeparationName, raw(string(again)), field.NewPath("args")); len(errs) > 0 {
			t.Fatalf("defaulted args do not load again: %v (%s)", errs, again)
		}
	})
}
