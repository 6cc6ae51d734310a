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

package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/workloadseparation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

func TestControlPlaneComponentLandsOnlyOnControlPlane(t *testing.T) {
	startSecondary(t,
		controlPlaneNode("cp-1", "zone-a", "host-1"),
		workerNode("worker-1", "zone-a", "host-2"),
		workerNode("worker-2", "zone-b", "host-3"))
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("kube-scheduler-%d", i)
		cluster.CreatePod(t, componentPod(name, map[string]string{"component": "kube-scheduler"}))
		if node := cluster.WaitScheduled(t, "kube-system", name); node != "cp-1" {
			t.Errorf("%s landed on %s, want cp-1", name, node)
		}
	}
}

func TestControlPlaneComponentWithOnlyWorkersStaysPending(t *testing.T) {
	startSecondary(t,
		workerNode("worker-1", "zone-a", "host-1"),
		workerNode("worker-2", "zone-b", "host-2"))
	cluster.CreatePod(t, componentPod("kube-scheduler-0", map[string]string{"component": "kube-scheduler"}))
	msg := cluster.WaitUnschedulable(t, "kube-system", "kube-scheduler-0")
	want := "kube-system/kube-scheduler must run on a control-plane node; there is none"
	if !strings.Contains(msg, want) {
		t.Errorf("condition message %q does not say %q", msg, want)
	}
}

func TestUserPodCannotTolerateItsWayOntoControlPlane(t *testing.T) {
	startSecondary(t,
		controlPlaneNode("cp-1", "zone-a", "host-1"),
		workerNode("worker-1", "zone-a", "host-2"))
	p := pod("default", "intruder", map[string]string{"app": "intruder"})
	p.Spec.Tolerations = tolerateAll
	p.Spec.NodeSelector = map[string]string{policy.LabelControlPlane: ""}
	cluster.CreatePod(t, p)
	msg := cluster.WaitUnschedulable(t, "default", "intruder")
	if !strings.Contains(msg, workloadseparation.ErrReasonControlPlaneReserved) {
		t.Errorf("condition message %q does not say %q", msg, workloadseparation.ErrReasonControlPlaneReserved)
	}
}

func TestSpoofedComponentLabelsDoNotMakeAComponent(t *testing.T) {
	startSecondary(t,
		controlPlaneNode("cp-1", "zone-a", "host-1"),
		infraNode("infra-1", "zone-a", "host-2"),
		workerNode("worker-1", "zone-b", "host-3"))
	for i := 0; i < 4; i++ {
		name := fmt.Sprintf("fake-apiserver-%d", i)
		p := pod("default", name, map[string]string{"component": "kube-apiserver", "tier": "control-plane"})
		p.Spec.Tolerations = tolerateAll
		cluster.CreatePod(t, p)
		if node := cluster.WaitScheduled(t, "default", name); node != "worker-1" {
			t.Errorf("%s (spoofing kube-apiserver labels) landed on %s, want worker-1", name, node)
		}
	}
}

func TestPendingComponentSchedulesWhenNodeBecomesControlPlane(t *testing.T) {
	startSecondary(t, workerNode("worker-1", "zone-a", "host-1"), workerNode("worker-2", "zone-b", "host-2"))
	cluster.CreatePod(t, componentPod("etcd-0", map[string]string{"component": "etcd"}))
	cluster.WaitUnschedulable(t, "kube-system", "etcd-0")

	patch := fmt.Sprintf(`{"metadata":{"labels":{%q:""}}}`, policy.LabelControlPlane)
	if _, err := cluster.Client.CoreV1().Nodes().Patch(context.Background(), "worker-2", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if node := cluster.WaitScheduled(t, "kube-system", "etcd-0"); node != "worker-2" {
		t.Fatalf("etcd-0 landed on %s, want worker-2 (the node just labelled control-plane)", node)
	}
	// Requeued by the node event, not by the 5-minute flush of unschedulable pods.
	t.Logf("scheduled %v after the label change", time.Since(start).Round(10*time.Millisecond))
}

func TestLegacyMasterLabelAndInfraNodes(t *testing.T) {
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{
		{Name: "master-1", Labels: map[string]string{policy.LabelMaster: "true"}},
		infraNode("infra-1", "zone-a", "host-2"),
		workerNode("worker-1", "zone-b", "host-3"),
	} {
		cluster.CreateNode(t, n)
	}
	// The shipped policy plus one infra component, as an operator adds it.
	custom := cluster.SchedulerConfig(t, "secondary/config.yaml", harness.SetPolicyArg("components", []any{
		map[string]any{"name": "ingress", "nodeRole": "Infra",
			"selectors": []any{map[string]any{"matchLabels": map[string]any{"app": "ingress"}}}},
		map[string]any{"name": "etcd", "nodeRole": "ControlPlane", "spread": "Required", "disruption": map[string]any{"quorum": true},
			"selectors": []any{map[string]any{"matchLabels": map[string]any{"component": "etcd"}}}},
	}))
	cluster.StartScheduler(t, custom, "--leader-elect=false")

	cluster.CreatePod(t, componentPod("etcd-0", map[string]string{"component": "etcd"}))
	if node := cluster.WaitScheduled(t, "kube-system", "etcd-0"); node != "master-1" {
		t.Errorf("etcd-0 landed on %s, want master-1 (legacy master label)", node)
	}
	for i := 0; i < 3; i++ {
		name := fmt.Sprintf("ingress-%d", i)
		cluster.CreatePod(t, pod("kube-system", name, map[string]string{"app": "ingress"}))
		if node := cluster.WaitScheduled(t, "kube-system", name); node != "infra-1" {
			t.Errorf("%s landed on %s, want infra-1", name, node)
		}
	}
	user := pod("default", "user-on-infra", nil)
	user.Spec.NodeSelector = map[string]string{policy.LabelInfra: ""}
	cluster.CreatePod(t, user)
	if msg := cluster.WaitUnschedulable(t, "default", "user-on-infra"); !strings.Contains(msg, workloadseparation.ErrReasonInfraReserved) {
		t.Errorf("condition message %q does not say %q", msg, workloadseparation.ErrReasonInfraReserved)
	}
}

func TestPodsOfOtherSchedulersAreLeftAlone(t *testing.T) {
	startSecondary(t, workerNode("worker-1", "zone-a", "host-1"))
	other := pod("default", "for-someone-else", nil)
	other.Spec.SchedulerName = "some-other-scheduler"
	cluster.CreatePod(t, other)
	cluster.CreatePod(t, pod("default", "ours", nil))
	cluster.WaitScheduled(t, "default", "ours")
	cluster.ExpectNotBound(t, "default", "for-someone-else", 3*time.Second)
}

func TestInvalidConfigExitsBeforeContactingTheAPIServer(t *testing.T) {
	bin, err := harness.SchedulerBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A kubeconfig whose server nobody listens on: reaching it would fail
	// with a connection error, not with ours.
	kubeconfig := filepath.Join(dir, "unreachable.kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		extra string
		want  []string
	}{
		{
			name:  "unknown field",
			extra: "noSuchField: 1",
			want:  []string{`profiles[0].pluginConfig[0].args`, `unknown field "noSuchField"`},
		},
		{
			name:  "unknown nodeRole",
			extra: "userWorkloads: {nodeRole: Masters}",
			want:  []string{`profiles[0].pluginConfig[0].args.userWorkloads.nodeRole: Unsupported value: "Masters"`},
		},
		{
			name:  "bad selector",
			extra: "components: [{name: x, nodeRole: Any, selectors: [{matchExpressions: [{key: app, operator: Around}]}]}]",
			want:  []string{`profiles[0].pluginConfig[0].args.components[0].selectors[0].matchExpressions[0].operator`},
		},
		{
			name:  "empty namespace",
			extra: `trustedNamespaces: [""]`,
			want:  []string{`profiles[0].pluginConfig[0].args.trustedNamespaces[0]: Required value`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".yaml")
			content := fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection: {kubeconfig: %s}
leaderElection: {leaderElect: false}
profiles:
- schedulerName: ha-scheduler
  plugins: {multiPoint: {enabled: [{name: WorkloadSeparation}]}}
  pluginConfig:
  - name: HAPolicy
    args: {%s}
`, kubeconfig, tt.extra)
			if err := os.WriteFile(cfg, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, "--config", cfg, "--secure-port", "0").CombinedOutput()
			if err == nil {
				t.Fatalf("ha-scheduler accepted the config:\n%s", out)
			}
			// klog quotes the error: unescape its quotes before matching.
			plain := strings.ReplaceAll(string(out), `\"`, `"`)
			for _, w := range tt.want {
				if !strings.Contains(plain, w) {
					t.Errorf("output does not name %q:\n%s", w, out)
				}
			}
			if strings.Contains(string(out), "127.0.0.1:1") {
				t.Errorf("ha-scheduler contacted the API server before rejecting the config:\n%s", out)
			}
		})
	}
}
