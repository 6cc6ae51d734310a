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
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

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
