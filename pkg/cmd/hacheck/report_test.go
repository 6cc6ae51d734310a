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
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
)

// -o json and -o yaml print the report as a versioned object: read back,
// it is the report of the cluster, whole, with its apiVersion, kind and
// policy source; jsonpath and go-template read the same object.
func TestOutputVersionedReport(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")}
	etcd := []v1.Pod{etcdMember("etcd-0", "cp-a"), etcdMember("etcd-1", "cp-b"), etcdMember("etcd-2", "cp-c")}
	api := fakeAPI{nodes: nodes, pods: etcd, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)}}
	kubeconfig := kubeconfigFor(t, apiServer(t, api).URL)
	const source = "default policy (no ha-scheduler configuration found in namespace kube-system)"
	want := analyze(api, defaultPolicy(t, nil))
	want.APIVersion, want.Kind, want.PolicySource = "ha-check.ha-scheduler.io/v1alpha1", "Report", source
	require.Equal(t, "FAIL", string(want.Verdict), "the fixture fails")

	for _, format := range []string{"json", "yaml"} {
		t.Run(format, func(t *testing.T) {
			got := runOutput("--kubeconfig", kubeconfig, "-o", format)
			require.Equal(t, exitFail, got.Code, "stderr:\n%s", got.Stderr)
			require.Empty(t, got.Stderr)
			report := &v1alpha1.Report{}
			if format == "json" {
				require.NoError(t, json.Unmarshal([]byte(got.Stdout), report), "stdout:\n%s", got.Stdout)
			} else {
				require.NoError(t, yaml.UnmarshalStrict([]byte(got.Stdout), report), "stdout:\n%s", got.Stdout)
			}
			if diff := cmp.Diff(want, report); diff != "" {
				t.Errorf("report read back (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("json begins with apiVersion and kind", func(t *testing.T) {
		got := runOutput("--kubeconfig", kubeconfig, "-o", "json")
		require.True(t, strings.HasPrefix(got.Stdout, "{\n    \"apiVersion\": \"ha-check.ha-scheduler.io/v1alpha1\",\n    \"kind\": \"Report\",\n    \"policySource\": "), "stdout:\n%s", got.Stdout)
	})
	t.Run("jsonpath", func(t *testing.T) {
		got := runOutput("--kubeconfig", kubeconfig, "-o", "jsonpath={.kind} {.verdict} {.fails} {.findings[0].id}")
		if diff := cmp.Diff(output{Code: exitFail, Stdout: "Report FAIL " + itoa(want.Fails) + " " + want.Findings[0].ID}, got); diff != "" {
			t.Errorf("run (-want +got):\n%s", diff)
		}
	})
	t.Run("--template: go-template", func(t *testing.T) {
		got := runOutput("--kubeconfig", kubeconfig, "--template", "{{.apiVersion}} {{.verdict}}")
		if diff := cmp.Diff(output{Code: exitFail, Stdout: "ha-check.ha-scheduler.io/v1alpha1 FAIL"}, got); diff != "" {
			t.Errorf("run (-want +got):\n%s", diff)
		}
	})
	t.Run("-o name is refused", func(t *testing.T) {
		got := runOutput("--kubeconfig", kubeconfig, "-o", "name")
		require.Equal(t, exitError, got.Code)
		require.Empty(t, got.Stdout)
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// -o wide is the text report with, before its verdict, the counts the text
// leaves out, each finding's subjects and where each pod runs.
func TestOutputWide(t *testing.T) {
	nodes := []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3")}
	yes := true
	proxy := v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "kube-proxy-a", Labels: map[string]string{"k8s-app": "kube-proxy"},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "kube-proxy", UID: "u-proxy", Controller: &yes}}},
		Spec:   v1.PodSpec{NodeName: "cp-a"},
		Status: v1.PodStatus{Phase: v1.PodRunning},
	}
	pending := v1.Pod{
		// In namespace apps, its group comes first: the rows below it line up.
		ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "sneaky", Labels: map[string]string{"app": "sneaky"}},
		Status:     v1.PodStatus{Phase: v1.PodPending},
	}
	pods := []v1.Pod{etcdMember("etcd-0", "cp-a"), etcdMember("etcd-1", "cp-b"), etcdMember("etcd-2", "cp-c"), proxy, pending}
	api := fakeAPI{nodes: nodes, pods: pods, statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)}}
	kubeconfig := kubeconfigFor(t, apiServer(t, api).URL)

	text := runOutput("--kubeconfig", kubeconfig)
	wide := runOutput("--kubeconfig", kubeconfig, "-o", "wide")
	require.Equal(t, exitFail, text.Code)
	i := strings.LastIndex(text.Stdout, "\nVerdict: ")
	require.Positive(t, i, "text output without a verdict:\n%s", text.Stdout)
	body, verdict := text.Stdout[:i+1], text.Stdout[i:]

	// The findings are pkg/checker's (tested there); here, their subjects.
	var subjects strings.Builder
	tw := tabwriter.NewWriter(&subjects, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SEVERITY\tID\tSUBJECTS")
	for _, f := range analyze(api, defaultPolicy(t, nil)).Findings {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", strings.ToUpper(string(f.Severity)), f.ID, strings.Join(f.Subjects, ", "))
	}
	require.NoError(t, tw.Flush())
	want := output{Code: exitFail, Stdout: body + `
Component replicas, every count:
  GROUP                                COMPONENT  OWNER             DESIRED  REPLICAS  PLACED  AVAILABLE  MIN-AVAILABLE
  kube-system/etcd (StatefulSet etcd)  etcd       StatefulSet etcd  5        3         3       3          3

Finding subjects:
` + subjects.String() + `
Placement (pods by group; DaemonSets by node role):
  GROUP                                REPLICAS  NODE       ROLE           ZONE  HOST
  apps/app=sneaky                      1         (pending)  -              -     -
  kube-system/etcd (StatefulSet etcd)  3         cp-a       control-plane  a     h1
                                                 cp-b       control-plane  b     h2
                                                 cp-c       control-plane  c     h3
  DaemonSet kube-system/kube-proxy: 1 pods (1 control-plane, 0 infra, 0 worker)
` + verdict}
	if diff := cmp.Diff(want, wide); diff != "" {
		t.Errorf("wide (-want +got):\n%s", diff)
	}
}
