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
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var (
	controlPlane = st.MakeNode().Name("cp-1").Label(policy.LabelControlPlane, "").Obj()
	legacyMaster = st.MakeNode().Name("master-1").Label(policy.LabelMaster, "true").Obj()
	infra        = st.MakeNode().Name("infra-1").Label(policy.LabelInfra, "").Obj()
	worker       = st.MakeNode().Name("worker-1").Label("node-role.kubernetes.io/node", "").Obj()
	allNodes     = []*v1.Node{controlPlane, legacyMaster, infra, worker}
	daemonSetGVK = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}
)

func tolerateEverything(p *st.PodWrapper) *st.PodWrapper {
	return p.Tolerations([]v1.Toleration{{Operator: v1.TolerationOpExists}})
}

// policies returns the policies of a configuration whose profile "" (the
// one plugintesting's framework runs) has the policy a, defaulted and
// validated as the scheduler loads it; nil a: no HAPolicy entry, the
// default policy.
func policies(t testing.TB, a *config.PolicyArgs) config.Policies {
	t.Helper()
	if a == nil {
		return config.Policies{}
	}
	c := *a
	config.SetDefaultsPolicyArgs(&c)
	require.Empty(t, validation.ValidatePolicyArgs(field.NewPath(config.PolicyName, "args"), &c), "the test's policy")
	return config.Policies{"": &c}
}

// newPlugin builds the plugin with the policy a (nil: the default) in a
// real framework handle whose informers hold the nodes, and waits until the
// role index has seen them all.
func newPlugin(t *testing.T, a *config.PolicyArgs, nodes ...*v1.Node) (context.Context, *WorkloadSeparation) {
	t.Helper()
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	objs := make([]runtime.Object, 0, len(nodes))
	for _, n := range nodes {
		objs = append(objs, n)
	}
	pl := plugintesting.SetupPluginWithInformers(ctx, t, New(policies(t, a)), nil, cache.NewSnapshot(nil, nodes), objs).(*WorkloadSeparation)
	testutil.WaitForRoleIndex(t, pl.roles, nodes)
	return ctx, pl
}

func nodeInfos(nodes ...*v1.Node) []fwk.NodeInfo {
	infos := make([]fwk.NodeInfo, 0, len(nodes))
	for _, n := range nodes {
		ni := framework.NewNodeInfo()
		ni.SetNode(n)
		infos = append(infos, ni)
	}
	return infos
}

func reject(reason string) *fwk.Status {
	return fwk.NewStatus(fwk.UnschedulableAndUnresolvable, reason)
}

func TestFilter(t *testing.T) {
	masters := &fwk.PreFilterResult{NodeNames: sets.New(controlPlane.Name, legacyMaster.Name)}
	skip := fwk.NewStatus(fwk.Skip)
	kubeScheduler := st.MakePod().Namespace("kube-system").Name("sched").Label("component", "kube-scheduler").Obj()
	userPod := st.MakePod().Namespace("default").Name("web").Obj()
	calico := st.MakePod().Namespace("calico-system").Name("calico-node-x").OwnerReference("calico-node", daemonSetGVK).Obj()
	tests := []struct {
		name string
		// policy is the profile's (nil: the default policy).
		policy *config.PolicyArgs
		pod    *v1.Pod
		node   *v1.Node
		// The framework runs Filter only after PreFilter succeeded; it
		// skips it on a Skip status, and on a node the PreFilterResult
		// excludes (which Filter rejects too, as the cases check).
		wantPreFilterResult *fwk.PreFilterResult
		wantPreFilterStatus *fwk.Status
		wantStatus          *fwk.Status
	}{
		{
			name:                "control-plane component on control-plane node",
			pod:                 kubeScheduler,
			node:                controlPlane,
			wantPreFilterResult: masters,
		},
		{
			name:                "legacy master label counts as control-plane",
			pod:                 kubeScheduler,
			node:                legacyMaster,
			wantPreFilterResult: masters,
		},
		{
			name:                "control-plane component on worker",
			pod:                 kubeScheduler,
			node:                worker,
			wantPreFilterResult: masters,
			wantStatus:          reject(ErrReasonNotControlPlane),
		},
		{
			name:                "control-plane component on infra",
			pod:                 st.MakePod().Namespace("kube-system").Name("etcd-0").Label("app", "etcd").Obj(),
			node:                infra,
			wantPreFilterResult: masters,
			wantStatus:          reject(ErrReasonInfraReserved),
		},
		{
			name:       "user pod tolerating everything on control-plane",
			pod:        tolerateEverything(st.MakePod().Namespace("default").Name("web")).NodeSelector(map[string]string{policy.LabelControlPlane: ""}).Obj(),
			node:       controlPlane,
			wantStatus: reject(ErrReasonControlPlaneReserved),
		},
		{
			name:       "user pod spoofing kube-apiserver labels on control-plane",
			pod:        tolerateEverything(st.MakePod().Namespace("default").Name("evil").Label("component", "kube-apiserver")).Obj(),
			node:       controlPlane,
			wantStatus: reject(ErrReasonControlPlaneReserved),
		},
		{
			name:       "user pod on legacy master",
			pod:        userPod,
			node:       legacyMaster,
			wantStatus: reject(ErrReasonControlPlaneReserved),
		},
		{
			name:       "user pod on infra",
			pod:        userPod,
			node:       infra,
			wantStatus: reject(ErrReasonInfraReserved),
		},
		{
			name: "user pod on worker",
			pod:  userPod,
			node: worker,
		},
		{
			name:                "kube-proxy (Any) skips",
			pod:                 st.MakePod().Namespace("kube-system").Name("kp").Label("k8s-app", "kube-proxy").Obj(),
			node:                controlPlane,
			wantPreFilterStatus: skip,
		},
		{
			name:                "other trusted pod (Any) skips",
			pod:                 st.MakePod().Namespace("kube-system").Name("misc").Obj(),
			node:                infra,
			wantPreFilterStatus: skip,
		},
		{
			name:       "untrusted DaemonSet on control-plane names namespace and setting",
			pod:        calico,
			node:       controlPlane,
			wantStatus: reject(ErrReasonControlPlaneReserved + `; DaemonSet pods of untrusted namespace "calico-system" are kept off it (add the namespace to trustedNamespaces in the HAPolicy args to allow them)`),
		},
		{
			name:       "untrusted DaemonSet on infra names namespace and setting",
			pod:        calico,
			node:       infra,
			wantStatus: reject(ErrReasonInfraReserved + `; DaemonSet pods of untrusted namespace "calico-system" are kept off it (add the namespace to trustedNamespaces in the HAPolicy args to allow them)`),
		},
		{
			name:                "DaemonSet of a trusted namespace (Any) skips",
			policy:              &config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}},
			pod:                 calico,
			node:                controlPlane,
			wantPreFilterStatus: skip,
		},
		{
			name:   "compact cluster: user pod on control-plane",
			policy: &config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true},
			pod:    userPod,
			node:   controlPlane,
		},
		{
			name:       "compact cluster: user pod still kept off infra",
			policy:     &config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true},
			pod:        userPod,
			node:       infra,
			wantStatus: reject(ErrReasonInfraReserved),
		},
		{
			name:                "custom infra component on control-plane",
			policy:              &config.PolicyArgs{Components: []config.ComponentArgs{ingress}},
			pod:                 st.MakePod().Namespace("kube-system").Name("ingress-1").Label("app", "ingress").Obj(),
			node:                controlPlane,
			wantPreFilterResult: &fwk.PreFilterResult{NodeNames: sets.New(infra.Name)},
			wantStatus:          reject(ErrReasonControlPlaneReserved),
		},
		{
			name:                "custom infra component on worker",
			policy:              &config.PolicyArgs{Components: []config.ComponentArgs{ingress}},
			pod:                 st.MakePod().Namespace("kube-system").Name("ingress-1").Label("app", "ingress").Obj(),
			node:                worker,
			wantPreFilterResult: &fwk.PreFilterResult{NodeNames: sets.New(infra.Name)},
			wantStatus:          reject(ErrReasonNotInfra),
		},
		{
			name:                "custom infra component on infra",
			policy:              &config.PolicyArgs{Components: []config.ComponentArgs{ingress}},
			pod:                 st.MakePod().Namespace("kube-system").Name("ingress-1").Label("app", "ingress").Obj(),
			node:                infra,
			wantPreFilterResult: &fwk.PreFilterResult{NodeNames: sets.New(infra.Name)},
		},
		{
			name:                "a trusted pod the policy keeps on control-plane nodes, on a worker",
			policy:              &config.PolicyArgs{OtherTrustedPods: &config.RuleArgs{Placement: policy.PlaceControlPlane}},
			pod:                 st.MakePod().Namespace("kube-system").Name("misc").Obj(),
			node:                worker,
			wantPreFilterResult: masters,
			wantStatus:          reject(ErrReasonNotControlPlane),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, pl := newPlugin(t, tt.policy, allNodes...)
			state := framework.NewCycleState()
			infos := nodeInfos(allNodes...)
			gotResult, gotStatus := pl.PreFilter(ctx, state, tt.pod, infos)
			if diff := cmp.Diff(tt.wantPreFilterStatus, gotStatus); diff != "" {
				t.Errorf("PreFilter status (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPreFilterResult, gotResult); diff != "" {
				t.Errorf("PreFilterResult (-want +got):\n%s", diff)
			}
			if !gotStatus.IsSuccess() {
				return
			}
			if diff := cmp.Diff(tt.wantStatus, pl.Filter(ctx, state, tt.pod, nodeInfos(tt.node)[0])); diff != "" {
				t.Errorf("Filter status (-want +got):\n%s", diff)
			}
		})
	}
}

// ingress is a custom component kept on infra nodes.
var ingress = config.ComponentArgs{
	Name:      "ingress",
	Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "ingress"}}},
	RuleArgs:  config.RuleArgs{Placement: policy.PlaceInfra},
}

func TestPreFilter(t *testing.T) {
	tests := []struct {
		name   string
		policy *config.PolicyArgs
		// indexed are the nodes the informers hold; nodes those the
		// framework passes PreFilter (the index may lag the snapshot).
		indexed, nodes []*v1.Node
		pod            *v1.Pod
		wantResult     *fwk.PreFilterResult
		wantStatus     *fwk.Status
	}{
		{
			name:       "a control-plane component narrows to the indexed control-plane nodes",
			indexed:    allNodes,
			nodes:      allNodes,
			pod:        st.MakePod().Namespace("kube-system").Label("component", "etcd").Obj(),
			wantResult: &fwk.PreFilterResult{NodeNames: sets.New(controlPlane.Name, legacyMaster.Name)},
		},
		{
			name:    "a user pod is not narrowed",
			indexed: allNodes,
			nodes:   allNodes,
			pod:     st.MakePod().Namespace("default").Obj(),
		},
		{
			name:       "a pod any node may run skips the plugin",
			indexed:    allNodes,
			nodes:      allNodes,
			pod:        st.MakePod().Namespace("kube-system").Label("k8s-app", "kube-proxy").Obj(),
			wantStatus: fwk.NewStatus(fwk.Skip),
		},
		{
			name:       "the index has no control-plane node yet: the framework's nodes",
			nodes:      []*v1.Node{controlPlane, worker},
			pod:        st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj(),
			wantResult: &fwk.PreFilterResult{NodeNames: sets.New(controlPlane.Name)},
		},
		{
			name:       "no control-plane node: the component says so",
			indexed:    []*v1.Node{worker},
			nodes:      []*v1.Node{worker},
			pod:        st.MakePod().Namespace("kube-system").Name("kube-scheduler-abc").Label("component", "kube-scheduler").Obj(),
			wantStatus: reject("kube-system/kube-scheduler must run on a control-plane node; there is none"),
		},
		{
			name:       "no infra node: a pod that is no component is named by its name",
			policy:     &config.PolicyArgs{OtherTrustedPods: &config.RuleArgs{Placement: policy.PlaceInfra}},
			indexed:    []*v1.Node{controlPlane, worker},
			nodes:      []*v1.Node{controlPlane, worker},
			pod:        st.MakePod().Namespace("kube-system").Name("misc").Obj(),
			wantStatus: reject("kube-system/misc must run on an infra node; there is none"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, pl := newPlugin(t, tt.policy, tt.indexed...)
			gotResult, gotStatus := pl.PreFilter(ctx, framework.NewCycleState(), tt.pod, nodeInfos(tt.nodes...))
			if diff := cmp.Diff(tt.wantStatus, gotStatus); diff != "" {
				t.Errorf("PreFilter status (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantResult, gotResult); diff != "" {
				t.Errorf("PreFilterResult (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQueueingHint(t *testing.T) {
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
			_, pl := newPlugin(t, nil)
			logger, _ := ktesting.NewTestContext(t)
			var oldObj any
			if tt.old != nil {
				oldObj = tt.old
			}
			got, err := pl.isSchedulableAfterNodeChange(logger, tt.pod, oldObj, tt.new)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hint (-want +got):\n%s", diff)
			}
		})
	}
}

// The hint feeds the role index, so a pod requeued by a node change finds
// the node even before the plugin's own informer handler has run.
func TestQueueingHintFeedsRoleIndex(t *testing.T) {
	ctx, pl := newPlugin(t, nil)
	logger, _ := ktesting.NewTestContext(t)
	promoted := worker.DeepCopy()
	promoted.Labels[policy.LabelControlPlane] = ""
	pod := st.MakePod().Namespace("kube-system").Label("component", "kube-scheduler").Obj()
	_, err := pl.isSchedulableAfterNodeChange(logger, pod, worker, promoted)
	require.NoError(t, err)
	// PreFilter is given no node: only the index can know the new master.
	got, status := pl.PreFilter(ctx, framework.NewCycleState(), pod, nil)
	if diff := cmp.Diff((*fwk.Status)(nil), status); diff != "" {
		t.Errorf("PreFilter status (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&fwk.PreFilterResult{NodeNames: sets.New(worker.Name)}, got); diff != "" {
		t.Errorf("PreFilterResult (-want +got):\n%s", diff)
	}
}

// clusterEventCmpOpts compare the events and whether each has a queueing
// hint (functions cannot be compared).
var clusterEventCmpOpts = []cmp.Option{
	cmpopts.EquateComparable(fwk.ClusterEvent{}),
	cmp.Comparer(func(a, b fwk.QueueingHintFn) bool { return (a == nil) == (b == nil) }),
}

// hinted stands for a queueing hint in the events a test wants.
func hinted(klog.Logger, *v1.Pod, any, any) (fwk.QueueingHint, error) { return fwk.Queue, nil }

func TestEventsToRegister(t *testing.T) {
	ctx, pl := newPlugin(t, nil)
	got, err := pl.EventsToRegister(ctx)
	require.NoError(t, err)
	want := []fwk.ClusterEventWithHint{
		{Event: fwk.ClusterEvent{Resource: fwk.Node, ActionType: fwk.Add | fwk.UpdateNodeLabel}, QueueingHintFn: hinted},
	}
	if diff := cmp.Diff(want, got, clusterEventCmpOpts...); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// Each profile's plugin enforces that profile's policy; a profile without
// one has the default.
func TestNewTakesTheProfilesPolicy(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	factory := informers.NewSharedInformerFactory(clientsetfake.NewClientset(controlPlane), 0)
	compact := policies(t, &config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true})[""]
	ps := config.Policies{"compact": compact}
	userPod := st.MakePod().Namespace("default").Name("web").Obj()
	for _, tt := range []struct {
		profile string
		want    *fwk.Status
	}{
		{profile: "compact"},
		{profile: "default-scheduler", want: reject(ErrReasonControlPlaneReserved)},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			fh, err := tf.NewFramework(ctx, []tf.RegisterPluginFunc{
				tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
				tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
			}, tt.profile,
				frameworkruntime.WithInformerFactory(factory),
				frameworkruntime.WithSnapshotSharedLister(cache.NewSnapshot(nil, []*v1.Node{controlPlane})))
			require.NoError(t, err)
			p, err := New(ps)(ctx, nil, fh)
			require.NoError(t, err)
			pl := p.(*WorkloadSeparation)
			state := framework.NewCycleState()
			_, status := pl.PreFilter(ctx, state, userPod, nodeInfos(controlPlane))
			require.True(t, status.IsSuccess(), "PreFilter: %v", status)
			if diff := cmp.Diff(tt.want, pl.Filter(ctx, state, userPod, nodeInfos(controlPlane)[0])); diff != "" {
				t.Errorf("Filter status (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	type fieldError struct {
		Type  field.ErrorType
		Field string
	}
	tests := []struct {
		name     string
		policies config.Policies
		args     runtime.Object
		// noInformers builds the handle without an informer factory.
		noInformers bool
		// wantFieldErrors: the error is the field errors of the args;
		// wantErr: its whole text.
		wantFieldErrors []fieldError
		wantErr         string
	}{
		{
			name:            "a policy field in the args: the policy is the profile's now",
			args:            &runtime.Unknown{Raw: []byte(`{"trustedNamespaces":["kube-system"]}`), ContentType: runtime.ContentTypeJSON},
			wantFieldErrors: []fieldError{{Type: field.ErrorTypeForbidden, Field: "WorkloadSeparation.args"}},
		},
		{
			name:            "an unknown field in the args",
			args:            &runtime.Unknown{Raw: []byte(`{"bogus":true}`), ContentType: runtime.ContentTypeJSON},
			wantFieldErrors: []fieldError{{Type: field.ErrorTypeForbidden, Field: "WorkloadSeparation.args"}},
		},
		{
			name:     "a profile policy that was not loaded (not defaulted)",
			policies: config.Policies{"": &config.PolicyArgs{}},
			wantErr:  `WorkloadSeparation: profile "": otherTrustedPods: rule is not set`,
		},
		{
			name:        "a handle without an informer factory",
			noInformers: true,
			wantErr:     `WorkloadSeparation: watching nodes: shared state "roleindex": the framework handle has no informer factory`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			var opts []frameworkruntime.Option
			if !tt.noInformers {
				opts = append(opts, frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
			}
			fh, err := frameworkruntime.NewFramework(ctx, nil, nil, opts...)
			require.NoError(t, err)
			_, err = New(tt.policies)(ctx, tt.args, fh)
			require.Error(t, err)
			if tt.wantFieldErrors != nil {
				var agg utilerrors.Aggregate
				require.ErrorAs(t, err, &agg)
				var got []fieldError
				for _, e := range agg.Errors() {
					var fe *field.Error
					require.ErrorAs(t, e, &fe)
					got = append(got, fieldError{Type: fe.Type, Field: fe.Field})
				}
				if diff := cmp.Diff(tt.wantFieldErrors, got); diff != "" {
					t.Errorf("field errors (-want +got):\n%s\nerror: %v", diff, err)
				}
				return
			}
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// No args, or args holding nothing but apiVersion and kind, are fine.
func TestNewAcceptsEmptyArgs(t *testing.T) {
	for name, args := range map[string]runtime.Object{
		"nil":          nil,
		"empty object": &runtime.Unknown{Raw: []byte(`{}`), ContentType: runtime.ContentTypeJSON},
		"type only":    &runtime.Unknown{Raw: []byte(`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"WorkloadSeparationArgs"}`), ContentType: runtime.ContentTypeJSON},
	} {
		t.Run(name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			fh, err := frameworkruntime.NewFramework(ctx, nil, nil,
				frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
			require.NoError(t, err)
			_, err = New(nil)(ctx, args, fh)
			require.NoError(t, err)
		})
	}
}
