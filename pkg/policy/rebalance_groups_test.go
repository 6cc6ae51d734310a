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

package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/klog/v2"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	"k8s.io/utils/ptr"
)

// volumes is a Volumes over fixed objects.
type volumes struct {
	claims map[string]*v1.PersistentVolumeClaim
	pvs    map[string]*v1.PersistentVolume
}

func (v volumes) PersistentVolumeClaim(ns, name string) *v1.PersistentVolumeClaim {
	return v.claims[ns+"/"+name]
}
func (v volumes) PersistentVolume(name string) *v1.PersistentVolume { return v.pvs[name] }

func TestRebalanceGroups(t *testing.T) {
	node := func(name, zone, host string) *st.NodeWrapper {
		return st.MakeNode().Name(name).Label(LabelZone, zone).Label(LabelHostID, host).Label(LabelHostname, name)
	}
	na1 := node("na1", "a", "ha1").Obj()
	na1.UID = "uid-na1"
	nodes := []*v1.Node{
		na1,
		node("na2", "a", "ha1").Obj(), // a second VM on hypervisor ha1
		node("na3", "a", "ha3").Obj(),
		node("nb1", "b", "hb1").Obj(),
		node("nc1", "c", "hc1").Unschedulable(true).Obj(),
		node("nc2", "c", "hc2").Condition(v1.NodeReady, v1.ConditionFalse, "KubeletNotReady", "").Obj(),
		node("nc3", "c", "hc3").Taints([]v1.Taint{{Key: "maintenance", Effect: v1.TaintEffectNoSchedule}}).Obj(),
	}
	byName := map[string]*v1.Node{}
	for _, n := range nodes {
		byName[n.Name] = n
	}
	apps := appsv1.SchemeGroupVersion
	ready := func(w *st.PodWrapper) *v1.Pod { return w.Condition(v1.PodReady, v1.ConditionTrue, "").Obj() }
	heapster := func(name, node string) *st.PodWrapper {
		return st.MakePod().Namespace("kube-system").Name(name).Label("k8s-app", "heapster").Node(node)
	}
	ctrl := controllers{
		rs: map[string]*appsv1.ReplicaSet{
			"kube-system/free": {Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](4)}},
			"kube-system/tmpl": {Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](1), Template: v1.PodTemplateSpec{Spec: v1.PodSpec{NodeName: "na1"}}}},
			"shop/web-5d": {ObjectMeta: metav1.ObjectMeta{
				Annotations:     map[string]string{DesiredReplicasAnnotation: "8"},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", Controller: ptr.To(true)}},
			}},
		},
		sts: map[string]*appsv1.StatefulSet{"kube-system/db": {Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](2)}}},
	}
	vols := volumes{
		claims: map[string]*v1.PersistentVolumeClaim{
			"kube-system/data-local": {Spec: v1.PersistentVolumeClaimSpec{VolumeName: "pv-local"}},
			"kube-system/data-zonal": {Spec: v1.PersistentVolumeClaimSpec{VolumeName: "pv-zonal"}},
		},
		pvs: map[string]*v1.PersistentVolume{
			"pv-local": {ObjectMeta: metav1.ObjectMeta{Name: "pv-local"}, Spec: v1.PersistentVolumeSpec{PersistentVolumeSource: v1.PersistentVolumeSource{Local: &v1.LocalVolumeSource{Path: "/mnt"}}}},
			"pv-zonal": {ObjectMeta: metav1.ObjectMeta{Name: "pv-zonal"}, Spec: v1.PersistentVolumeSpec{NodeAffinity: &v1.VolumeNodeAffinity{Required: &v1.NodeSelector{
				NodeSelectorTerms: []v1.NodeSelectorTerm{{MatchExpressions: []v1.NodeSelectorRequirement{{Key: LabelZone, Operator: v1.NodeSelectorOpIn, Values: []string{"a"}}}}},
			}}}},
		},
	}
	static := heapster("heapster-static", "na1").Annotation(MirrorPodAnnotation, "x").Obj()
	static.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "na1", UID: types.UID("uid-na1"), Controller: ptr.To(true)}}
	static.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}
	// One component (heapster: any role, Preferred), replicas of many
	// kinds, each kept where it is for its own reason but two.
	heapsterPods := []*v1.Pod{
		static,
		ready(heapster("heapster-bare", "na1")),
		ready(heapster("heapster-job", "na1").OwnerReference("j", batchv1.SchemeGroupVersion.WithKind("Job"))),
		ready(heapster("heapster-tmpl-x", "na1").OwnerReference("tmpl", apps.WithKind("ReplicaSet"))),
		ready(heapster("heapster-hostpath", "na1").OwnerReference("free", apps.WithKind("ReplicaSet")).
			Volume(v1.Volume{Name: "data", VolumeSource: v1.VolumeSource{HostPath: &v1.HostPathVolumeSource{Path: "/data"}}})),
		ready(heapster("heapster-local", "na1").OwnerReference("db", apps.WithKind("StatefulSet")).PVC("data-local")),
		ready(heapster("heapster-zonal", "na1").OwnerReference("db", apps.WithKind("StatefulSet")).PVC("data-zonal")),
		ready(heapster("heapster-pinned", "na1").OwnerReference("free", apps.WithKind("ReplicaSet")).
			NodeAffinityIn(LabelHostname, []string{"na1"}, st.NodeSelectorTypeMatchExpressions)),
		ready(heapster("heapster-free-1", "na1").OwnerReference("free", apps.WithKind("ReplicaSet"))),
		ready(heapster("heapster-free-2", "nb1").OwnerReference("free", apps.WithKind("ReplicaSet"))),
		// Never spread: no group.
		ready(st.MakePod().Namespace("kube-system").Name("kube-proxy-x").Label("k8s-app", "kube-proxy").Node("na1")),
		ready(st.MakePod().Namespace("kube-system").Name("ds-x").Node("na1").OwnerReference("ds", apps.WithKind("DaemonSet"))),
	}
	domains := func(n string) []string {
		z, h := byName[n].Labels[LabelZone], byName[n].Labels[LabelHostID]
		return []string{z, h, n}
	}
	member := func(pod, node string, keep int, why string) RebalanceMember {
		return RebalanceMember{Pod: "kube-system/" + pod, Node: node, Domains: domains(node), Keep: keep, Why: why}
	}
	openNodes := []RebalanceNode{{Name: "na1", Domains: domains("na1")}, {Name: "na2", Domains: domains("na2")}, {Name: "na3", Domains: domains("na3")}, {Name: "nb1", Domains: domains("nb1")}}
	heapsterGroup := func(local, zonal RebalanceMember) *RebalanceGroup {
		return &RebalanceGroup{
			Key: "kube-system/heapster", Group: Group{Namespace: "kube-system", By: GroupByComponent, Name: "heapster"}, Spread: SpreadPreferred, Levels: DefaultLevels,
			Members: []RebalanceMember{
				member("heapster-bare", "na1", 3, "no controller would recreate it"),
				member("heapster-free-1", "na1", 0, ""),
				member("heapster-free-2", "nb1", 0, ""),
				member("heapster-hostpath", "na1", 3, "hostPath volume data keeps its data on node na1"),
				member("heapster-job", "na1", 3, "its controller is a Job (j), not a ReplicaSet, StatefulSet or ReplicationController, which would put an equal replica back"),
				local,
				member("heapster-pinned", "na1", 3, "its node role, node selector and affinity allow no node but na1"),
				member("heapster-static", "na1", 3, "static pod: the kubelet of na1 owns it"),
				member("heapster-tmpl-x", "na1", 3, "its ReplicaSet's template sets spec.nodeName (na1)"),
				zonal,
			},
			Nodes: openNodes,
		}
	}

	web := func(i string) *st.PodWrapper {
		return st.MakePod().Namespace("shop").Name("web-5d-"+i).Label("pod-template-hash", "5d").OwnerReference("web-5d", apps.WithKind("ReplicaSet"))
	}
	webMember := func(i, node string, keep int, why string) RebalanceMember {
		return RebalanceMember{Pod: "shop/web-5d-" + i, Node: node, Domains: domains(node), Keep: keep, Why: why}
	}

	tests := []struct {
		name    string
		pods    []*v1.Pod
		volumes Volumes
		want    []*RebalanceGroup
		// wantPlan is the plan of the first group.
		wantPlan []RebalanceMove
	}{
		{
			name:    "what keeps a replica where it is; the nodes open to the group",
			pods:    heapsterPods,
			volumes: vols,
			want: []*RebalanceGroup{heapsterGroup(
				member("heapster-local", "na1", 3, "PersistentVolume pv-local (claim data-local) is a volume of node na1"),
				member("heapster-zonal", "na1", 1, "PersistentVolume pv-zonal (claim data-zonal) allows only nodes of topology.kubernetes.io/zone=a"),
			)},
			wantPlan: []RebalanceMove{
				{Pod: "kube-system/heapster-free-1", Node: "na1", Level: 0, From: "a", To: "b", FromReplicas: 9, ToReplicas: 1, Target: "nb1"},
				// Its volume keeps it in zone a: the zone's other host.
				{Pod: "kube-system/heapster-zonal", Node: "na1", Level: 1, From: "ha1", To: "ha3", FromReplicas: 8, ToReplicas: 0, Target: "na3"},
			},
		},
		{
			name: "volumes not read: a replica with a claim stays",
			pods: heapsterPods,
			want: []*RebalanceGroup{heapsterGroup(
				member("heapster-local", "na1", 3, "PersistentVolumeClaim data-local may keep it where it is: volumes were not read"),
				member("heapster-zonal", "na1", 3, "PersistentVolumeClaim data-zonal may keep it where it is: volumes were not read"),
			)},
			wantPlan: []RebalanceMove{
				{Pod: "kube-system/heapster-free-1", Node: "na1", Level: 0, From: "a", To: "b", FromReplicas: 9, ToReplicas: 1, Target: "nb1"},
			},
		},
		{
			name: "a group that has not recovered is not planned, and says why",
			pods: []*v1.Pod{
				web("1").Obj(),
				web("2").Node("na1").Terminating().Obj(),
				web("3").Node("na1").Condition(v1.PodReady, v1.ConditionFalse, "").Obj(),
				ready(web("4").Node("nc2")),
				ready(web("5").Node("gone")),
				ready(web("6").Node("nb1")),
			},
			want: []*RebalanceGroup{{
				Key: "shop/Deployment/web", Group: Group{Namespace: "shop", By: GroupByController, Kind: "Deployment", Name: "web"}, Spread: SpreadPreferred, Levels: DefaultLevels,
				Members: []RebalanceMember{
					webMember("3", "na1", 0, ""),
					webMember("4", "nc2", 3, "its node nc2 is down"),
					webMember("6", "nb1", 0, ""),
				},
				Nodes:     openNodes,
				Unsettled: "1 pending, 1 not Ready, 1 on a node that is not Ready, 1 on a node that no longer exists, 1 terminating, 3 not created",
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Default().RebalanceGroups(klog.Background(), RebalanceInput{
				Pods: tt.pods, Nodes: nodes, Volumes: tt.volumes,
				Lookups: Lookups{Controllers: ctrl, Node: func(n string) *v1.Node { return byName[n] }},
			})
			// The index of the nodes by domain is Plan's, not part of the
			// decision.
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreUnexported(RebalanceGroup{})); diff != "" {
				t.Fatalf("groups (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPlan, got[0].Plan()); diff != "" {
				t.Errorf("plan (-want +got):\n%s", diff)
			}
		})
	}
}
