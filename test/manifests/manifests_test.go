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

// Package manifests checks that what the project ships agrees with itself,
// without a cluster: the namespaces the admission policies (DaemonSet
// policy, reserved nodes, reserved priority, pod routing) leave alone with
// the scheduler configurations' trusted namespaces, and the reserved
// priority with their reservedPriority (hack/gen-admission), and the
// examples of docs/policy.md with the args the plugins accept.
package manifests

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/hack/gen-admission/gen"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

// TestShippedAdmissionPoliciesAgreeWithSchedulerConfigs fails when the
// namespaces an admission policy's binding leaves alone (the DaemonSet
// policy's, the routing policy's) are not exactly the trusted namespaces of
// the shipped scheduler configurations, or when those configurations
// disagree among themselves. Fix: `make manifests`.
func TestShippedAdmissionPoliciesAgreeWithSchedulerConfigs(t *testing.T) {
	var configs []gen.File
	for _, name := range gen.DefaultConfigs {
		configs = append(configs, readFile(t, name))
	}
	values, err := gen.ReadValues(configs...)
	if err != nil {
		t.Fatal(err)
	}
	trusted := values.TrustedNamespaces
	tests := []struct {
		name   string
		target gen.Target
		// options run check mode on this policy alone.
		options gen.Options
	}{
		{
			name:    "DaemonSet admission policy",
			target:  gen.DaemonSetPolicy,
			options: gen.Options{Root: root, Policy: gen.DefaultPolicy, Check: true},
		},
		{
			name:    "pod-routing policy",
			target:  gen.RoutingPolicy,
			options: gen.Options{Root: root, RoutingPolicy: gen.DefaultRoutingPolicy, Check: true},
		},
		{
			name:    "reserved-nodes policy",
			target:  gen.ReservedNodesPolicy,
			options: gen.Options{Root: root, ReservedNodesPolicy: gen.DefaultReservedNodesPolicy, Check: true},
		},
		{
			name:    "reserved-priority policy",
			target:  gen.ReservedPriorityPolicy,
			options: gen.Options{Root: root, ReservedPriorityPolicy: gen.DefaultReservedPriorityPolicy, Check: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := gen.Run(tt.options); err != nil {
				t.Fatal(err)
			}
			// The same, read back as Kubernetes objects rather than as the
			// block.
			excluded, err := tt.target.ExcludedNamespaces(readFile(t, tt.target.File))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(trusted, excluded); diff != "" {
				t.Errorf("%s: namespaces %s %v excludes (+) differ from the scheduler's trusted namespaces (-):\n%s",
					tt.target.File, tt.target.Kind, tt.target.Bindings, diff)
			}
			if tt.target.PriorityPolicy != "" {
				got, err := tt.target.ReservedPriority(readFile(t, tt.target.File))
				if err != nil {
					t.Fatal(err)
				}
				if got != values.ReservedPriority {
					t.Errorf("%s: variable %s is %d, the scheduler's reservedPriority %d", tt.target.File, gen.PriorityVariable, got, values.ReservedPriority)
				}
			}
		})
	}
}

// TestShippedRoutingPolicyNeverRoutesTheScheduler: the namespace
// manifests/secondary runs ha-scheduler in is one the routing policy leaves
// alone. The scheduler's own pods are placed by the default scheduler;
// routed to ha-scheduler, a lost last replica could never be placed again.
// The list is the trusted namespaces, so ha-scheduler's namespace must stay
// trusted (or the routing policy must list it otherwise).
func TestShippedRoutingPolicyNeverRoutesTheScheduler(t *testing.T) {
	const deployment = "manifests/secondary/deployment.yaml"
	var d struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	require.NoError(t, yaml.Unmarshal(readFile(t, deployment).Data, &d), deployment)
	require.Equal(t, "Deployment", d.Kind, deployment)
	require.NotEmpty(t, d.Metadata.Namespace, "%s: metadata.namespace", deployment)

	excluded, err := gen.RoutingPolicy.ExcludedNamespaces(readFile(t, gen.DefaultRoutingPolicy))
	require.NoError(t, err)
	if !slices.Contains(excluded, d.Metadata.Namespace) {
		t.Errorf("%s: MutatingAdmissionPolicyBinding %s excludes %v, not %s, where %s runs %s: its pods would be routed to itself",
			gen.DefaultRoutingPolicy, gen.RoutingPolicy.Bindings[0], excluded, d.Metadata.Namespace, deployment, d.Metadata.Name)
	}
}

func readFile(t *testing.T, name string) gen.File {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return gen.File{Name: name, Data: data}
}

// schedulerConfig is a KubeSchedulerConfiguration with one ha-scheduler
// profile: the shipped plugins, the given HAPolicy args and DisruptionGuard
// args (YAML flow maps; "" leaves the entry out).
func schedulerConfig(profile, policy, dg string) string {
	s := `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
profiles:
- schedulerName: ` + profile + `
  plugins:
    multiPoint:
      enabled:
      - name: WorkloadSeparation
      - name: FailureDomainSpread
        weight: 1600
      - name: DisruptionGuard
      disabled:
      - name: DefaultPreemption
  pluginConfig:
`
	for _, pc := range []struct{ name, args string }{{"HAPolicy", policy}, {"DisruptionGuard", dg}} {
		if pc.args != "" {
			s += "  - name: " + pc.name + "\n    args: " + pc.args + "\n"
		}
	}
	return s
}

// policyWith is a trimmed DaemonSet admission policy: a comment and a
// first document that must survive byte for byte, and the binding with the
// given lines between the markers.
func policyWith(lines ...string) string {
	return bindingWith(gen.DaemonSetPolicy.Bindings[0], "", lines...)
}

// routingWith is a trimmed routing policy, as policyWith: the binding also
// selects namespaces by their opt-in label.
func routingWith(lines ...string) string {
	return bindingWith(gen.RoutingPolicy.Bindings[0], "      matchLabels:\n        scheduling.ha-scheduler.io/route: \"true\"\n", lines...)
}

// reservedNodesWith is a trimmed reserved-nodes policy: a
// ValidatingAdmissionPolicy and its three bindings, each with the given
// lines between its markers.
func reservedNodesWith(lines ...string) string {
	s := `# Keep me.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ha-scheduler-reserved-nodes
spec: {}
`
	for _, b := range gen.ReservedNodesPolicy.Bindings {
		s += "---\n" + validatingBindingWith(b, lines...)
	}
	return s
}

// reservedPriorityWith is a trimmed reserved-priority policy: its
// ValidatingAdmissionPolicy with the given priority line between its
// markers, and its binding with the given namespace lines between its.
func reservedPriorityWith(priority string, lines ...string) string {
	return `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: ha-scheduler-reserved-priority
spec:
  variables:
  - name: reservedPriority
    # BEGIN generated: reserved priority (make manifests)
` + priority + `
    # END generated
  - name: other
    expression: "1"
---
` + validatingBindingWith(gen.ReservedPriorityPolicy.Bindings[0], lines...)
}

// validatingBindingWith is a ValidatingAdmissionPolicyBinding named name
// with lines between the markers of its NotIn requirement.
func validatingBindingWith(name string, lines ...string) string {
	s := `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: ` + name + `
spec:
  policyName: x
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values:
        # BEGIN generated: trusted namespaces (make manifests)
`
	for _, l := range lines {
		s += l + "\n"
	}
	return s + "        # END generated\n"
}

// bindingWith is a policy and its binding named name, whose namespaceSelector
// has the matchLabels given (YAML lines, or "") and the NotIn requirement
// with lines between the markers.
func bindingWith(name, matchLabels string, lines ...string) string {
	s := `# Keep me, with my    spacing.
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata:
  name: ` + name + `
spec: {}   # trailing comment
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: ` + name + `
spec:
  policyName: ` + name + `
  matchResources:
    namespaceSelector:
` + matchLabels + `      matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: NotIn
        values:
        # BEGIN generated: trusted namespaces (make manifests)
`
	for _, l := range lines {
		s += l + "\n"
	}
	return s + "        # END generated\n# after the block\n"
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name    string
		target  gen.Target
		configs []string
		policy  string
		want    string
	}{
		{
			name:   "kube-system and calico-system",
			target: gen.DaemonSetPolicy,
			configs: []string{schedulerConfig("ha-scheduler",
				"{trustedNamespaces: [kube-system, calico-system], requiredLevels: [topology.kubernetes.io/zone, topology.scs.community/host-id]}",
				"{mode: Strict}")},
			policy: policyWith("        - kube-system"),
			want:   policyWith("        - kube-system", "        - calico-system"),
		},
		{
			name:   "both shipped modes, one list",
			target: gen.DaemonSetPolicy,
			configs: []string{
				schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", "{mode: Strict}"),
				schedulerConfig("default-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", ""),
			},
			policy: policyWith("        - kube-system"),
			want:   policyWith("        - kube-system", "        - calico-system"),
		},
		{
			name:   "trustedNamespaces left out: the default",
			target: gen.DaemonSetPolicy,
			configs: []string{schedulerConfig("ha-scheduler",
				"{allowUserWorkloadsOnControlPlane: false, requiredLevels: [topology.scs.community/host-id]}",
				"{mode: BestEffort}")},
			policy: policyWith("        - kube-system", "        - stale-namespace"),
			want:   policyWith("        - kube-system"),
		},
		{
			name:    "no HAPolicy entry: the default",
			target:  gen.DaemonSetPolicy,
			configs: []string{schedulerConfig("ha-scheduler", "", "")},
			policy:  policyWith(),
			want:    policyWith("        - kube-system"),
		},
		{
			name:    "list written with the marker's indentation",
			target:  gen.DaemonSetPolicy,
			configs: []string{schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, cilium]}", "")},
			policy:  policyWith("          - kube-system"),
			want:    policyWith("        - kube-system", "        - cilium"),
		},
		{
			name:   "routing: kube-system and calico-system, opt-in label kept",
			target: gen.RoutingPolicy,
			configs: []string{
				schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", "{mode: Strict}"),
				schedulerConfig("default-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", ""),
			},
			policy: routingWith("        - kube-system"),
			want:   routingWith("        - kube-system", "        - calico-system"),
		},
		{
			name:    "routing: a namespace no longer trusted is routed again",
			target:  gen.RoutingPolicy,
			configs: []string{schedulerConfig("ha-scheduler", "", "")},
			policy:  routingWith("        - kube-system", "        - calico-system"),
			want:    routingWith("        - kube-system"),
		},
		{
			name:   "reserved nodes: every binding gets the list",
			target: gen.ReservedNodesPolicy,
			configs: []string{
				schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", "{mode: Strict}"),
				schedulerConfig("default-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", ""),
			},
			policy: reservedNodesWith("        - kube-system"),
			want:   reservedNodesWith("        - kube-system", "        - calico-system"),
		},
		{
			name:    "reserved priority: the default, system-cluster-critical's value",
			target:  gen.ReservedPriorityPolicy,
			configs: []string{schedulerConfig("ha-scheduler", "", "")},
			policy:  reservedPriorityWith(`    expression: "1"`, "        - old"),
			want:    reservedPriorityWith(`    expression: "2000000000"`, "        - kube-system"),
		},
		{
			name:   "reserved priority: the policy's, in both modes",
			target: gen.ReservedPriorityPolicy,
			configs: []string{
				schedulerConfig("ha-scheduler", "{reservedPriority: 100000000, trustedNamespaces: [kube-system, monitoring]}", ""),
				schedulerConfig("default-scheduler", "{reservedPriority: 100000000, trustedNamespaces: [kube-system, monitoring]}", ""),
			},
			policy: reservedPriorityWith(`    expression: "2000000000"`, "        - kube-system"),
			want:   reservedPriorityWith(`    expression: "100000000"`, "        - kube-system", "        - monitoring"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var files []gen.File
			for i, c := range tt.configs {
				files = append(files, gen.File{Name: []string{"secondary.yaml", "replacement.yaml"}[i], Data: []byte(c)})
			}
			values, err := gen.ReadValues(files...)
			if err != nil {
				t.Fatalf("ReadValues: %v", err)
			}
			got, err := tt.target.Generate(gen.File{Name: "policy.yaml", Data: []byte(tt.policy)}, values)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("generated policy (-want +got):\n%s", diff)
			}
			// Generating again changes nothing.
			again, err := tt.target.Generate(gen.File{Name: "policy.yaml", Data: got}, values)
			if err != nil {
				t.Fatalf("Generate again: %v", err)
			}
			if diff := cmp.Diff(string(got), string(again)); diff != "" {
				t.Errorf("not idempotent (-first +second):\n%s", diff)
			}
		})
	}
}

func TestTrustedNamespacesErrors(t *testing.T) {
	calico := "{trustedNamespaces: [kube-system, calico-system]}"
	moved := ": the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)"
	tests := []struct {
		name    string
		configs []string
		want    string
	}{
		{
			name: "the two configurations disagree",
			configs: []string{
				schedulerConfig("ha-scheduler", calico, "{mode: Strict}"),
				schedulerConfig("default-scheduler", "{trustedNamespaces: [kube-system]}", ""),
			},
			want: "the scheduler configurations disagree on the trusted namespaces; make every profile trust the same namespaces:\n" +
				`replacement.yaml: profile "default-scheduler": trustedNamespaces [kube-system], but secondary.yaml: profile "ha-scheduler": [kube-system, calico-system]`,
		},
		{
			name: "a profile without HAPolicy has the default",
			configs: []string{
				schedulerConfig("ha-scheduler", calico, ""),
				schedulerConfig("default-scheduler", "", "{mode: Strict}"),
			},
			want: "the scheduler configurations disagree on the trusted namespaces; make every profile trust the same namespaces:\n" +
				`replacement.yaml: profile "default-scheduler" (no HAPolicy entry: default policy): trustedNamespaces [kube-system], but secondary.yaml: profile "ha-scheduler": [kube-system, calico-system]`,
		},
		{
			name: "same namespaces, another order",
			configs: []string{
				schedulerConfig("ha-scheduler", calico, ""),
				schedulerConfig("default-scheduler", "{trustedNamespaces: [calico-system, kube-system]}", ""),
			},
			want: "the scheduler configurations disagree on the trusted namespaces; make every profile trust the same namespaces:\n" +
				`replacement.yaml: profile "default-scheduler": trustedNamespaces [calico-system, kube-system], but secondary.yaml: profile "ha-scheduler": [kube-system, calico-system]`,
		},
		{
			name:    "invalid args, with the field path",
			configs: []string{schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, Not_A_Namespace]}", "")},
			want:    `secondary.yaml: invalid configuration: profiles[0].pluginConfig[0].args.trustedNamespaces[1]: Invalid value: "Not_A_Namespace": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
		},
		{
			name:    "unknown field",
			configs: []string{schedulerConfig("ha-scheduler", "{trustedNamespace: [kube-system, calico-system]}", "")},
			want:    `secondary.yaml: invalid configuration: profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespace"`,
		},
		{
			name:    "the policy written in a plugin's args, as before HAPolicy",
			configs: []string{schedulerConfig("ha-scheduler", "", calico)},
			want:    `secondary.yaml: invalid configuration: profiles[0].pluginConfig[0].args: Forbidden: unknown field "trustedNamespaces"` + moved,
		},
		{
			name:    "empty list",
			configs: []string{schedulerConfig("ha-scheduler", "{trustedNamespaces: []}", "")},
			want:    "secondary.yaml: invalid configuration: profiles[0].pluginConfig[0].args.trustedNamespaces: Required value: at least one namespace: with none, kube-proxy, the CNI and CoreDNS become user workloads kept off control-plane nodes; leave the field out for the default [kube-system]",
		},
		{
			name:    "compact cluster: the admission policy does not fit",
			configs: []string{schedulerConfig("ha-scheduler", "{allowUserWorkloadsOnControlPlane: true}", "")},
			want:    `secondary.yaml: profile "ha-scheduler": user workloads may run on ControlPlane, Worker nodes (allowUserWorkloadsOnControlPlane: true, userWorkloads.nodeRole: Worker), but manifests/admission/daemonset-node-affinity.yaml keeps the DaemonSets of untrusted namespaces off control-plane and infra nodes; do not apply manifests/admission to such a cluster (docs/policy.md: compact cluster)`,
		},
		{
			name:    "user workloads on infra nodes",
			configs: []string{schedulerConfig("ha-scheduler", "{userWorkloads: {nodeRole: Any}}", "")},
			want:    `secondary.yaml: profile "ha-scheduler": user workloads may run on ControlPlane, Infra, Worker nodes (allowUserWorkloadsOnControlPlane: false, userWorkloads.nodeRole: Any), but manifests/admission/daemonset-node-affinity.yaml keeps the DaemonSets of untrusted namespaces off control-plane and infra nodes; do not apply manifests/admission to such a cluster (docs/policy.md: compact cluster)`,
		},
		{
			name: "the two configurations disagree on the reserved priority",
			configs: []string{
				schedulerConfig("ha-scheduler", "{reservedPriority: 1000000}", ""),
				schedulerConfig("default-scheduler", "", ""),
			},
			want: "the scheduler configurations disagree on the reserved priority; give every profile the same reservedPriority:\n" +
				`replacement.yaml: profile "default-scheduler" (no HAPolicy entry: default policy): reservedPriority 2000000000, but secondary.yaml: profile "ha-scheduler": 1000000`,
		},
		{
			name:    "reserved priority out of range",
			configs: []string{schedulerConfig("ha-scheduler", "{reservedPriority: 2000001000}", "")},
			want:    `secondary.yaml: invalid configuration: profiles[0].pluginConfig[0].args.reservedPriority: Invalid value: 2000001000: must be from 1 to 2000000000 (system-cluster-critical): untrusted namespaces' pods at or above it are refused, so it must be above every priority class tenants use, and at most the control plane's own`,
		},
		{
			name:    "no ha-scheduler plugin",
			configs: []string{"apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles:\n- schedulerName: default-scheduler\n"},
			want:    "secondary.yaml: no profile enables WorkloadSeparation, FailureDomainSpread, DisruptionGuard; profiles: default-scheduler (no ha-scheduler plugin)",
		},
		{
			name:    "not a scheduler configuration",
			configs: []string{"apiVersion: v1\nkind: ConfigMap\n"},
			want:    `secondary.yaml: no kind "ConfigMap" is registered for version "v1" in scheme "pkg/runtime/scheme.go:111"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var files []gen.File
			for i, c := range tt.configs {
				files = append(files, gen.File{Name: []string{"secondary.yaml", "replacement.yaml"}[i], Data: []byte(c)})
			}
			ns, err := gen.TrustedNamespaces(files...)
			require.Error(t, err, "trusted namespaces %v", ns)
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	values := gen.Values{TrustedNamespaces: []string{"kube-system"}, ReservedPriority: 2000000000}
	tests := []struct {
		name   string
		target gen.Target
		policy string
		want   string
	}{
		{
			name:   "no markers",
			target: gen.DaemonSetPolicy,
			policy: strings.ReplaceAll(strings.ReplaceAll(policyWith("        - kube-system"), "# BEGIN", "# begin"), "# END", "# end"),
			want:   `policy.yaml: no "# BEGIN generated: trusted namespaces (make manifests)" line: put the values of MutatingAdmissionPolicyBinding ha-scheduler-daemonset-node-affinity's kubernetes.io/metadata.name NotIn requirement between it and "# END generated"`,
		},
		{
			name:   "not closed",
			target: gen.DaemonSetPolicy,
			policy: strings.ReplaceAll(policyWith("        - kube-system"), "# END generated", "# END"),
			want:   `policy.yaml:20: "# BEGIN generated: trusted namespaces (make manifests)" is not closed`,
		},
		{
			name:   "two blocks",
			target: gen.DaemonSetPolicy,
			policy: policyWith("        - kube-system") + "        # BEGIN generated: trusted namespaces (make manifests)\n        # END generated\n",
			want:   `policy.yaml:24: a second "# BEGIN generated`,
		},
		{
			name:   "end before begin",
			target: gen.DaemonSetPolicy,
			policy: "# END generated\n" + policyWith("        - kube-system"),
			want:   `policy.yaml:1: "# END generated" before`,
		},
		{
			name:   "a namespace outside the block",
			target: gen.DaemonSetPolicy,
			policy: strings.Replace(policyWith("        - kube-system"), "        # END generated\n",
				"        # END generated\n        - forgotten\n", 1),
			want: `policy.yaml, as generated: MutatingAdmissionPolicyBinding ha-scheduler-daemonset-node-affinity excludes [kube-system, forgotten], not the trusted namespaces [kube-system]`,
		},
		{
			name:   "block outside the binding's values",
			target: gen.DaemonSetPolicy,
			policy: strings.Replace(
				strings.Replace(policyWith(), "        # BEGIN generated: trusted namespaces (make manifests)\n        # END generated\n", "        - kube-system\n", 1),
				"# Keep me", "# BEGIN generated: trusted namespaces (make manifests)\n# END generated\n# Keep me", 1),
			want: "policy.yaml, as generated:",
		},
		{
			name:   "DaemonSet policy: a binding that also selects by label",
			target: gen.DaemonSetPolicy,
			policy: bindingWith(gen.DaemonSetPolicy.Bindings[0], "      matchLabels: {team: a}\n", "        - kube-system"),
			want:   "policy.yaml, as generated: MutatingAdmissionPolicyBinding ha-scheduler-daemonset-node-affinity: want no spec.matchResources.namespaceSelector.matchLabels",
		},
		{
			name:   "routing policy: no opt-in label",
			target: gen.RoutingPolicy,
			policy: bindingWith(gen.RoutingPolicy.Bindings[0], "", "        - kube-system"),
			want:   "policy.yaml, as generated: MutatingAdmissionPolicyBinding ha-scheduler-route-pods: want spec.matchResources.namespaceSelector.matchLabels, the label namespaces opt in with",
		},
		{
			name:   "routing policy: a second requirement",
			target: gen.RoutingPolicy,
			policy: strings.Replace(routingWith("        - kube-system"), "      matchExpressions:\n",
				"      matchExpressions:\n      - {key: team, operator: Exists}\n", 1),
			want: "policy.yaml, as generated: MutatingAdmissionPolicyBinding ha-scheduler-route-pods: want spec.matchResources.namespaceSelector.matchExpressions of exactly one requirement, kubernetes.io/metadata.name NotIn [trusted namespaces]",
		},
		{
			name:   "reserved nodes: a binding without its block",
			target: gen.ReservedNodesPolicy,
			policy: strings.Replace(reservedNodesWith("        - kube-system"),
				"        # BEGIN generated: trusted namespaces (make manifests)\n        - kube-system\n        # END generated\n", "        - kube-system\n", 1),
			want: `policy.yaml: 2 "# BEGIN generated: trusted namespaces (make manifests)" blocks, want one per binding: ValidatingAdmissionPolicyBindings ha-scheduler-reserved-nodes-control-plane, ha-scheduler-reserved-nodes-master, ha-scheduler-reserved-nodes-infra`,
		},
		{
			name:   "reserved nodes: a binding missing",
			target: gen.ReservedNodesPolicy,
			policy: strings.Replace(reservedNodesWith("        - kube-system"), "name: ha-scheduler-reserved-nodes-master", "name: renamed", 1),
			want:   "policy.yaml, as generated: want one ValidatingAdmissionPolicyBinding ha-scheduler-reserved-nodes-master, found 0",
		},
		{
			name:   "reserved priority: no priority block",
			target: gen.ReservedPriorityPolicy,
			policy: strings.Replace(strings.Replace(reservedPriorityWith(`    expression: "1"`, "        - kube-system"),
				"    # BEGIN generated: reserved priority (make manifests)\n", "", 1), "    # END generated\n", "", 1),
			want: `policy.yaml: 0 "# BEGIN generated: reserved priority (make manifests)" blocks, want one, around the expression of variable reservedPriority of ValidatingAdmissionPolicy ha-scheduler-reserved-priority`,
		},
		{
			name:   "reserved priority: the block around another variable",
			target: gen.ReservedPriorityPolicy,
			policy: strings.Replace(reservedPriorityWith(`    expression: "1"`, "        - kube-system"), "name: reservedPriority", "name: renamed", 1),
			want:   "policy.yaml, as generated: ValidatingAdmissionPolicy ha-scheduler-reserved-priority has no variable reservedPriority",
		},
		{
			name:   "a priority block in a policy without the variable",
			target: gen.DaemonSetPolicy,
			policy: policyWith("        - kube-system") + "    # BEGIN generated: reserved priority (make manifests)\n    # END generated\n",
			want:   `policy.yaml:24: "# BEGIN generated: reserved priority (make manifests)" in a policy that has no reservedPriority variable`,
		},
		{
			name:   "routing target on the DaemonSet policy",
			target: gen.RoutingPolicy,
			policy: policyWith("        - kube-system"),
			want:   "policy.yaml, as generated: want one MutatingAdmissionPolicyBinding ha-scheduler-route-pods, found 0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.target.Generate(gen.File{Name: "policy.yaml", Data: []byte(tt.policy)}, values)
			if err == nil {
				t.Fatalf("no error; generated:\n%s", out)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not contain\n  %s\nerror: %v", tt.want, err)
			}
		})
	}
}

// TestRunCheckAndWrite: check mode reports each stale policy (the DaemonSet
// policy's list, the routing policy's, or both) with a diff and writes
// nothing; write mode fixes them; check mode then passes.
func TestRunCheckAndWrite(t *testing.T) {
	const calico = "{trustedNamespaces: [kube-system, calico-system]}"
	fresh, fixed := policyWith("        - kube-system", "        - calico-system"), routingWith("        - kube-system", "        - calico-system")
	staleDiff := `--- policy.yaml (shipped)
+++ policy.yaml (generated)
@@ -19,5 +19,6 @@
         values:
         # BEGIN generated: trusted namespaces (make manifests)
         - kube-system
+        - calico-system
         # END generated
 # after the block
`
	staleRoutingDiff := `--- routing.yaml (shipped)
+++ routing.yaml (generated)
@@ -21,5 +21,6 @@
         values:
         # BEGIN generated: trusted namespaces (make manifests)
         - kube-system
+        - calico-system
         # END generated
 # after the block
`
	tests := []struct {
		name string
		// The policy files before; Options name both unless only is set.
		policy, routing string
		only            gen.Options
		// The stale files, their diff (check mode) and the files after
		// write mode.
		wantStale               map[string]string
		wantPolicy, wantRouting string
		wantMessages            []string
	}{
		{
			name:        "DaemonSet policy stale",
			policy:      policyWith("        - kube-system"),
			routing:     fixed,
			wantStale:   map[string]string{"policy.yaml": staleDiff},
			wantPolicy:  fresh,
			wantRouting: fixed,
			wantMessages: []string{"policy.yaml must exclude exactly the trusted namespaces [kube-system, calico-system] of secondary.yaml, replacement.yaml " +
				"(MutatingAdmissionPolicyBinding ha-scheduler-daemonset-node-affinity, spec.matchResources.namespaceSelector kubernetes.io/metadata.name NotIn); run `make manifests`"},
		},
		{
			name:        "routing policy stale: a trusted namespace would be routed",
			policy:      fresh,
			routing:     routingWith("        - kube-system"),
			wantStale:   map[string]string{"routing.yaml": staleRoutingDiff},
			wantPolicy:  fresh,
			wantRouting: fixed,
			wantMessages: []string{"routing.yaml must exclude exactly the trusted namespaces [kube-system, calico-system] of secondary.yaml, replacement.yaml " +
				"(MutatingAdmissionPolicyBinding ha-scheduler-route-pods, spec.matchResources.namespaceSelector kubernetes.io/metadata.name NotIn); run `make manifests`"},
		},
		{
			name:    "routing policy stale: a namespace no longer trusted, another order",
			policy:  fresh,
			routing: routingWith("        - calico-system", "        - kube-system", "        - monitoring"),
			wantStale: map[string]string{"routing.yaml": `--- routing.yaml (shipped)
+++ routing.yaml (generated)
@@ -20,8 +20,7 @@
         operator: NotIn
         values:
         # BEGIN generated: trusted namespaces (make manifests)
-        - calico-system
-        - kube-system
-        - monitoring
+        - kube-system
+        - calico-system
         # END generated
 # after the block
`},
			wantPolicy:  fresh,
			wantRouting: fixed,
		},
		{
			name:        "both stale: both reported",
			policy:      policyWith("        - kube-system"),
			routing:     routingWith("        - kube-system"),
			wantStale:   map[string]string{"policy.yaml": staleDiff, "routing.yaml": staleRoutingDiff},
			wantPolicy:  fresh,
			wantRouting: fixed,
		},
		{
			name:        "only the routing policy named: the DaemonSet policy is left alone",
			policy:      policyWith("        - kube-system"),
			routing:     routingWith("        - kube-system"),
			only:        gen.Options{RoutingPolicy: "routing.yaml"},
			wantStale:   map[string]string{"routing.yaml": staleRoutingDiff},
			wantPolicy:  policyWith("        - kube-system"),
			wantRouting: fixed,
		},
		{
			name:        "only the DaemonSet policy named: the routing policy is left alone",
			policy:      policyWith("        - kube-system"),
			routing:     routingWith("        - kube-system"),
			only:        gen.Options{Policy: "policy.yaml"},
			wantStale:   map[string]string{"policy.yaml": staleDiff},
			wantPolicy:  fresh,
			wantRouting: routingWith("        - kube-system"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(name, content string) {
				t.Helper()
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			read := func(name string) string {
				t.Helper()
				data, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				return string(data)
			}
			write("secondary.yaml", schedulerConfig("ha-scheduler", calico, "{mode: Strict}"))
			write("replacement.yaml", schedulerConfig("default-scheduler", calico, ""))
			write("policy.yaml", tt.policy)
			write("routing.yaml", tt.routing)
			o := tt.only
			if o.Policy == "" && o.RoutingPolicy == "" {
				o.Policy, o.RoutingPolicy = "policy.yaml", "routing.yaml"
			}
			o.Root, o.Configs, o.Check = dir, []string{"secondary.yaml", "replacement.yaml"}, true

			changed, err := gen.Run(o)
			if !errors.Is(err, gen.ErrStale) {
				t.Fatalf("check of a stale policy: error %v; want ErrStale", err)
			}
			var wantChanged []string
			for name, d := range tt.wantStale {
				wantChanged = append(wantChanged, name)
				if !strings.Contains(err.Error(), d) {
					t.Errorf("check mode message does not contain the diff of %s\n%s\nmessage:\n%v", name, d, err)
				}
			}
			slices.Sort(wantChanged)
			if diff := cmp.Diff(wantChanged, changed); diff != "" {
				t.Errorf("stale files (-want +got):\n%s", diff)
			}
			for _, w := range tt.wantMessages {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("check mode message does not contain %q:\n%v", w, err)
				}
			}
			if diff := cmp.Diff([]string{tt.policy, tt.routing}, []string{read("policy.yaml"), read("routing.yaml")}); diff != "" {
				t.Fatalf("check mode wrote a policy (-before +after):\n%s", diff)
			}

			o.Check = false
			if changed, err := gen.Run(o); err != nil || !slices.Equal(changed, wantChanged) {
				t.Fatalf("write: changed %v, error %v; want changed %v", changed, err, wantChanged)
			}
			if diff := cmp.Diff([]string{tt.wantPolicy, tt.wantRouting}, []string{read("policy.yaml"), read("routing.yaml")}); diff != "" {
				t.Errorf("written policies (-want +got):\n%s", diff)
			}

			o.Check = true
			if changed, err := gen.Run(o); err != nil || len(changed) > 0 {
				t.Fatalf("check after write: changed %v, error %v", changed, err)
			}
		})
	}
}
