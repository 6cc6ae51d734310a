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

package audit

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The containers of the two schedulers as they run in kubeadm's static pod
// (kubeadm v1.37.2's command) and in manifests/replacement/kube-scheduler.yaml.
var (
	stockContainer = v1.Container{Name: "kube-scheduler", Image: "registry.k8s.io/kube-scheduler:v1.37.2", Command: []string{
		"kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf", "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true",
	}}
	haContainer = v1.Container{Name: "kube-scheduler", Image: "ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0", Command: []string{
		"/usr/local/bin/ha-scheduler", "--config=/etc/kubernetes/ha-scheduler/config.yaml",
		"--authentication-kubeconfig=/etc/kubernetes/scheduler.conf", "--authorization-kubeconfig=/etc/kubernetes/scheduler.conf",
		"--bind-address=127.0.0.1",
	}}
)

// schedulerMirror is the mirror pod the kubelet creates for the
// kube-scheduler static pod of node, running ctr.
func schedulerMirror(node string, ctr v1.Container) *st.PodWrapper {
	w := st.MakePod().Namespace("kube-system").Name("kube-scheduler-"+node).Node(node).
		Label("component", "kube-scheduler").Label("tier", "control-plane").
		Annotation(policy.MirrorPodAnnotation, "0123456789abcdef").
		OwnerReference(node, v1.SchemeGroupVersion.WithKind("Node")).
		Containers([]v1.Container{ctr}).Phase(v1.PodRunning)
	w.OwnerReferences[0].UID = types.UID("u-" + node) // the UID fixture nodes get
	return w
}

// schedulerRow is the report's row of schedulerMirror(node, ctr).
func schedulerRow(node, role string, kind v1alpha1.SchedulerKind, ctr v1.Container) v1alpha1.SchedulerPod {
	return v1alpha1.SchedulerPod{Node: node, Role: role, Pod: "kube-system/kube-scheduler-" + node, Mirror: true,
		Scheduler: kind, Image: ctr.Image, Command: ctr.Command}
}

func threeMasters() []*v1.Node {
	return []*v1.Node{
		fixture.Node("cp-a", fixture.CP, "r", "a", "h1"), fixture.Node("cp-b", fixture.CP, "r", "b", "h2"), fixture.Node("cp-c", fixture.CP, "r", "c", "h3"),
		fixture.Node("w-1", fixture.Worker, "r", "a", "h4"),
	}
}

func TestControlPlaneScheduler(t *testing.T) {
	const policyReason = "the policy's profile is default-scheduler"
	stockBack := func(node string) v1alpha1.Finding {
		return v1alpha1.Finding{
			ID: v1alpha1.IDUnexpectedControlPlaneScheduler, Severity: v1alpha1.SeverityWarn,
			Message: "kube-system/kube-scheduler-" + node + " on control-plane node " + node +
				" runs the stock kube-scheduler (image registry.k8s.io/kube-scheduler:v1.37.2, command kube-scheduler), but ha-scheduler should replace it (" + policyReason +
				"): a kubeadm upgrade, init or join without ha-scheduler's patch writes it back, and while it holds the lease kube-system/kube-scheduler pods are scheduled without the policy; put the replacement back on the node and give kubeadm the patch (docs/install.md, \"Replacement mode: upgrades\")",
			Subjects: []string{"kube-system/kube-scheduler-" + node, node},
		}
	}
	mixed := []*v1.Pod{
		schedulerMirror("cp-a", haContainer).Obj(),
		schedulerMirror("cp-b", stockContainer).Obj(),
		schedulerMirror("cp-c", haContainer).Obj(),
	}
	custom := v1.Container{Name: "kube-scheduler", Image: "registry.example.com/platform/my-scheduler:1", Command: []string{"/bin/my-scheduler"}}
	tests := []struct {
		name     string
		pods     []*v1.Pod
		nodes    []*v1.Node
		opts     Options
		want     v1alpha1.ControlPlaneScheduler
		findings []v1alpha1.Finding
	}{
		{
			name: "kubeadm's stock scheduler, nothing expected",
			pods: []*v1.Pod{
				schedulerMirror("cp-c", stockContainer).Obj(),
				schedulerMirror("cp-a", stockContainer).Obj(),
				schedulerMirror("cp-b", stockContainer).Obj(),
			},
			want: v1alpha1.ControlPlaneScheduler{Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerStock, stockContainer),
				schedulerRow("cp-b", "control-plane", v1alpha1.SchedulerStock, stockContainer),
				schedulerRow("cp-c", "control-plane", v1alpha1.SchedulerStock, stockContainer),
			}},
		},
		{
			name: "replacement everywhere: auto expects what runs",
			pods: []*v1.Pod{
				schedulerMirror("cp-a", haContainer).Obj(),
				schedulerMirror("cp-b", haContainer).Obj(),
				schedulerMirror("cp-c", haContainer).Obj(),
			},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "ha-scheduler runs on cp-a, cp-b, cp-c", Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerHA, haContainer),
				schedulerRow("cp-b", "control-plane", v1alpha1.SchedulerHA, haContainer),
				schedulerRow("cp-c", "control-plane", v1alpha1.SchedulerHA, haContainer),
			}},
		},
		{
			name: "an upgrade put the stock scheduler back on one master: auto warns",
			pods: mixed,
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "ha-scheduler runs on cp-a, cp-c", Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerHA, haContainer),
				schedulerRow("cp-b", "control-plane", v1alpha1.SchedulerStock, stockContainer),
				schedulerRow("cp-c", "control-plane", v1alpha1.SchedulerHA, haContainer),
			}},
			findings: []v1alpha1.Finding{func() v1alpha1.Finding {
				f := stockBack("cp-b")
				f.Message = strings.Replace(f.Message, policyReason, "ha-scheduler runs on cp-a, cp-c", 1)
				return f
			}()},
		},
		{
			name: "the same, expectation off",
			pods: mixed,
			opts: Options{ControlPlaneScheduler: ExpectAny},
			want: v1alpha1.ControlPlaneScheduler{Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerHA, haContainer),
				schedulerRow("cp-b", "control-plane", v1alpha1.SchedulerStock, stockContainer),
				schedulerRow("cp-c", "control-plane", v1alpha1.SchedulerHA, haContainer),
			}},
		},
		{
			name: "every master upgraded without the patch, replacement expected: a warning per master",
			pods: []*v1.Pod{
				schedulerMirror("cp-a", stockContainer).Obj(),
				schedulerMirror("cp-b", stockContainer).Obj(),
			},
			opts: Options{ControlPlaneScheduler: ExpectHA, ControlPlaneSchedulerReason: policyReason},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: policyReason, Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerStock, stockContainer),
				schedulerRow("cp-b", "control-plane", v1alpha1.SchedulerStock, stockContainer),
			}},
			findings: []v1alpha1.Finding{stockBack("cp-a"), stockBack("cp-b")},
		},
		{
			name: "stock expected, ha-scheduler found",
			pods: []*v1.Pod{schedulerMirror("cp-a", haContainer).Obj(), schedulerMirror("cp-b", stockContainer).Obj()},
			opts: Options{ControlPlaneScheduler: ExpectStock},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerStock, Reason: "expected", Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerHA, haContainer),
				schedulerRow("cp-b", "control-plane", v1alpha1.SchedulerStock, stockContainer),
			}},
			findings: []v1alpha1.Finding{{
				ID: v1alpha1.IDUnexpectedControlPlaneScheduler, Severity: v1alpha1.SeverityWarn,
				Message:  "kube-system/kube-scheduler-cp-a on control-plane node cp-a runs ha-scheduler (image ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0, command /usr/local/bin/ha-scheduler), but the stock kube-scheduler is expected (expected)",
				Subjects: []string{"kube-system/kube-scheduler-cp-a", "cp-a"},
			}},
		},
		{
			name: "a scheduler of neither kind where ha-scheduler is expected",
			pods: []*v1.Pod{schedulerMirror("cp-a", custom).Obj()},
			opts: Options{ControlPlaneScheduler: ExpectHA, ControlPlaneSchedulerReason: "--expect-control-plane-scheduler=ha-scheduler"},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "--expect-control-plane-scheduler=ha-scheduler", Pods: []v1alpha1.SchedulerPod{
				schedulerRow("cp-a", "control-plane", v1alpha1.SchedulerUnknown, custom),
			}},
			findings: []v1alpha1.Finding{{
				ID: v1alpha1.IDUnexpectedControlPlaneScheduler, Severity: v1alpha1.SeverityWarn,
				Message:  "kube-system/kube-scheduler-cp-a on control-plane node cp-a runs neither ha-scheduler nor the stock kube-scheduler (image registry.example.com/platform/my-scheduler:1, command /bin/my-scheduler), but ha-scheduler should replace it (--expect-control-plane-scheduler=ha-scheduler)",
				Subjects: []string{"kube-system/kube-scheduler-cp-a", "cp-a"},
			}},
		},
		{
			name: "no kube-scheduler pod (a managed control plane), ha-scheduler expected",
			opts: Options{ControlPlaneScheduler: ExpectHA, ControlPlaneSchedulerReason: policyReason},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: policyReason, Pods: []v1alpha1.SchedulerPod{}},
			findings: []v1alpha1.Finding{{
				ID: v1alpha1.IDUnexpectedControlPlaneScheduler, Severity: v1alpha1.SeverityWarn,
				Message: "no kube-scheduler pod found (namespace kube-system, label component=kube-scheduler), but ha-scheduler should run the control plane (" + policyReason +
					"): its scheduler is not visible (a managed control plane?) or not running",
			}},
		},
		{
			name: "no kube-scheduler pod, stock expected: nothing to say",
			opts: Options{ControlPlaneScheduler: ExpectStock},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerStock, Reason: "expected", Pods: []v1alpha1.SchedulerPod{}},
		},
		{
			name: "only kube-system's running kube-scheduler pods on a node count",
			pods: []*v1.Pod{
				// The secondary scheduler's pods: component=ha-scheduler.
				st.MakePod().Namespace("kube-system").Name("ha-scheduler-0").Node("w-1").Label("component", "ha-scheduler").
					Containers([]v1.Container{{Name: "ha-scheduler", Image: "ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0"}}).Obj(),
				// A user's pod with the label, outside kube-system.
				st.MakePod().Namespace("team-a").Name("kube-scheduler-cp-a").Node("w-1").Label("component", "kube-scheduler").
					Containers([]v1.Container{stockContainer}).Obj(),
				schedulerMirror("cp-b", stockContainer).Terminating().Obj(),
				schedulerMirror("cp-c", stockContainer).Phase(v1.PodFailed).Obj(),
				// Not a mirror pod, on a node that is gone.
				st.MakePod().Namespace("kube-system").Name("kube-scheduler-0").Node("gone").Label("component", "kube-scheduler").
					Containers([]v1.Container{haContainer}).Obj(),
				// Not bound.
				st.MakePod().Namespace("kube-system").Name("kube-scheduler-1").Label("component", "kube-scheduler").
					Containers([]v1.Container{stockContainer}).Obj(),
			},
			opts: Options{ControlPlaneScheduler: ExpectHA, ControlPlaneSchedulerReason: policyReason},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: policyReason, Pods: []v1alpha1.SchedulerPod{{
				Node: "gone", Pod: "kube-system/kube-scheduler-0", Scheduler: v1alpha1.SchedulerHA, Image: haContainer.Image, Command: haContainer.Command,
			}}},
		},
		{
			name: "the scheduler container among others; image in another registry, by digest",
			pods: []*v1.Pod{schedulerMirror("cp-a", v1.Container{}).Containers([]v1.Container{
				{Name: "sidecar", Image: "registry.k8s.io/kube-scheduler:v1.37.2"},
				{Name: "kube-scheduler", Image: "registry.example.com:5000/platform/ha-scheduler@sha256:0123"},
			}).Obj()},
			nodes: []*v1.Node{fixture.Node("cp-a", fixture.Master, "r", "a", "h1")},
			want: v1alpha1.ControlPlaneScheduler{Expected: v1alpha1.SchedulerHA, Reason: "ha-scheduler runs on cp-a", Pods: []v1alpha1.SchedulerPod{{
				Node: "cp-a", Role: "control-plane", Pod: "kube-system/kube-scheduler-cp-a", Mirror: true, Scheduler: v1alpha1.SchedulerHA,
				Image: "registry.example.com:5000/platform/ha-scheduler@sha256:0123",
			}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nodes := tc.nodes
			if nodes == nil {
				nodes = threeMasters()
			}
			r := analyze(nil, fixture.Cluster{Nodes: nodes, Pods: tc.pods}, tc.opts)
			if diff := cmp.Diff(tc.want, r.ControlPlaneScheduler); diff != "" {
				t.Errorf("ControlPlaneScheduler (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.findings, findingsOf(r, v1alpha1.IDUnexpectedControlPlaneScheduler)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// Which scheduler a container runs, by its image and command.
func TestSchedulerOf(t *testing.T) {
	tests := []struct {
		image   string
		command []string
		want    v1alpha1.SchedulerKind
	}{
		{image: "registry.k8s.io/kube-scheduler:v1.37.2", command: []string{"kube-scheduler", "--leader-elect=true"}, want: v1alpha1.SchedulerStock},
		{image: "k8s.gcr.io/kube-scheduler:v1.20.0", want: v1alpha1.SchedulerStock},
		{image: "localhost:5000/kube-scheduler", command: []string{"/usr/local/bin/kube-scheduler"}, want: v1alpha1.SchedulerStock},
		{image: "ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0", command: []string{"/usr/local/bin/ha-scheduler"}, want: v1alpha1.SchedulerHA},
		// The Deployment's way: the image's entrypoint, no command.
		{image: "ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0", want: v1alpha1.SchedulerHA},
		{image: "registry.example.com/mirror/any-name:1", command: []string{"ha-scheduler"}, want: v1alpha1.SchedulerHA},
		// A half-patched manifest: one's image, the other's binary.
		{image: "ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0", command: []string{"kube-scheduler"}, want: v1alpha1.SchedulerUnknown},
		{image: "registry.k8s.io/kube-scheduler:v1.37.2", command: []string{"/usr/local/bin/ha-scheduler"}, want: v1alpha1.SchedulerUnknown},
		{image: "registry.k8s.io/hyperkube:v1.17.0", command: []string{"/hyperkube", "kube-scheduler"}, want: v1alpha1.SchedulerUnknown},
		{want: v1alpha1.SchedulerUnknown},
	}
	for _, tc := range tests {
		if got := schedulerOf(tc.image, tc.command); got != tc.want {
			t.Errorf("schedulerOf(%q, %q) = %q, want %q", tc.image, tc.command, got, tc.want)
		}
	}
}

func TestParseSchedulerExpectation(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "", want: "auto"},
		{in: "auto", want: "auto"},
		{in: "ha-scheduler", want: "ha-scheduler"},
		{in: "stock", want: "stock"},
		{in: "any", want: "any"},
		{in: "kube-scheduler", err: `unknown scheduler "kube-scheduler": valid values are auto, ha-scheduler, stock, any`},
	}
	for _, tc := range tests {
		got, err := ParseSchedulerExpectation(tc.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if diff := cmp.Diff([2]string{tc.want, tc.err}, [2]string{string(got), gotErr}); diff != "" {
			t.Errorf("ParseSchedulerExpectation(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

// The text report's section: what is expected and why, a row per pod.
func TestControlPlaneSchedulerText(t *testing.T) {
	section := func(r *v1alpha1.Report) string {
		s := text(t, r)
		i := strings.Index(s, "\nControl-plane scheduler")
		if i < 0 {
			t.Fatalf("no control-plane scheduler section in:\n%s", s)
		}
		s = s[i+1:]
		return s[:strings.Index(s, "\n\n")+1]
	}
	mixed := fixture.Cluster{Nodes: threeMasters(), Pods: []*v1.Pod{
		schedulerMirror("cp-a", haContainer).Obj(),
		schedulerMirror("cp-b", stockContainer).Obj(),
	}}
	want := `Control-plane scheduler (expected: ha-scheduler; ha-scheduler runs on cp-a):
  NODE  ROLE           SCHEDULER     IMAGE                                               COMMAND
  cp-a  control-plane  ha-scheduler  ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0  /usr/local/bin/ha-scheduler
  cp-b  control-plane  stock         registry.k8s.io/kube-scheduler:v1.37.2              kube-scheduler
`
	if diff := cmp.Diff(want, section(analyze(nil, mixed, Options{}))); diff != "" {
		t.Errorf("mixed (-want +got):\n%s", diff)
	}
	want = `Control-plane scheduler:
  (no kube-scheduler pod found in kube-system)
`
	if diff := cmp.Diff(want, section(analyze(nil, fixture.Cluster{Nodes: threeMasters()}, Options{}))); diff != "" {
		t.Errorf("none (-want +got):\n%s", diff)
	}
}
