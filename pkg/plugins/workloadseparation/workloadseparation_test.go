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

package workloadseparation

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var (
	controlPlane = st.MakeNode().Name("cp-1").Label(policy.LabelControlPlane, "").Obj()
	legacyMaster = st.MakeNode().Name("master-1").Label(policy.LabelMaster, "true").Obj()
	infra        = st.MakeNode().Name("infra-1").Label(policy.LabelInfra, "").Obj()
	worker       = st.MakeNode().Name("worker-1").Label("node-role.kubernetes.io/node", "").Obj()
	daemonSetGVK = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}
)

func tolerateEverything(p *st.PodWrapper) *st.PodWrapper {
	return p.Tolerations([]v1.Toleration{{Operator: v1.TolerationOpExists}})
}

func rawArgs(t *testing.T, args any) runtime.Object {
	t.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	return &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON}
}

func newPlugin(t *testing.T, args runtime.Object) *WorkloadSeparation {
	t.Helper()
	_, ctx := ktesting.NewTestContext(t)
	pl, err := New(ctx, args, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return pl.(*WorkloadSeparation)
}

// run runs PreFilter then Filter on one node, as the framework would, and
// returns the status the node gets.
func run(t *testing.T, pl *WorkloadSeparation, pod *v1.Pod, node *v1.Node, all ...*v1.Node) *fwk.Status {
	t.Helper()
	ctx := context.Background()
	state := framework.NewCycleState()
	var infos []fwk.NodeInfo
	for _, n := range append(all, node) {
		ni := framework.NewNodeInfo()
		ni.SetNode(n)
		infos = append(infos, ni)
	}
	res, st := pl.PreFilter(ctx, state, pod, infos)
	if st.IsSkip() {
		return nil
	}
	if !st.IsSuccess() {
		return st
	}
	if !res.AllNodes() && !res.NodeNames.Has(node.Name) {
		return fwk.NewStatus(fwk.UnschedulableAndUnresolvable, "excluded by PreFilterResult")
	}
	return pl.Filter(ctx, state, pod, infos[len(infos)-1])
}

func TestFilter(t *testing.T) {
	tests := []struct {
		name       string
		args       runtime.Object
		pod        *v1.Pod
		node       *v1.Node
		wantCode   fwk.Code
		wantReason string
	}{
		{
			name:     "control-plane component on control-plane node",
			pod:      st.MakePod().Namespace("kube-system").Name("sched").Label("component", "kube-scheduler").Obj(),
			node:     controlPlane,
			wantCode: fwk.Success,
		},
		{
			name:     "legacy master label counts as control-plane",
			pod:      st.MakePod().Namespace("kube-system").Name("sched").Label("component", "kube-scheduler").Obj(),
			node:     legacyMaster,
			wantCode: fwk.Success,
		},
		{
			name:       "control-plane component on worker",
			pod:        st.MakePod().Namespace("kube-system").Name("sched").Label("component", "kube-scheduler").Obj(),
			node:       worker,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: "excluded by PreFilterResult",
		},
		{
			name:       "user pod tolerating everything on control-plane",
			pod:        tolerateEverything(st.MakePod().Namespace("default").Name("web")).NodeSelector(map[string]string{policy.LabelControlPlane: ""}).Obj(),
			node:       controlPlane,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: ErrReasonControlPlaneReserved,
		},
		{
			name:       "user pod spoofing kube-apiserver labels on control-plane",
			pod:        tolerateEverything(st.MakePod().Namespace("default").Name("evil").Label("component", "kube-apiserver")).Obj(),
			node:       controlPlane,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: ErrReasonControlPlaneReserved,
		},
		{
			name:       "user pod on infra",
			pod:        st.MakePod().Namespace("default").Name("web").Obj(),
			node:       infra,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: ErrReasonInfraReserved,
		},
		{
			name:     "user pod on worker",
			pod:      st.MakePod().Namespace("default").Name("web").Obj(),
			node:     worker,
			wantCode: fwk.Success,
		},
		{
			name:     "kube-proxy (Any) on control-plane",
			pod:      st.MakePod().Namespace("kube-system").Name("kp").Label("k8s-app", "kube-proxy").Obj(),
			node:     controlPlane,
			wantCode: fwk.Success,
		},
		{
			name:     "other trusted pod (Any) on infra",
			pod:      st.MakePod().Namespace("kube-system").Name("misc").Obj(),
			node:     infra,
			wantCode: fwk.Success,
		},
		{
			name:       "control-plane component on infra",
			pod:        st.MakePod().Namespace("kube-system").Name("etcd-0").Label("app", "etcd").Obj(),
			node:       infra,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: "excluded by PreFilterResult",
		},
		{
			name:       "untrusted DaemonSet on control-plane names namespace and setting",
			pod:        st.MakePod().Namespace("calico-system").Name("calico-node-x").OwnerReference("calico-node", daemonSetGVK).Obj(),
			node:       controlPlane,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: ErrReasonControlPlaneReserved + `; DaemonSet pods of untrusted namespace "calico-system" are kept off it (add the namespace to WorkloadSeparation args.trustedNamespaces to allow them)`,
		},
		{
			name:     "DaemonSet of a trusted namespace on control-plane",
			args:     rawArgs(t, config.WorkloadSeparationArgs{PolicyArgs: config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}}}),
			pod:      st.MakePod().Namespace("calico-system").Name("calico-node-x").OwnerReference("calico-node", daemonSetGVK).Obj(),
			node:     controlPlane,
			wantCode: fwk.Success,
		},
		{
			name:     "compact cluster: user pod on control-plane",
			args:     rawArgs(t, config.WorkloadSeparationArgs{PolicyArgs: config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true}}),
			pod:      st.MakePod().Namespace("default").Name("web").Obj(),
			node:     controlPlane,
			wantCode: fwk.Success,
		},
		{
			name:       "compact cluster: user pod still kept off infra",
			args:       rawArgs(t, config.WorkloadSeparationArgs{PolicyArgs: config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true}}),
			pod:        st.MakePod().Namespace("default").Name("web").Obj(),
			node:       infra,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: ErrReasonInfraReserved,
		},
		{
			name: "custom infra component only on infra",
			args: rawArgs(t, map[string]any{"components": []map[string]any{{
				"name": "ingress", "nodeRole": "Infra",
				"selectors": []map[string]any{{"matchLabels": map[string]string{"app": "ingress"}}},
			}}}),
			pod:        st.MakePod().Namespace("kube-system").Name("ingress-1").Label("app", "ingress").Obj(),
			node:       controlPlane,
			wantCode:   fwk.UnschedulableAndUnresolvable,
			wantReason: "excluded by PreFilterResult",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := newPlugin(t, tt.args)
			got := run(t, pl, tt.pod, tt.node, controlPlane, legacyMaster, infra, worker)
			if got.Code() != tt.wantCode {
				t.Fatalf("code = %v (%v), want %v", got.Code(), got.Reasons(), tt.wantCode)
			}
			if tt.wantReason != "" && (len(got.Reasons()) != 1 || got.Reasons()[0] != tt.wantReason) {
				t.Errorf("reasons = %q, want %q", got.Reasons(), tt.wantReason)
			}
		})
	}
}

func TestPreFilterNarrowsToRole(t *testing.T) {
	pl := newPlugin(t, nil)
	nodes := []*v1.Node{controlPlane, legacyMaster, infra, worker}
	for _, n := range nodes {
		pl.roles.Upsert(n)
	}
	tests := []struct {
		name string
		pod  *v1.Pod
		want sets.Set[string] // nil: all nodes
		skip bool
	}{
		{name: "control-plane component", pod: st.MakePod().Namespace("kube-system").Label("component", "etcd").Obj(), want: sets.New("cp-1", "master-1")},
		{name: "user pod is not narrowed", pod: st.MakePod().Namespace("default").Obj()},
		{name: "Any pod skips the plugin", pod: st.MakePod().Namespace("kube-system").Label("k8s-app", "kube-proxy").Obj(), skip: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, status := pl.PreFilter(context.Background(), framework.NewCycleState(), tt.pod, nil)
			if tt.skip {
				if !status.IsSkip() {
					t.Fatalf("status = %v, want Skip", status)
				}
				return
			}
			if !status.IsSuccess() {
				t.Fatalf("status = %v", status)
			}
			if tt.want == nil {
				if !res.AllNodes() {
					t.Fatalf("result = %v, want all nodes", res.NodeNames)
				}
				return
			}
			if res.AllNodes() || !res.NodeNames.Equal(tt.want) {
				t.Fatalf("result = %v, want %v", res, sets.List(tt.want))
			}
		})
	}
}

func TestPreFilterNoNodeOfRole(t *testing.T) {
	pl := newPlugin(t, nil)
	pod := st.MakePod().Namespace("kube-system").Name("kube-scheduler-abc").Label("component", "kube-scheduler").Obj()
	workerInfo := framework.NewNodeInfo()
	workerInfo.SetNode(worker)
	_, status := pl.PreFilter(context.Background(), framework.NewCycleState(), pod, []fwk.NodeInfo{workerInfo})
	if status.Code() != fwk.UnschedulableAndUnresolvable {
		t.Fatalf("code = %v, want UnschedulableAndUnresolvable", status.Code())
	}
	want := "kube-system/kube-scheduler must run on a control-plane node; there is none"
	if status.Message() != want {
		t.Errorf("message = %q, want %q", status.Message(), want)
	}
}

// The index may lag the snapshot: PreFilter must still find a control-plane
// node the framework passes in.
func TestPreFilterFallsBackToNodesWhenIndexEmpty(t *testing.T) {
	pl := newPlugin(t, nil)
	pod := st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj()
	cp := framework.NewNodeInfo()
	cp.SetNode(controlPlane)
	res, status := pl.PreFilter(context.Background(), framework.NewCycleState(), pod, []fwk.NodeInfo{cp})
	if !status.IsSuccess() || res.AllNodes() || !res.NodeNames.Equal(sets.New("cp-1")) {
		t.Fatalf("got %v, %v; want {cp-1}", res, status)
	}
}

func TestQueueingHint(t *testing.T) {
	pl := newPlugin(t, nil)
	logger, _ := ktesting.NewTestContext(t)
	cpPod := st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj()
	userPod := st.MakePod().Namespace("default").Obj()
	promoted := worker.DeepCopy()
	promoted.Labels[policy.LabelControlPlane] = ""
	relabelled := controlPlane.DeepCopy()
	relabelled.Labels["other"] = "x"
	tests := []struct {
		name     string
		pod      *v1.Pod
		old, new *v1.Node
		want     fwk.QueueingHint
	}{
		{name: "worker labelled control-plane requeues control-plane pod", pod: cpPod, old: worker, new: promoted, want: fwk.Queue},
		{name: "new control-plane node requeues control-plane pod", pod: cpPod, new: controlPlane, want: fwk.Queue},
		{name: "new worker does not requeue control-plane pod", pod: cpPod, new: worker, want: fwk.QueueSkip},
		{name: "unrelated label on control-plane node", pod: cpPod, old: controlPlane, new: relabelled, want: fwk.QueueSkip},
		{name: "control-plane label removed requeues user pod", pod: userPod, old: promoted, new: worker, want: fwk.Queue},
		{name: "new control-plane node does not requeue user pod", pod: userPod, new: controlPlane, want: fwk.QueueSkip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var oldObj any
			if tt.old != nil {
				oldObj = tt.old
			}
			got, err := pl.isSchedulableAfterNodeChange(logger, tt.pod, oldObj, tt.new)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("hint = %v, want %v", got, tt.want)
			}
		})
	}
}

// The hint feeds the role index, so a pod requeued by a node change finds
// the node even before the plugin's own informer handler has run.
func TestQueueingHintFeedsRoleIndex(t *testing.T) {
	pl := newPlugin(t, nil)
	logger, _ := ktesting.NewTestContext(t)
	promoted := worker.DeepCopy()
	promoted.Labels[policy.LabelControlPlane] = ""
	pod := st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj()
	if _, err := pl.isSchedulableAfterNodeChange(logger, pod, worker, promoted); err != nil {
		t.Fatal(err)
	}
	if got := pl.roles.Names(policy.RoleControlPlane); !got.Equal(sets.New(worker.Name)) {
		t.Errorf("control-plane index = %v, want [%s]", sets.List(got), worker.Name)
	}
}

func TestNewRejectsBadArgs(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	_, err := New(ctx, &runtime.Unknown{Raw: []byte(`{"trustedNamespaces":["kube-system","kube-system"],"bogus":true}`)}, nil)
	if err == nil {
		t.Fatal("New accepted bad args")
	}
	for _, want := range []string{`WorkloadSeparation.args.trustedNamespaces[1]: Duplicate value: "kube-system"`, `unknown field "bogus"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
