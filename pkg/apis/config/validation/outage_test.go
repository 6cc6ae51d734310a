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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

func TestValidatePolicyArgsRejectsWhatWouldHurtTheControlPlane(t *testing.T) {
	path := field.NewPath("args")
	component := func(name string) config.ComponentArgs {
		var c config.ComponentArgs
		require.NoError(t, json.Unmarshal([]byte(`{"name": "`+name+`", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}]}`), &c))
		return c
	}
	tests := []struct {
		name string
		args config.PolicyArgs
		want field.ErrorList
	}{
		{
			name: "no trusted namespace: kube-proxy, the CNI and CoreDNS would become user workloads",
			args: config.PolicyArgs{TrustedNamespaces: []string{}},
			want: field.ErrorList{field.Required(path.Child("trustedNamespaces"), noNamespaceDetail)},
		},
		{
			name: "a component name that would collide with a label group's key",
			args: config.PolicyArgs{Components: []config.ComponentArgs{component("app=web")}},
			want: invalid(path.Child("components").Index(0).Child("name"), "app=web", utilvalidation.IsDNS1123Subdomain("app=web")),
		},
		{
			name: "a component name that would collide with a controller's key",
			args: config.PolicyArgs{Components: []config.ComponentArgs{component("Deployment/web")}},
			want: invalid(path.Child("components").Index(0).Child("name"), "Deployment/web", utilvalidation.IsDNS1123Subdomain("Deployment/web")),
		},
		{
			name: "a DNS subdomain is a valid component name",
			args: config.PolicyArgs{Components: []config.ComponentArgs{component("etcd-events.example")}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.args
			config.SetDefaultsPolicyArgs(&a)
			got := ValidatePolicyArgs(path, &a)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDefaultingIsIdempotent: args that were loaded (decoded, defaulted),
// encoded and loaded again are the same args. Explicit empty lists are
// settings, not "unset": re-encoding must not turn them into the defaults.
func TestDefaultingIsIdempotent(t *testing.T) {
	path := field.NewPath("args")
	for _, in := range []string{
		`{}`,
		`{"components": []}`,
		`{"requiredLevels": []}`,
		`{"allowUserWorkloadsOnControlPlane": true, "userWorkloads": {"nodeRole": "Any", "disruption": {}}}`,
		`{"trustedNamespaces": ["kube-system", "calico-system"], "requiredLevels": ["topology.kubernetes.io/zone", "topology.scs.community/host-id"]}`,
		`{"levels": ["topology.kubernetes.io/region", "kubernetes.io/hostname"], "requiredLevels": ["kubernetes.io/hostname"]}`,
	} {
		t.Run(in, func(t *testing.T) {
			first, err := LoadPolicyArgs(raw(in), path)
			require.NoError(t, err)
			encoded, err := json.Marshal(first)
			require.NoError(t, err)
			second, err := LoadPolicyArgs(raw(string(encoded)), path)
			require.NoError(t, err, "re-loading %s", encoded)
			if diff := cmp.Diff(first, second); diff != "" {
				t.Errorf("args changed by encoding and loading again (-first +second):\n%s", diff)
			}
		})
	}
}

// TestEmptyListsStayRejected: decoded args keep an explicit empty list when
// encoded again, so the error does not turn into the default policy on the
// way through a re-encoding.
func TestEmptyListsStayRejected(t *testing.T) {
	path := field.NewPath("args")
	tests := []struct {
		in   string
		want field.ErrorList
	}{
		{
			in:   `{"trustedNamespaces": []}`,
			want: field.ErrorList{field.Required(path.Child("trustedNamespaces"), noNamespaceDetail)},
		},
		{
			in:   `{"levels": [], "requiredLevels": []}`,
			want: field.ErrorList{field.Required(path.Child("levels"), "at least one topology key")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var decoded config.PolicyArgs
			require.NoError(t, config.DecodeStrict(raw(tt.in), &decoded))
			encoded, err := json.Marshal(&decoded)
			require.NoError(t, err)
			for _, in := range []string{tt.in, string(encoded)} {
				_, err := LoadPolicyArgs(raw(in), path)
				if diff := cmp.Diff(tt.want.ToAggregate(), err); diff != "" {
					t.Errorf("loading %s: error (-want +got):\n%s", in, diff)
				}
			}
		})
	}
}
