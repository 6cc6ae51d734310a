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

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/runtime"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy/policytest"
)

func raw(s string) runtime.Object {
	return &runtime.Unknown{Raw: []byte(s), ContentType: runtime.ContentTypeJSON}
}

func rawYAML(s string) runtime.Object {
	return &runtime.Unknown{Raw: []byte(s), ContentType: runtime.ContentTypeYAML}
}

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

// invalid is one Invalid error per message, as a validation function of
// apimachinery returns them.
func invalid(p *field.Path, value any, msgs []string) field.ErrorList {
	var errs field.ErrorList
	for _, m := range msgs {
		errs = append(errs, field.Invalid(p, value, m))
	}
	return errs
}

// wantMovedHint is what an unknown policy field in a plugin's args is told.
const wantMovedHint = ": the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)"

// The details of the errors ValidatePolicyArgs writes itself.
const (
	noNamespaceDetail      = "at least one namespace: with none, kube-proxy, the CNI and CoreDNS become user workloads kept off control-plane nodes; leave the field out for the default [kube-system]"
	nodeRoleDetail         = `one of "ControlPlane", "Infra", "Worker", "Any"`
	minAvailableDetail     = "must be at least 1; leave disruption unset for a group that is not disruption-controlled"
	reservedPriorityDetail = "must be from 1 to 2000000000 (system-cluster-critical): untrusted namespaces' pods at or above it are refused, so it must be above every priority class tenants use, and at most the control plane's own"
)

func TestLoadPolicyArgs(t *testing.T) {
	path := field.NewPath("args")
	comp := path.Child("components").Index(0)
	vault := config.ComponentArgs{
		Name:      "vault",
		Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "vault"}}, {MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpExists}}}},
		RuleArgs:  config.RuleArgs{Placement: "ControlPlane", Spread: "Required", Disruption: &config.DisruptionArgs{Quorum: true}},
	}
	badOperator := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}}
	badKey := &metav1.LabelSelector{MatchLabels: map[string]string{"bad key": "b"}}
	tests := []struct {
		name     string
		args     runtime.Object
		want     *config.PolicyArgs
		wantErrs field.ErrorList
	}{
		{name: "nil args are the default policy", args: nil, want: defaultArgs(nil)},
		{name: "empty object", args: raw(`{}`), want: defaultArgs(nil)},
		{name: "empty raw args", args: raw(``), want: defaultArgs(nil)},
		{
			name: "YAML, as a scheduler configuration holds it",
			args: rawYAML("trustedNamespaces: [kube-system, calico-system]\nallowUserWorkloadsOnControlPlane: true\n"),
			want: defaultArgs(func(a *config.PolicyArgs) {
				a.TrustedNamespaces = []string{"kube-system", "calico-system"}
				a.AllowUserWorkloadsOnControlPlane = true
			}),
		},
		{
			name: "a custom component replaces the table",
			args: raw(`{"trustedNamespaces": ["kube-system", "vault"], "components": [{"name": "vault", "nodeRole": "ControlPlane", "spread": "Required", "disruption": {"quorum": true},
				"selectors": [{"matchLabels": {"app": "vault"}}, {"matchExpressions": [{"key": "tier", "operator": "Exists"}]}]}]}`),
			want: defaultArgs(func(a *config.PolicyArgs) {
				a.TrustedNamespaces = []string{"kube-system", "vault"}
				a.Components = []config.ComponentArgs{vault}
			}),
		},
		{
			name: "levels of their own, the zone required too",
			args: raw(`{"levels": ["topology.kubernetes.io/region", "topology.kubernetes.io/zone", "kubernetes.io/hostname"], "requiredLevels": ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]}`),
			want: defaultArgs(func(a *config.PolicyArgs) {
				a.Levels = []string{"topology.kubernetes.io/region", "topology.kubernetes.io/zone", "kubernetes.io/hostname"}
				a.RequiredLevels = []string{"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
			}),
		},
		{
			name: "no required level",
			args: raw(`{"requiredLevels": []}`),
			want: defaultArgs(func(a *config.PolicyArgs) { a.RequiredLevels = []string{} }),
		},
		{
			name: "no components",
			args: raw(`{"components": []}`),
			want: defaultArgs(func(a *config.PolicyArgs) { a.Components = []config.ComponentArgs{} }),
		},
		{
			name:     "unknown field",
			args:     raw(`{"noSuchField": 1}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "noSuchField"`)},
		},
		{
			name:     "duplicate field: no hint that it moved",
			args:     raw(`{"levels": ["kubernetes.io/hostname"], "levels": ["kubernetes.io/hostname"], "requiredLevels": []}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `duplicate field "levels"`)},
		},
		{
			name:     "unknown nested field",
			args:     raw(`{"userWorkloads": {"nodeRole": "Worker", "x": 1}}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "userWorkloads.x"`)},
		},
		{
			name:     "a policy field's name nested elsewhere is just unknown",
			args:     raw(`{"userWorkloads": {"nodeRole": "Worker", "levels": []}}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "userWorkloads.levels"`)},
		},
		{
			name:     "DisruptionGuard's field in the policy",
			args:     raw(`{"mode": "BestEffort"}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "mode"`)},
		},
		{
			name:     "wrong type",
			args:     raw(`{"trustedNamespaces": "kube-system"}`),
			wantErrs: field.ErrorList{field.Invalid(path, field.OmitValueType{}, "json: cannot unmarshal string into Go struct field PolicyArgs.trustedNamespaces of type []string")},
		},
		{
			name:     "not an object",
			args:     raw(`[1, 2]`),
			wantErrs: field.ErrorList{field.Invalid(path, field.OmitValueType{}, "json: cannot unmarshal array into Go value of type config.PolicyArgs")},
		},
		{
			name:     "no trusted namespace",
			args:     raw(`{"trustedNamespaces": []}`),
			wantErrs: field.ErrorList{field.Required(path.Child("trustedNamespaces"), noNamespaceDetail)},
		},
		{
			name:     "empty namespace",
			args:     raw(`{"trustedNamespaces": [""]}`),
			wantErrs: field.ErrorList{field.Required(path.Child("trustedNamespaces").Index(0), "namespace name must not be empty")},
		},
		{
			name:     "duplicate namespace",
			args:     raw(`{"trustedNamespaces": ["a", "a"]}`),
			wantErrs: field.ErrorList{field.Duplicate(path.Child("trustedNamespaces").Index(1), "a")},
		},
		{
			name:     "invalid namespace",
			args:     raw(`{"trustedNamespaces": ["Kube_System"]}`),
			wantErrs: invalid(path.Child("trustedNamespaces").Index(0), "Kube_System", utilvalidation.IsDNS1123Label("Kube_System")),
		},
		{
			name:     "unknown nodeRole",
			args:     raw(`{"components": [{"name": "x", "nodeRole": "Master", "selectors": [{"matchLabels": {"a": "b"}}]}]}`),
			wantErrs: field.ErrorList{field.NotSupported(comp.Child("nodeRole"), policy.Placement("Master"), policy.Placements)},
		},
		{
			name:     "missing nodeRole",
			args:     raw(`{"components": [{"name": "x", "selectors": [{"matchLabels": {"a": "b"}}]}]}`),
			wantErrs: field.ErrorList{field.Required(comp.Child("nodeRole"), nodeRoleDetail)},
		},
		{
			name:     "unknown spread",
			args:     raw(`{"userWorkloads": {"nodeRole": "Worker", "spread": "Sometimes"}}`),
			wantErrs: field.ErrorList{field.NotSupported(path.Child("userWorkloads", "spread"), policy.Spread("Sometimes"), policy.Spreads)},
		},
		{
			name:     "missing nodeRole of other trusted pods",
			args:     raw(`{"otherTrustedPods": {"spread": "None"}}`),
			wantErrs: field.ErrorList{field.Required(path.Child("otherTrustedPods", "nodeRole"), nodeRoleDetail)},
		},
		{
			name: "bad selector operator: the selector's errors, under its path",
			args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchExpressions": [{"key": "a", "operator": "Near"}]}]}]}`),
			wantErrs: metav1validation.ValidateLabelSelector(badOperator, metav1validation.LabelSelectorValidationOptions{},
				comp.Child("selectors").Index(0)),
		},
		{
			name: "bad label key",
			args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"bad key": "b"}}]}]}`),
			wantErrs: metav1validation.ValidateLabelSelector(badKey, metav1validation.LabelSelectorValidationOptions{},
				comp.Child("selectors").Index(0)),
		},
		{
			name: "empty selector",
			args: raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{}]}]}`),
			wantErrs: field.ErrorList{field.Invalid(comp.Child("selectors").Index(0), &metav1.LabelSelector{},
				"an empty selector would match every pod of the trusted namespaces")},
		},
		{
			name:     "no selectors",
			args:     raw(`{"components": [{"name": "x", "nodeRole": "Any"}]}`),
			wantErrs: field.ErrorList{field.Required(comp.Child("selectors"), "at least one label selector must match the component's pods")},
		},
		{
			name:     "no name",
			args:     raw(`{"components": [{"nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}]}]}`),
			wantErrs: field.ErrorList{field.Required(comp.Child("name"), "component name must not be empty")},
		},
		{
			name:     "duplicate component",
			args:     raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}]}, {"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "c"}}]}]}`),
			wantErrs: field.ErrorList{field.Duplicate(path.Child("components").Index(1).Child("name"), "x")},
		},
		{
			name:     "quorum and minAvailable",
			args:     raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}], "disruption": {"quorum": true, "minAvailable": 2}}]}`),
			wantErrs: field.ErrorList{field.Invalid(comp.Child("disruption", "minAvailable"), int32(2), "set either quorum or minAvailable, not both")},
		},
		{
			name:     "minAvailable zero",
			args:     raw(`{"components": [{"name": "x", "nodeRole": "Any", "selectors": [{"matchLabels": {"a": "b"}}], "disruption": {"minAvailable": 0}}]}`),
			wantErrs: field.ErrorList{field.Invalid(comp.Child("disruption", "minAvailable"), int32(0), minAvailableDetail)},
		},
		{
			name: "no levels",
			args: raw(`{"levels": []}`),
			wantErrs: field.ErrorList{
				field.Required(path.Child("levels"), "at least one topology key"),
				// The default required level is not among no levels.
				field.Invalid(path.Child("requiredLevels").Index(0), policy.LabelHostID, "must be one of levels"),
			},
		},
		{
			name:     "empty level",
			args:     raw(`{"levels": ["topology.kubernetes.io/zone", "topology.scs.community/host-id", ""]}`),
			wantErrs: field.ErrorList{field.Required(path.Child("levels").Index(2), "topology key must not be empty")},
		},
		{
			name:     "duplicate level",
			args:     raw(`{"levels": ["topology.scs.community/host-id", "topology.scs.community/host-id"]}`),
			wantErrs: field.ErrorList{field.Duplicate(path.Child("levels").Index(1), "topology.scs.community/host-id")},
		},
		{
			name:     "invalid level",
			args:     raw(`{"levels": ["not a key", "topology.scs.community/host-id"]}`),
			wantErrs: invalid(path.Child("levels").Index(0), "not a key", utilvalidation.IsQualifiedName("not a key")),
		},
		{
			name:     "required level that is not a level",
			args:     raw(`{"levels": ["kubernetes.io/hostname"], "requiredLevels": ["topology.kubernetes.io/zone"]}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("requiredLevels").Index(0), "topology.kubernetes.io/zone", "must be one of levels")},
		},
		{
			name:     "duplicate required level",
			args:     raw(`{"requiredLevels": ["topology.scs.community/host-id", "topology.scs.community/host-id"]}`),
			wantErrs: field.ErrorList{field.Duplicate(path.Child("requiredLevels").Index(1), "topology.scs.community/host-id")},
		},
		{
			name:     "reserved priority zero: every tenant pod without a class would be refused",
			args:     raw(`{"reservedPriority": 0}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("reservedPriority"), int32(0), reservedPriorityDetail)},
		},
		{
			name:     "reserved priority above system-cluster-critical",
			args:     raw(`{"reservedPriority": 2000001000}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("reservedPriority"), int32(2000001000), reservedPriorityDetail)},
		},
		{
			name: "reserved priority not an integer",
			args: raw(`{"reservedPriority": "high"}`),
			wantErrs: field.ErrorList{field.Invalid(path, field.OmitValueType{},
				"json: cannot unmarshal string into Go struct field PolicyArgs.reservedPriority of type int32")},
		},
		{
			name: "apiVersion and kind, as upstream's args carry them",
			args: raw(`{"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "HAPolicyArgs"}`),
			want: defaultArgs(func(a *config.PolicyArgs) {
				a.TypeMeta = metav1.TypeMeta{APIVersion: "kubescheduler.config.k8s.io/v1", Kind: "HAPolicyArgs"}
			}),
		},
		{
			name: "another plugin's kind, an old apiVersion",
			args: raw(`{"apiVersion": "kubescheduler.config.k8s.io/v1beta3", "kind": "DisruptionGuardArgs"}`),
			wantErrs: field.ErrorList{
				field.Invalid(path.Child("apiVersion"), "kubescheduler.config.k8s.io/v1beta3", "must be kubescheduler.config.k8s.io/v1, or left out"),
				field.Invalid(path.Child("kind"), "DisruptionGuardArgs", "must be HAPolicyArgs, or left out"),
			},
		},
		{
			name:     "empty required level",
			args:     raw(`{"requiredLevels": [""]}`),
			wantErrs: field.ErrorList{field.Required(path.Child("requiredLevels").Index(0), "topology key must not be empty")},
		},
		{
			name: "every problem at once, unknown fields first",
			args: raw(`{"noSuchField": 1, "trustedNamespaces": [""], "userWorkloads": {"nodeRole": "Nowhere"}, "levels": ["a", "a"], "requiredLevels": ["b"]}`),
			wantErrs: field.ErrorList{
				field.Forbidden(path, `unknown field "noSuchField"`),
				field.Required(path.Child("trustedNamespaces").Index(0), "namespace name must not be empty"),
				field.NotSupported(path.Child("userWorkloads", "nodeRole"), policy.Placement("Nowhere"), policy.Placements),
				field.Duplicate(path.Child("levels").Index(1), "a"),
				field.Invalid(path.Child("requiredLevels").Index(0), "b", "must be one of levels"),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadPolicyArgs(tt.args, path)
			if diff := cmp.Diff(tt.wantErrs.ToAggregate(), err); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
			if got != nil {
				_, err := got.Policy()
				require.NoError(t, err, "valid args must build a policy")
			}
		})
	}
}

// TestDefaultsAreTheSpecTable: the policy of no args is policy.Default(),
// the table of SPEC §3 that the checker and the tests use.
func TestDefaultsAreTheSpecTable(t *testing.T) {
	a, err := LoadPolicyArgs(nil, field.NewPath("args"))
	require.NoError(t, err)
	p, err := a.Policy()
	require.NoError(t, err)
	if diff := cmp.Diff(policy.Default(), p, policytest.Compare); diff != "" {
		t.Errorf("default policy (-policy.Default() +loaded):\n%s", diff)
	}
}

func TestLoadDisruptionGuardArgs(t *testing.T) {
	path := field.NewPath("args")
	defaults := func(edit func(*config.DisruptionGuardArgs)) *config.DisruptionGuardArgs {
		a := &config.DisruptionGuardArgs{Mode: "Strict", MinCandidateNodesPercentage: ptr.To[int32](10), MinCandidateNodesAbsolute: ptr.To[int32](100)}
		if edit != nil {
			edit(a)
		}
		return a
	}
	tests := []struct {
		name     string
		args     runtime.Object
		want     *config.DisruptionGuardArgs
		wantErrs field.ErrorList
	}{
		{name: "nil args: Strict, DefaultPreemption's candidate limits", args: nil, want: defaults(nil)},
		{name: "empty object", args: raw(`{}`), want: defaults(nil)},
		{
			name: "every field set",
			args: rawYAML("mode: BestEffort\nminCandidateNodesPercentage: 0\nminCandidateNodesAbsolute: 3\n"),
			want: &config.DisruptionGuardArgs{Mode: "BestEffort", MinCandidateNodesPercentage: ptr.To[int32](0), MinCandidateNodesAbsolute: ptr.To[int32](3)},
		},
		{
			name:     "unknown mode",
			args:     raw(`{"mode": "Lenient"}`),
			wantErrs: field.ErrorList{field.NotSupported(path.Child("mode"), config.DisruptionGuardMode("Lenient"), []config.DisruptionGuardMode{"Strict", "BestEffort"})},
		},
		{
			name:     "percentage over 100",
			args:     raw(`{"minCandidateNodesPercentage": 101}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("minCandidateNodesPercentage"), int32(101), "not in valid range [0, 100]")},
		},
		{
			name:     "negative absolute",
			args:     raw(`{"minCandidateNodesAbsolute": -1}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("minCandidateNodesAbsolute"), int32(-1), "not in valid range [0, inf)")},
		},
		{
			name:     "both limits zero",
			args:     raw(`{"minCandidateNodesPercentage": 0, "minCandidateNodesAbsolute": 0}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("minCandidateNodesAbsolute"), 0, "cannot be zero at the same time as minCandidateNodesPercentage")},
		},
		{
			name:     "the policy's kind",
			args:     raw(`{"kind": "HAPolicyArgs", "mode": "BestEffort"}`),
			wantErrs: field.ErrorList{field.Invalid(path.Child("kind"), "HAPolicyArgs", "must be DisruptionGuardArgs, or left out")},
		},
		{
			name:     "an unknown field that is not the policy's",
			args:     raw(`{"noSuchField": 1}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "noSuchField"`)},
		},
		{
			name: "the policy where it was written before: each field says where it moved",
			args: rawYAML(`
trustedNamespaces: [kube-system]
components: []
otherTrustedPods: {nodeRole: Any}
userWorkloads: {nodeRole: Worker}
allowUserWorkloadsOnControlPlane: true
levels: [kubernetes.io/hostname]
requiredLevels: []
mode: Lenient
`),
			// YAML is converted to JSON with its keys sorted.
			wantErrs: field.ErrorList{
				field.Forbidden(path, `unknown field "allowUserWorkloadsOnControlPlane"`+wantMovedHint),
				field.Forbidden(path, `unknown field "components"`+wantMovedHint),
				field.Forbidden(path, `unknown field "levels"`+wantMovedHint),
				field.Forbidden(path, `unknown field "otherTrustedPods"`+wantMovedHint),
				field.Forbidden(path, `unknown field "requiredLevels"`+wantMovedHint),
				field.Forbidden(path, `unknown field "trustedNamespaces"`+wantMovedHint),
				field.Forbidden(path, `unknown field "userWorkloads"`+wantMovedHint),
				field.NotSupported(path.Child("mode"), config.DisruptionGuardMode("Lenient"), []config.DisruptionGuardMode{"Strict", "BestEffort"}),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadDisruptionGuardArgs(tt.args, path)
			if diff := cmp.Diff(tt.wantErrs.ToAggregate(), err); diff != "" {
				t.Fatalf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("args (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateNoArgs: WorkloadSeparation and FailureDomainSpread take no
// args; the policy fields they took before say where the policy is now.
func TestValidateNoArgs(t *testing.T) {
	path := field.NewPath("profiles").Index(0).Child("pluginConfig").Index(1).Child("args")
	tests := []struct {
		name     string
		args     runtime.Object
		wantErrs field.ErrorList
	}{
		{name: "no args", args: nil},
		{name: "empty raw args", args: raw(``)},
		{name: "empty object", args: raw(`{}`)},
		{name: "empty YAML object", args: rawYAML(`{}`)},
		{name: "apiVersion and kind only", args: raw(`{"apiVersion": "kubescheduler.config.k8s.io/v1", "kind": "WorkloadSeparationArgs"}`)},
		{name: "the other plugin's kind", args: raw(`{"kind": "FailureDomainSpreadArgs"}`)},
		{
			name: "another API's apiVersion and kind",
			args: raw(`{"apiVersion": "v1", "kind": "ConfigMap"}`),
			wantErrs: field.ErrorList{
				field.Invalid(path.Child("apiVersion"), "v1", "must be kubescheduler.config.k8s.io/v1, or left out"),
				field.Invalid(path.Child("kind"), "ConfigMap", "must be WorkloadSeparationArgs or FailureDomainSpreadArgs, or left out"),
			},
		},
		{
			name:     "a field that never was",
			args:     raw(`{"weight": 3}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "weight"`)},
		},
		{
			name:     "DisruptionGuard's field",
			args:     raw(`{"mode": "Strict"}`),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "mode"`)},
		},
		{
			name:     "trusted namespaces",
			args:     rawYAML("trustedNamespaces: [kube-system, calico-system]\n"),
			wantErrs: field.ErrorList{field.Forbidden(path, `unknown field "trustedNamespaces"`+wantMovedHint)},
		},
		{
			name: "FailureDomainSpread's old levels",
			args: rawYAML("levels: [topology.kubernetes.io/zone, kubernetes.io/hostname]\nrequiredLevels: [kubernetes.io/hostname]\n"),
			wantErrs: field.ErrorList{
				field.Forbidden(path, `unknown field "levels"`+wantMovedHint),
				field.Forbidden(path, `unknown field "requiredLevels"`+wantMovedHint),
			},
		},
		{
			name: "the whole old policy, and a field that never was",
			args: raw(`{"components": [], "otherTrustedPods": {}, "userWorkloads": {}, "allowUserWorkloadsOnControlPlane": true, "weight": 3}`),
			wantErrs: field.ErrorList{
				field.Forbidden(path, `unknown field "components"`+wantMovedHint),
				field.Forbidden(path, `unknown field "otherTrustedPods"`+wantMovedHint),
				field.Forbidden(path, `unknown field "userWorkloads"`+wantMovedHint),
				field.Forbidden(path, `unknown field "allowUserWorkloadsOnControlPlane"`+wantMovedHint),
				field.Forbidden(path, `unknown field "weight"`),
			},
		},
		{
			name:     "not an object",
			args:     raw(`"kube-system"`),
			wantErrs: field.ErrorList{field.Invalid(path, field.OmitValueType{}, "json: cannot unmarshal string into Go value of type v1.TypeMeta")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateNoArgs(tt.args, path)
			if diff := cmp.Diff(tt.wantErrs.ToAggregate(), err); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// loaders are the three kinds of args a profile's pluginConfig holds for
// ha-scheduler, as LoadPolicies loads them.
var loaders = []struct {
	name string
	load func(runtime.Object, *field.Path) (any, field.ErrorList)
}{
	{config.PolicyName, func(o runtime.Object, p *field.Path) (any, field.ErrorList) {
		return load(o, p, []string{"HAPolicyArgs"}, config.SetDefaultsPolicyArgs, ValidatePolicyArgs)
	}},
	{config.DisruptionGuardName, func(o runtime.Object, p *field.Path) (any, field.ErrorList) {
		return load(o, p, []string{"DisruptionGuardArgs"}, config.SetDefaultsDisruptionGuardArgs, ValidateDisruptionGuardArgs)
	}},
	{config.WorkloadSeparationName, func(o runtime.Object, p *field.Path) (any, field.ErrorList) {
		return nil, loadNoArgs(o, p, noArgsKinds)
	}},
}

// FuzzLoadArgs: any input either fails with errors under the args' path or
// yields args that load again to the same value (defaulting is idempotent)
// and, for the policy, build a policy; nothing panics. The seed corpus runs
// in `make test`.
func FuzzLoadArgs(f *testing.F) {
	seeds := []string{
		`{}`, `null`, `{"noSuchField":1}`,
		`{"trustedNamespaces":["kube-system","calico-system"],"allowUserWorkloadsOnControlPlane":true}`,
		`{"components":[{"name":"etcd","nodeRole":"ControlPlane","spread":"Required","selectors":[{"matchLabels":{"component":"etcd"}},{"matchExpressions":[{"key":"app","operator":"In","values":["etcd"]}]}],"disruption":{"quorum":true}}]}`,
		`{"components":[{"name":"x","nodeRole":"Any","selectors":[{"matchExpressions":[{"key":"a","operator":"Exists","values":["v"]}]}]}]}`,
		`{"userWorkloads":{"nodeRole":"Worker","spread":"None","disruption":{"minAvailable":2}}}`,
		`{"levels":["a","b"],"requiredLevels":["b"]}`, `{"levels":["a","b"],"requiredLevels":["b"],"mode":"BestEffort"}`,
		`{"mode":"BestEffort","minCandidateNodesPercentage":0,"minCandidateNodesAbsolute":1}`,
		`{"apiVersion":"v1","kind":"X"}`,
		`{"components":[]}`, `[1,2]`, `{"trustedNamespaces":[""]}`,
	}
	for _, s := range seeds {
		for i := range loaders {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data string, which uint8) {
		l := loaders[int(which)%len(loaders)]
		path := field.NewPath("args")
		args, errs := l.load(raw(data), path)
		if len(errs) > 0 {
			for _, e := range errs {
				if e.Field != "args" && !strings.HasPrefix(e.Field, "args.") && !strings.HasPrefix(e.Field, "args[") {
					t.Fatalf("%s: error without the args' path: %v", l.name, e)
				}
			}
			return
		}
		if pa, ok := args.(*config.PolicyArgs); ok {
			if _, err := pa.Policy(); err != nil {
				t.Fatalf("validated args do not build a policy: %v (input %s)", err, data)
			}
		}
		if args == nil {
			return
		}
		encoded, err := json.Marshal(args)
		require.NoError(t, err)
		again, errs := l.load(raw(string(encoded)), path)
		if len(errs) > 0 {
			t.Fatalf("%s: defaulted args do not load again: %v (%s)", l.name, errs, encoded)
		}
		if diff := cmp.Diff(args, again); diff != "" {
			t.Fatalf("%s: args changed by encoding and loading again (-first +second):\n%s", l.name, diff)
		}
	})
}
