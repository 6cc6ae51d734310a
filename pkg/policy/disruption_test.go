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
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	"k8s.io/utils/ptr"
)

// controllers is a policy.Controllers over fixed objects.
type controllers struct {
	rs  map[string]*appsv1.ReplicaSet
	sts map[string]*appsv1.StatefulSet
}

func (c controllers) ReplicaSet(ns, name string) *appsv1.ReplicaSet   { return c.rs[ns+"/"+name] }
func (c controllers) StatefulSet(ns, name string) *appsv1.StatefulSet { return c.sts[ns+"/"+name] }

var testControllers = controllers{
	rs: map[string]*appsv1.ReplicaSet{
		"kube-system/web-1": {
			ObjectMeta: metav1.ObjectMeta{
				Name: "web-1", Namespace: "kube-system",
				Annotations:     map[string]string{DesiredReplicasAnnotation: "4"},
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", Controller: ptr.To(true)}},
			},
			Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](1)},
		},
		"kube-system/bare": {ObjectMeta: metav1.ObjectMeta{Name: "bare", Namespace: "kube-system"}, Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2)}},
	},
	sts: map[string]*appsv1.StatefulSet{
		"kube-system/etcd":        {Spec: appsv1.StatefulSetSpec{Replicas: ptr.To[int32](5)}},
		"kube-system/etcd-events": {Spec: appsv1.StatefulSetSpec{}},
	},
}

func owned(kind, name string) *st.PodWrapper {
	gv := appsv1.SchemeGroupVersion
	if kind == "Node" {
		gv = v1.SchemeGroupVersion
	}
	return st.MakePod().Namespace("kube-system").Name(name+"-x").Node("cp-1").OwnerReference(name, gv.WithKind(kind))
}

func TestOwnerOf(t *testing.T) {
	tests := []struct {
		name string
		pod  *v1.Pod
		want Owner
	}{
		{name: "bare pod", pod: st.MakePod().Namespace("kube-system").Name("p").Obj(), want: NoOwner},
		{name: "StatefulSet: its replicas", pod: owned("StatefulSet", "etcd").Obj(), want: Owner{Kind: "StatefulSet", Name: "etcd", Desired: 5}},
		{name: "StatefulSet without replicas: the default 1", pod: owned("StatefulSet", "etcd-events").Obj(), want: Owner{Kind: "StatefulSet", Name: "etcd-events", Desired: 1}},
		{name: "StatefulSet not known", pod: owned("StatefulSet", "gone").Obj(), want: Owner{Kind: "StatefulSet", Name: "gone", Desired: -1}},
		{name: "ReplicaSet of a Deployment: the Deployment's desired replicas", pod: owned("ReplicaSet", "web-1").Obj(), want: Owner{Kind: "Deployment", Name: "web", Desired: 4}},
		{name: "ReplicaSet on its own", pod: owned("ReplicaSet", "bare").Obj(), want: Owner{Kind: "ReplicaSet", Name: "bare", Desired: 2}},
		{name: "ReplicaSet not known, named by the Deployment controller: the Deployment, size unknown",
			pod: owned("ReplicaSet", "api-5d").Label("pod-template-hash", "5d").Obj(), want: Owner{Kind: "Deployment", Name: "api", Desired: -1}},
		{name: "ReplicaSet not known, another name: the ReplicaSet, size unknown", pod: owned("ReplicaSet", "api").Obj(), want: Owner{Kind: "ReplicaSet", Name: "api", Desired: -1}},
		{name: "another controller", pod: owned("Job", "backup").Obj(), want: Owner{Kind: "Job", Name: "backup", Desired: -1}},
		{name: "mirror pod: its Node says nothing about the group", pod: owned("Node", "cp-1").Annotation(MirrorPodAnnotation, "x").Obj(), want: NoOwner},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, OwnerOf(tt.pod, testControllers)); diff != "" {
				t.Errorf("OwnerOf (-want +got):\n%s", diff)
			}
		})
	}
}

// TestIsMirrorPod: only what the kubelet creates, down to the Node's UID;
// a tenant can write the annotation, spec.nodeName and an owner reference
// naming the Node, but not the Node object the kubelet runs as.
func TestIsMirrorPod(t *testing.T) {
	cp1 := st.MakeNode().Name("cp-1").Obj()
	cp1.UID = "uid-cp-1"
	mirror := func() *st.PodWrapper {
		return st.MakePod().Namespace("kube-system").Name("etcd-cp-1").Node("cp-1").Annotation(MirrorPodAnnotation, "x").OwnerReference("cp-1", v1.SchemeGroupVersion.WithKind("Node")).UID("p")
	}
	tests := []struct {
		name string
		pod  *v1.Pod
		node *v1.Node
		want bool
	}{
		{name: "what the kubelet creates: annotation and its Node, by UID, as owner", pod: mirrorOn(cp1), node: cp1, want: true},
		{name: "annotation only: a user pod claiming the exemption", pod: st.MakePod().Node("cp-1").Annotation(MirrorPodAnnotation, "x").Obj(), node: cp1},
		{name: "Node owner only", pod: func() *v1.Pod { p := mirrorOn(cp1); p.Annotations = nil; return p }(), node: cp1},
		{name: "owner names the Node but not its UID (a tenant's forgery)", pod: owned("Node", "cp-1").Annotation(MirrorPodAnnotation, "x").Obj(), node: cp1},
		{name: "owned by another node than its own", pod: owned("Node", "cp-2").Annotation(MirrorPodAnnotation, "x").Obj(), node: cp1},
		{name: "node not known", pod: mirrorOn(cp1)},
		{name: "the node passed is not the pod's", pod: func() *v1.Pod { p := mirrorOn(cp1); p.Spec.NodeName = "cp-2"; return p }(), node: cp1},
		{name: "an owner without UID does not match a node without one", pod: mirror().Obj(), node: st.MakeNode().Name("cp-1").Obj()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsMirrorPod(tt.pod, tt.node); got != tt.want {
				t.Errorf("IsMirrorPod = %v, want %v", got, tt.want)
			}
		})
	}
}

// mirrorOn returns the mirror pod the kubelet of node creates.
func mirrorOn(node *v1.Node) *v1.Pod {
	p := st.MakePod().Namespace("kube-system").Name("etcd-"+node.Name).Label("component", "etcd").Node(node.Name).
		Annotation(MirrorPodAnnotation, "x").OwnerReference(node.Name, v1.SchemeGroupVersion.WithKind("Node")).Obj()
	p.OwnerReferences[0].UID = node.UID
	return p
}

func TestPDBSelector(t *testing.T) {
	pod := st.MakePod().Namespace("default").Name("p").Label("app", "batch").Obj()
	tests := []struct {
		name     string
		selector *metav1.LabelSelector
		want     bool
	}{
		{name: "nil selector selects nothing", selector: nil},
		{name: "empty selector selects the whole namespace (policy/v1)", selector: &metav1.LabelSelector{}, want: true},
		{name: "matching labels", selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "batch"}}, want: true},
		{name: "other labels", selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel, err := PDBSelector(&policyv1.PodDisruptionBudget{Spec: policyv1.PodDisruptionBudgetSpec{Selector: tt.selector}})
			if err != nil {
				t.Fatal(err)
			}
			if got := sel.Matches(labels.Set(pod.Labels)); got != tt.want {
				t.Errorf("selects the pod = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDisruptionGroups: one group per component and owner, sized by the
// larger of its pods and its owner's desired replicas; mirror pods only
// when asked for.
func TestDisruptionGroups(t *testing.T) {
	cp1 := st.MakeNode().Name("cp-1").Obj()
	cp1.UID = "uid-cp-1"
	etcd := func(w *st.PodWrapper) *v1.Pod { return w.Label("component", "etcd").Obj() }
	pods := []*v1.Pod{
		etcd(owned("StatefulSet", "etcd")),
		etcd(owned("StatefulSet", "etcd")),
		etcd(owned("StatefulSet", "etcd-events")),
		etcd(owned("StatefulSet", "etcd-events")),
		mirrorOn(cp1),
		etcd(st.MakePod().Namespace("kube-system").Name("bare")),
		st.MakePod().Namespace("kube-system").Name("dns").Label("k8s-app", "kube-dns").Obj(), // not controlled
		st.MakePod().Namespace("default").Name("user").Label("component", "etcd").Obj(),      // not trusted
	}
	type row struct {
		Key                         string
		Members, Size, MinAvailable int
	}
	collect := func(includeMirror bool) []row {
		gs := NewDisruptionGroups(Default(), Lookups{Controllers: testControllers, Node: func(string) *v1.Node { return cp1 }})
		gs.IncludeMirror = includeMirror
		byKey := map[string]*DisruptionGroup{}
		for _, p := range pods {
			if g := gs.AddMember(p); g != nil {
				byKey[g.Key] = g
			}
		}
		var out []row
		for _, k := range []string{"kube-system/etcd (StatefulSet etcd)", "kube-system/etcd (StatefulSet etcd-events)", "kube-system/etcd", "kube-system/kube-dns", "default/component=etcd"} {
			if g := byKey[k]; g != nil {
				out = append(out, row{Key: g.Key, Members: g.Members, Size: g.Size(), MinAvailable: g.MinAvailable()})
			}
		}
		return out
	}
	want := []row{
		{Key: "kube-system/etcd (StatefulSet etcd)", Members: 2, Size: 5, MinAvailable: 3},
		{Key: "kube-system/etcd (StatefulSet etcd-events)", Members: 2, Size: 2, MinAvailable: 2},
		{Key: "kube-system/etcd", Members: 1, Size: 1, MinAvailable: 1},
	}
	if diff := cmp.Diff(want, collect(false)); diff != "" {
		t.Errorf("groups without mirror pods (-want +got):\n%s", diff)
	}
	want[2] = row{Key: "kube-system/etcd", Members: 2, Size: 2, MinAvailable: 2}
	if diff := cmp.Diff(want, collect(true)); diff != "" {
		t.Errorf("groups with mirror pods (-want +got):\n%s", diff)
	}
}
