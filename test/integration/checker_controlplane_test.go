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
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeadmapi "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm"
	"k8s.io/kubernetes/cmd/kubeadm/app/phases/controlplane"
	configutil "k8s.io/kubernetes/cmd/kubeadm/app/util/config"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The static pods a kubeadm control plane shows through its mirror pods:
// the stock kube-scheduler as kubeadm v1.37.2's own code generates it, and
// ha-scheduler as manifests/replacement/kube-scheduler.yaml runs it.
func kubeadmSchedulerPods(t *testing.T) (stock, replacement v1.Pod) {
	t.Helper()
	cfg, err := configutil.DefaultedStaticInitConfiguration()
	require.NoError(t, err)
	stock = controlplane.GetStaticPodSpecs(&cfg.ClusterConfiguration, &cfg.LocalAPIEndpoint, []kubeadmapi.EnvVar{})["kube-scheduler"]
	raw, err := os.ReadFile(harness.ManifestPath("replacement/kube-scheduler.yaml"))
	require.NoError(t, err)
	require.NoError(t, yaml.UnmarshalStrict(raw, &replacement))
	return stock, replacement
}

// createMirrorPod creates what the kubelet of node creates for the static
// pod: named <pod>-<node>, bound to the node, the mirror annotation, the
// Node as controller owner; Running and Ready, as the kubelet reports it.
func createMirrorPod(t *testing.T, static v1.Pod, node *v1.Node) {
	t.Helper()
	p := static.DeepCopy()
	p.Name = static.Name + "-" + node.Name
	p.Spec.NodeName = node.Name
	p.Annotations = map[string]string{v1.MirrorPodAnnotationKey: "0123456789abcdef"}
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID, Controller: ptr.To(true)}}
	cluster.CreatePod(t, p)
	cluster.SetReady(t, p.Namespace, p.Name, true)
}

// TestCheckerControlPlaneScheduler runs the real ha-check against mirror
// pods of kube-scheduler on three control-plane nodes: ha-scheduler on two,
// the stock kube-scheduler on the third (a `kubeadm upgrade` without the
// patch), then on all three. The report names the scheduler of each node;
// where the replacement is expected (the flag, the replacement
// configuration as the policy, or ha-scheduler running on some node) each
// stock one is a warning, which fails the exit code with --fail-on=warn
// only.
func TestCheckerControlPlaneScheduler(t *testing.T) {
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	stock, replacement := kubeadmSchedulerPods(t)
	nodes := map[string]*v1.Node{}
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
	} {
		nodes[n.Name] = cluster.CreateNode(t, n)
	}
	createMirrorPod(t, replacement, nodes["cp-a"])
	createMirrorPod(t, stock, nodes["cp-b"])
	createMirrorPod(t, replacement, nodes["cp-c"])

	haCtr, stockCtr := replacement.Spec.Containers[0], stock.Spec.Containers[0]
	row := func(node string, kind v1alpha1.SchedulerKind, ctr v1.Container) v1alpha1.SchedulerPod {
		return v1alpha1.SchedulerPod{Node: node, Role: "control-plane", Pod: "kube-system/kube-scheduler-" + node, Mirror: true,
			Scheduler: kind, Image: ctr.Image, Command: ctr.Command}
	}
	warn := func(node string) string {
		return "warn " + v1alpha1.IDUnexpectedControlPlaneScheduler + " kube-system/kube-scheduler-" + node + "," + node
	}
	replacementConfig := harness.ManifestPath("replacement/config.yaml")
	mixed := []v1alpha1.SchedulerPod{
		row("cp-a", v1alpha1.SchedulerHA, haCtr), row("cp-b", v1alpha1.SchedulerStock, stockCtr), row("cp-c", v1alpha1.SchedulerHA, haCtr),
	}
	allStock := []v1alpha1.SchedulerPod{
		row("cp-a", v1alpha1.SchedulerStock, stockCtr), row("cp-b", v1alpha1.SchedulerStock, stockCtr), row("cp-c", v1alpha1.SchedulerStock, stockCtr),
	}

	// What one run of ha-check says about the control plane's scheduler.
	type result struct {
		Code      int
		Verdict   v1alpha1.Verdict
		Scheduler v1alpha1.ControlPlaneScheduler
		Findings  []string // "severity id subjects", every finding of the report
	}
	type run struct {
		name string
		args []string
		want result
	}
	check := func(t *testing.T, runs []run) {
		t.Helper()
		for _, r := range runs {
			t.Run(r.name, func(t *testing.T) {
				code, report := runCheckerArgs(t, r.args...)
				got := result{Code: code, Verdict: report.Verdict, Scheduler: report.ControlPlaneScheduler}
				for _, f := range report.Findings {
					got.Findings = append(got.Findings, string(f.Severity)+" "+f.ID+" "+strings.Join(f.Subjects, ","))
				}
				if diff := cmp.Diff(r.want, got); diff != "" {
					t.Errorf("ha-check %s (-want +got):\n%s", strings.Join(r.args, " "), diff)
				}
			})
		}
	}

	t.Run("one master upgraded without the patch", func(t *testing.T) {
		check(t, []run{
			{
				name: "auto: ha-scheduler runs on two masters",
				want: result{Verdict: v1alpha1.VerdictPass, Findings: []string{warn("cp-b")},
					Scheduler: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "ha-scheduler runs on cp-a, cp-c", Pods: mixed}},
			},
			{
				name: "auto, --fail-on=warn",
				args: []string{"--fail-on=warn"},
				want: result{Code: 2, Verdict: v1alpha1.VerdictPass, Findings: []string{warn("cp-b")},
					Scheduler: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "ha-scheduler runs on cp-a, cp-c", Pods: mixed}},
			},
			{
				name: "any: only reported",
				args: []string{"--expect-control-plane-scheduler=any", "--fail-on=warn"},
				want: result{Verdict: v1alpha1.VerdictPass, Scheduler: v1alpha1.ControlPlaneScheduler{Pods: mixed}},
			},
			{
				name: "stock expected",
				args: []string{"--expect-control-plane-scheduler=stock"},
				want: result{Verdict: v1alpha1.VerdictPass, Findings: []string{warn("cp-a"), warn("cp-c")},
					Scheduler: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerStock, Reason: "--expect-control-plane-scheduler=stock", Pods: mixed}},
			},
		})
	})

	// The two others upgraded the same way: nothing runs ha-scheduler any
	// more, so only the expectation can tell.
	for _, n := range []string{"cp-a", "cp-c"} {
		require.NoError(t, cluster.Client.CoreV1().Pods("kube-system").Delete(context.Background(), "kube-scheduler-"+n,
			metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)}))
		createMirrorPod(t, stock, nodes[n])
	}
	t.Run("every master upgraded without the patch", func(t *testing.T) {
		check(t, []run{
			{
				name: "auto, default policy: nothing expected",
				args: []string{"--fail-on=warn"},
				want: result{Verdict: v1alpha1.VerdictPass, Scheduler: v1alpha1.ControlPlaneScheduler{Pods: allStock}},
			},
			{
				name: "auto, the replacement configuration as the policy",
				args: []string{"--config", replacementConfig, "--fail-on=warn"},
				want: result{Code: 2, Verdict: v1alpha1.VerdictPass, Findings: []string{warn("cp-a"), warn("cp-b"), warn("cp-c")},
					Scheduler: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA,
						Reason: "replacement mode: the policy is file " + replacementConfig + ", profile default-scheduler", Pods: allStock}},
			},
			{
				name: "ha-scheduler expected",
				args: []string{"--expect-control-plane-scheduler=ha-scheduler"},
				want: result{Verdict: v1alpha1.VerdictPass, Findings: []string{warn("cp-a"), warn("cp-b"), warn("cp-c")},
					Scheduler: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "--expect-control-plane-scheduler=ha-scheduler", Pods: allStock}},
			},
		})
	})
}
