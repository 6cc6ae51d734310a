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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/version"
)

// runOutputAs runs the command line as the binary argv0 would.
func runOutputAs(argv0 string, args ...string) output {
	var stdout, stderr bytes.Buffer
	code := Run(CommandName(argv0), args, genericiooptions.IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr})
	return output{Code: code, Stdout: stdout.String(), Stderr: stderr.String()}
}

func TestCommandName(t *testing.T) {
	for argv0, want := range map[string]string{
		"ha-check":                      "ha-check",
		"/usr/local/bin/ha-check":       "ha-check",
		"./bin/ha-check":                "ha-check",
		"/tmp/go-build/ha-check.test":   "ha-check",
		"kubectl-ha":                    "kubectl ha",
		"/home/me/.krew/bin/kubectl-ha": "kubectl ha",
		`C:\krew\bin\kubectl-ha.exe`:    "kubectl ha",
		"kubectl-ha_check":              "kubectl ha-check",
		"kubectl-":                      "ha-check",
	} {
		if got := CommandName(strings.ReplaceAll(argv0, `\`, "/")); got != want {
			t.Errorf("CommandName(%q) = %q, want %q", argv0, got, want)
		}
	}
}

// Help goes to stdout, exit 0, nothing on stderr; as the kubectl plugin it
// names itself `kubectl ha`.
func TestHelp(t *testing.T) {
	tests := []struct {
		name      string
		argv0     string
		args      []string
		wantUsage string
	}{
		{name: "-h", argv0: "ha-check", args: []string{"-h"}, wantUsage: "Usage:\n  ha-check [flags]\n  ha-check [command]\n"},
		{name: "--help", argv0: "ha-check", args: []string{"--help"}, wantUsage: "Usage:\n  ha-check [flags]\n  ha-check [command]\n"},
		{name: "help policy", argv0: "ha-check", args: []string{"help", "policy"}, wantUsage: "Usage:\n  ha-check policy [flags]\n"},
		{name: "policy -h", argv0: "ha-check", args: []string{"policy", "-h"}, wantUsage: "Usage:\n  ha-check policy [flags]\n"},
		{name: "plugin -h", argv0: "/usr/local/bin/kubectl-ha", args: []string{"-h"}, wantUsage: "Usage:\n  kubectl ha [flags]\n  kubectl ha [command]\n"},
		{name: "plugin policy -h", argv0: "kubectl-ha", args: []string{"policy", "-h"}, wantUsage: "Usage:\n  kubectl ha policy [flags]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runOutputAs(tc.argv0, tc.args...)
			require.Equal(t, exitPass, got.Code)
			require.Empty(t, got.Stderr)
			require.Contains(t, got.Stdout, tc.wantUsage)
			if strings.HasPrefix(tc.argv0, "kubectl") {
				require.NotContains(t, got.Stdout, "ha-check ", "the plugin's help names it ha-check")
			}
		})
	}
	// Every kubectl connection flag, the check's and the policy's.
	help := runOutputAs("ha-check", "--help").Stdout
	for _, flag := range []string{
		"--kubeconfig", "--context", "--cluster", "--user", "-s, --server", "--token", "--as", "--as-group", "--as-uid",
		"--certificate-authority", "--client-certificate", "--client-key", "--insecure-skip-tls-verify", "--tls-server-name",
		"-n, --namespace", "--request-timeout", "--proxy-url", "--disable-compression",
		"-o, --output", "--fail-on", "--scs-revision", "--expect-control-plane-scheduler", "--version", "--timeout",
		"--config", "--profile", "--trusted-namespace", "--allow-user-workloads-on-control-plane",
	} {
		require.Contains(t, help, "  "+flag+" ", "help lacks %s", flag)
	}
}

func TestVersion(t *testing.T) {
	want := output{Code: exitPass, Stdout: "ha-check version " + version.GitVersion + "\n"}
	if diff := cmp.Diff(want, runOutputAs("ha-check", "--version")); diff != "" {
		t.Errorf("--version (-want +got):\n%s", diff)
	}
	want = output{Code: exitPass, Stdout: "kubectl ha version " + version.GitVersion + "\n"}
	if diff := cmp.Diff(want, runOutputAs("kubectl-ha", "--version")); diff != "" {
		t.Errorf("kubectl ha --version (-want +got):\n%s", diff)
	}
}

// The plugin's errors name it as it was called.
func TestPluginErrors(t *testing.T) {
	want := output{Code: exitError, Stderr: "kubectl ha: unknown flag: --nope\nSee 'kubectl ha --help' for usage.\n"}
	if diff := cmp.Diff(want, runOutputAs("kubectl-ha", "--nope")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	want = output{Code: exitError, Stderr: "kubectl ha policy: unexpected arguments: x\nSee 'kubectl ha policy --help' for usage.\n"}
	if diff := cmp.Diff(want, runOutputAs("kubectl-ha", "policy", "x")); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// --fail-on=warn exits 2 on a report that passes with warnings; the
// report is the same.
func TestFailOn(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")}
	etcd := []v1.Pod{etcdMember("etcd-0", "cp-a"), etcdMember("etcd-1", "cp-b"), etcdMember("etcd-2", "cp-c")}
	clean := fakeAPI{nodes: nodes}
	// StatefulSets and ReplicaSets forbidden: a warning, no fail.
	warned := fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(3)},
		forbidden: []string{statefulSetsPath, replicaSetsPath}}
	failed := fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)}}
	const source = "default policy (no ha-scheduler configuration found in namespace kube-system)"
	defaults := defaultPolicy(t, nil)
	require.Equal(t, v1alpha1.VerdictPass, analyze(warned, defaults).Verdict)
	require.Positive(t, analyze(warned, defaults).Warnings)
	require.Zero(t, analyze(clean, defaults).Warnings)

	for _, tc := range []struct {
		name   string
		api    fakeAPI
		failOn []string
		want   int
	}{
		{name: "clean", api: clean, want: exitPass},
		{name: "clean, --fail-on=warn", api: clean, failOn: []string{"--fail-on=warn"}, want: exitPass},
		{name: "warnings", api: warned, want: exitPass},
		{name: "warnings, --fail-on=fail", api: warned, failOn: []string{"--fail-on", "fail"}, want: exitPass},
		{name: "warnings, --fail-on=warn", api: warned, failOn: []string{"--fail-on=warn"}, want: exitFail},
		{name: "fails", api: failed, want: exitFail},
		{name: "fails, --fail-on=warn", api: failed, failOn: []string{"--fail-on=warn"}, want: exitFail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--kubeconfig", kubeconfigFor(t, apiServer(t, tc.api).URL)}, tc.failOn...)
			want := output{Code: tc.want, Stdout: textOf(t, source, tc.api, defaults)}
			if diff := cmp.Diff(want, runOutput(args...)); diff != "" {
				t.Errorf("run (-want +got):\n%s", diff)
			}
		})
	}
}
