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
// without a cluster: the admission policy's trusted namespaces with the
// scheduler configurations (hack/gen-admission), and the examples of
// docs/policy.md with the args the plugins accept.
package manifests

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/ha-scheduler/ha-scheduler/hack/gen-admission/gen"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

// TestShippedAdmissionPolicyAgreesWithSchedulerConfigs fails when the
// namespaces the DaemonSet admission policy leaves alone are not exactly the
// trusted namespaces of the shipped scheduler configurations, or when those
// configurations disagree among themselves. Fix: `make manifests`.
func TestShippedAdmissionPolicyAgreesWithSchedulerConfigs(t *testing.T) {
	if _, err := gen.Run(gen.Options{Root: root, Check: true}); err != nil {
		t.Fatal(err)
	}

	// The same, read back as Kubernetes objects rather than as the block.
	var configs []gen.File
	for _, name := range gen.DefaultConfigs {
		configs = append(configs, readFile(t, name))
	}
	trusted, err := gen.TrustedNamespaces(configs...)
	if err != nil {
		t.Fatal(err)
	}
	excluded, err := gen.BindingExcludedNamespaces(readFile(t, gen.DefaultPolicy).Data)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(trusted, excluded); diff != "" {
		t.Errorf("namespaces the admission binding excludes (+) differ from the scheduler's trusted namespaces (-):\n%s", diff)
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

// policyWith is a trimmed admission policy: a comment and a first document
// that must survive byte for byte, and the binding with the given lines
// between the markers.
func policyWith(lines ...string) string {
	s := `# Keep me, with my    spacing.
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata:
  name: ha-scheduler-daemonset-node-affinity
spec: {}   # trailing comment
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: ha-scheduler-daemonset-node-affinity
spec:
  policyName: ha-scheduler-daemonset-node-affinity
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
	return s + "        # END generated\n# after the block\n"
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name    string
		configs []string
		policy  string
		want    string
	}{
		{
			name: "kube-system and calico-system",
			configs: []string{schedulerConfig("ha-scheduler",
				"{trustedNamespaces: [kube-system, calico-system], requiredLevels: [topology.kubernetes.io/zone, topology.scs.community/host-id]}",
				"{mode: Strict}")},
			policy: policyWith("        - kube-system"),
			want:   policyWith("        - kube-system", "        - calico-system"),
		},
		{
			name: "both shipped modes, one list",
			configs: []string{
				schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", "{mode: Strict}"),
				schedulerConfig("default-scheduler", "{trustedNamespaces: [kube-system, calico-system]}", ""),
			},
			policy: policyWith("        - kube-system"),
			want:   policyWith("        - kube-system", "        - calico-system"),
		},
		{
			name: "trustedNamespaces left out: the default",
			configs: []string{schedulerConfig("ha-scheduler",
				"{allowUserWorkloadsOnControlPlane: false, requiredLevels: [topology.scs.community/host-id]}",
				"{mode: BestEffort}")},
			policy: policyWith("        - kube-system", "        - stale-namespace"),
			want:   policyWith("        - kube-system"),
		},
		{
			name:    "no HAPolicy entry: the default",
			configs: []string{schedulerConfig("ha-scheduler", "", "")},
			policy:  policyWith(),
			want:    policyWith("        - kube-system"),
		},
		{
			name:    "list written with the marker's indentation",
			configs: []string{schedulerConfig("ha-scheduler", "{trustedNamespaces: [kube-system, cilium]}", "")},
			policy:  policyWith("          - kube-system"),
			want:    policyWith("        - kube-system", "        - cilium"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var files []gen.File
			for i, c := range tt.configs {
				files = append(files, gen.File{Name: []string{"secondary.yaml", "replacement.yaml"}[i], Data: []byte(c)})
			}
			ns, err := gen.TrustedNamespaces(files...)
			if err != nil {
				t.Fatalf("TrustedNamespaces: %v", err)
			}
			got, err := gen.Generate(gen.File{Name: "policy.yaml", Data: []byte(tt.policy)}, ns)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("generated policy (-want +got):\n%s", diff)
			}
			// Generating again changes nothing.
			again, err := gen.Generate(gen.File{Name: "policy.yaml", Data: got}, ns)
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
	ns := []string{"kube-system"}
	tests := []struct {
		name   string
		policy string
		want   string
	}{
		{
			name:   "no markers",
			policy: strings.ReplaceAll(strings.ReplaceAll(policyWith("        - kube-system"), "# BEGIN", "# begin"), "# END", "# end"),
			want:   `policy.yaml: no "# BEGIN generated: trusted namespaces (make manifests)" line`,
		},
		{
			name:   "not closed",
			policy: strings.ReplaceAll(policyWith("        - kube-system"), "# END generated", "# END"),
			want:   `policy.yaml:20: "# BEGIN generated: trusted namespaces (make manifests)" is not closed`,
		},
		{
			name:   "two blocks",
			policy: policyWith("        - kube-system") + "        # BEGIN generated: trusted namespaces (make manifests)\n        # END generated\n",
			want:   `policy.yaml:24: a second "# BEGIN generated`,
		},
		{
			name:   "end before begin",
			policy: "# END generated\n" + policyWith("        - kube-system"),
			want:   `policy.yaml:1: "# END generated" before`,
		},
		{
			name: "a namespace outside the block",
			policy: strings.Replace(policyWith("        - kube-system"), "        # END generated\n",
				"        # END generated\n        - forgotten\n", 1),
			want: `MutatingAdmissionPolicyBinding ha-scheduler-daemonset-node-affinity excludes [kube-system, forgotten], not the trusted namespaces [kube-system]`,
		},
		{
			name: "block outside the binding's values",
			policy: strings.Replace(
				strings.Replace(policyWith(), "        # BEGIN generated: trusted namespaces (make manifests)\n        # END generated\n", "        - kube-system\n", 1),
				"# Keep me", "# BEGIN generated: trusted namespaces (make manifests)\n# END generated\n# Keep me", 1),
			want: "policy.yaml, as generated:",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := gen.Generate(gen.File{Name: "policy.yaml", Data: []byte(tt.policy)}, ns)
			if err == nil {
				t.Fatalf("no error; generated:\n%s", out)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not contain\n  %s\nerror: %v", tt.want, err)
			}
		})
	}
}

// TestRunCheckAndWrite: check mode reports a stale policy with a diff and
// writes nothing; write mode fixes it; check mode then passes.
func TestRunCheckAndWrite(t *testing.T) {
	dir := t.TempDir()
	calico := "{trustedNamespaces: [kube-system, calico-system]}"
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("secondary.yaml", schedulerConfig("ha-scheduler", calico, "{mode: Strict}"))
	write("replacement.yaml", schedulerConfig("default-scheduler", calico, ""))
	stale := policyWith("        - kube-system")
	write("policy.yaml", stale)
	o := gen.Options{Root: dir, Configs: []string{"secondary.yaml", "replacement.yaml"}, Policy: "policy.yaml", Check: true}

	changed, err := gen.Run(o)
	if !errors.Is(err, gen.ErrStale) || !changed {
		t.Fatalf("check of a stale policy: changed %v, error %v; want changed and ErrStale", changed, err)
	}
	wantDiff := `--- policy.yaml (shipped)
+++ policy.yaml (generated)
@@ -19,5 +19,6 @@
         values:
         # BEGIN generated: trusted namespaces (make manifests)
         - kube-system
+        - calico-system
         # END generated
 # after the block
`
	if !strings.HasSuffix(err.Error(), wantDiff) {
		t.Errorf("check mode message does not end with the diff\n%s\nmessage:\n%v", wantDiff, err)
	}
	for _, w := range []string{"policy.yaml must exclude exactly the trusted namespaces [kube-system, calico-system] of secondary.yaml, replacement.yaml", "make manifests"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("check mode message does not contain %q:\n%v", w, err)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "policy.yaml")); string(got) != stale {
		t.Fatal("check mode wrote the policy")
	}

	o.Check = false
	if changed, err := gen.Run(o); err != nil || !changed {
		t.Fatalf("write: changed %v, error %v", changed, err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "policy.yaml"))
	if diff := cmp.Diff(policyWith("        - kube-system", "        - calico-system"), string(got)); diff != "" {
		t.Errorf("written policy (-want +got):\n%s", diff)
	}

	o.Check = true
	if changed, err := gen.Run(o); err != nil || changed {
		t.Fatalf("check after write: changed %v, error %v", changed, err)
	}
}
