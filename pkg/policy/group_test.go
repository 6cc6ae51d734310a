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
	batchv1 "k8s.io/api/batch/v1"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
)

// services is a policy.Services over fixed selectors: namespace → name →
// selector.
type services map[string]map[string]labels.Set

func (s services) ServiceFor(ns string, podLabels map[string]string) string {
	names := sets.List(sets.KeySet(s[ns]))
	for _, name := range names {
		if labels.SelectorFromSet(s[ns][name]).Matches(labels.Set(podLabels)) {
			return name
		}
	}
	return ""
}

// TestGroupOf: components by name; other pods by their controller (a
// ReplicaSet of a Deployment by the Deployment), else the Service that
// selects them, else their first group label, else on their own.
func TestGroupOf(t *testing.T) {
	rs := appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
	svcs := services{"shop": {"frontend": {"tier": "frontend"}, "api": {"app": "api"}}}
	tests := []struct {
		name string
		pod  *v1.Pod
		want Group
		key  string
	}{
		{name: "component: its name, whatever its labels and owner",
			pod:  st.MakePod().Namespace("kube-system").Name("kube-scheduler-cp-1").Label("component", "kube-scheduler").Label("app", "x").OwnerReference("s-1", rs).Obj(),
			want: Group{Namespace: "kube-system", By: GroupByComponent, Name: "kube-scheduler"}, key: "kube-system/kube-scheduler"},
		{name: "etcd by either label is one group", pod: sysPod("etcd-0", "app", "etcd"),
			want: Group{Namespace: "kube-system", By: GroupByComponent, Name: "etcd"}, key: "kube-system/etcd"},
		{name: "a ReplicaSet named by the Deployment controller: the Deployment",
			pod:  st.MakePod().Namespace("shop").Name("web-7c9f-x").Label("app", "web").Label("pod-template-hash", "7c9f").OwnerReference("web-7c9f", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "Deployment", Name: "web"}, key: "shop/Deployment/web"},
		{name: "two releases sharing app.kubernetes.io/name are two groups (a)",
			pod:  st.MakePod().Namespace("shop").Name("db-a-5d-x").Label("app.kubernetes.io/name", "postgresql").Label("pod-template-hash", "5d").OwnerReference("db-a-5d", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "Deployment", Name: "db-a"}, key: "shop/Deployment/db-a"},
		{name: "two releases sharing app.kubernetes.io/name are two groups (b)",
			pod:  st.MakePod().Namespace("shop").Name("db-b-5d-x").Label("app.kubernetes.io/name", "postgresql").Label("pod-template-hash", "5d").OwnerReference("db-b-5d", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "Deployment", Name: "db-b"}, key: "shop/Deployment/db-b"},
		{name: "a ReplicaSet whose name does not end in the hash: the ReplicaSet",
			pod:  st.MakePod().Namespace("shop").Name("x").Label("pod-template-hash", "7c9f").OwnerReference("web", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "ReplicaSet", Name: "web"}, key: "shop/ReplicaSet/web"},
		{name: "a ReplicaSet named exactly like the hash: the ReplicaSet",
			pod:  st.MakePod().Namespace("shop").Name("x").Label("pod-template-hash", "7c9f").OwnerReference("7c9f", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "ReplicaSet", Name: "7c9f"}, key: "shop/ReplicaSet/7c9f"},
		{name: "a ReplicaSet without pod-template-hash: the ReplicaSet",
			pod:  st.MakePod().Namespace("shop").Name("x").Label("app", "web").OwnerReference("web-1", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "ReplicaSet", Name: "web-1"}, key: "shop/ReplicaSet/web-1"},
		{name: "a StatefulSet",
			pod:  st.MakePod().Namespace("shop").Name("db-0").Label("app", "db").OwnerReference("db", appsv1.SchemeGroupVersion.WithKind("StatefulSet")).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "StatefulSet", Name: "db"}, key: "shop/StatefulSet/db"},
		{name: "a Job",
			pod:  st.MakePod().Namespace("shop").Name("backup-x").OwnerReference("backup", batchv1.SchemeGroupVersion.WithKind("Job")).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "Job", Name: "backup"}, key: "shop/Job/backup"},
		{name: "the controller beats a Service", pod: st.MakePod().Namespace("shop").Name("api-0").Label("app", "api").OwnerReference("api", rs).Obj(),
			want: Group{Namespace: "shop", By: GroupByController, Kind: "ReplicaSet", Name: "api"}, key: "shop/ReplicaSet/api"},
		{name: "no controller: the Service that selects it", pod: nsPod("shop", "fe-1", "tier", "frontend", "run", "fe"),
			want: Group{Namespace: "shop", By: GroupByService, Name: "frontend"}, key: "shop/Service/frontend"},
		{name: "a Service beats the group labels", pod: nsPod("shop", "api-1", "app", "api"),
			want: Group{Namespace: "shop", By: GroupByService, Name: "api"}, key: "shop/Service/api"},
		{name: "a Service of another namespace does not group", pod: nsPod("bank", "fe-1", "tier", "frontend"),
			want: Group{Namespace: "bank", By: GroupByPod, Name: "fe-1"}, key: "bank/pod/fe-1"},
		{name: "no controller, no Service: app.kubernetes.io/name before app, k8s-app and component",
			pod:  nsPod("shop", "p", "component", "c", "k8s-app", "k", "app", "a", "app.kubernetes.io/name", "n"),
			want: Group{Namespace: "shop", By: GroupByLabel, Name: "app.kubernetes.io/name", Value: "n"}, key: "shop/app.kubernetes.io/name=n"},
		{name: "app before k8s-app and component", pod: nsPod("shop", "p", "component", "c", "k8s-app", "k", "app", "a"),
			want: Group{Namespace: "shop", By: GroupByLabel, Name: "app", Value: "a"}, key: "shop/app=a"},
		{name: "k8s-app before component", pod: nsPod("shop", "p", "component", "c", "k8s-app", "k"),
			want: Group{Namespace: "shop", By: GroupByLabel, Name: "k8s-app", Value: "k"}, key: "shop/k8s-app=k"},
		{name: "a label present with an empty value counts", pod: nsPod("shop", "p", "app", "", "k8s-app", "k"),
			want: Group{Namespace: "shop", By: GroupByLabel, Name: "app"}, key: "shop/app="},
		{name: "labels outside the list do not group", pod: nsPod("shop", "web-abc", "tier", "backend"),
			want: Group{Namespace: "shop", By: GroupByPod, Name: "web-abc"}, key: "shop/pod/web-abc"},
		{name: "a non-controller owner does not group", pod: func() *v1.Pod {
			p := st.MakePod().Namespace("shop").Name("web-abc").OwnerReference("web-1", rs).Obj()
			p.OwnerReferences[0].Controller = nil
			return p
		}(), want: Group{Namespace: "shop", By: GroupByPod, Name: "web-abc"}, key: "shop/pod/web-abc"},
		{name: "other trusted pods group like user workloads",
			pod:  st.MakePod().Namespace("kube-system").Name("ms-1").Label("k8s-app", "metrics-server").Label("pod-template-hash", "7c").OwnerReference("metrics-server-7c", rs).Obj(),
			want: Group{Namespace: "kube-system", By: GroupByController, Kind: "Deployment", Name: "metrics-server"}, key: "kube-system/Deployment/metrics-server"},
		{name: "a user pod with a component's labels is no component", pod: nsPod("shop", "fake", "component", "kube-scheduler"),
			want: Group{Namespace: "shop", By: GroupByLabel, Name: "component", Value: "kube-scheduler"}, key: "shop/component=kube-scheduler"},
	}
	p := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := GroupOf(tt.pod, p.Classify(tt.pod), svcs)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GroupOf (-want +got):\n%s", diff)
			}
			if s := got.String(); s != tt.key {
				t.Errorf("key = %q, want %q", s, tt.key)
			}
		})
	}
}

// Without a Services lookup a pod without a controller groups by label.
func TestGroupOfWithoutServices(t *testing.T) {
	pod := nsPod("shop", "api-1", "app", "api")
	if got, want := GroupOf(pod, Default().Classify(pod), nil).String(), "shop/app=api"; got != want {
		t.Errorf("GroupOf = %q, want %q", got, want)
	}
}

// TestGroupOfKeysNeverCollide: a component's group and a group by
// controller, Service, label or pod name are never the same key, even
// where names and values coincide.
func TestGroupOfKeysNeverCollide(t *testing.T) {
	p := &Policy{
		TrustedNamespaces: sets.New("kube-system"),
		Components: []Component{
			CompileComponent(ComponentSpec{Name: "web", MatchLabels: []map[string]string{{"tier": "web"}}, Rule: ruleAnyPref}),
		},
		OtherTrusted:  ruleAnyPref,
		UserWorkloads: ruleUserWorker,
	}
	svcs := services{"kube-system": {"web": {"role": "web"}}}
	pods := []*v1.Pod{
		sysPod("web", "tier", "web"), // the component "web"
		sysPod("a", "app", "web"),
		sysPod("b", "app.kubernetes.io/name", "web"),
		sysPod("c", "k8s-app", "web"),
		sysPod("d", "component", "web"),
		sysPod("s", "role", "web"), // the Service "web"
		st.MakePod().Namespace("kube-system").Name("e").OwnerReference("web", appsv1.SchemeGroupVersion.WithKind("ReplicaSet")).Obj(),
		st.MakePod().Namespace("kube-system").Name("f").OwnerReference("web", appsv1.SchemeGroupVersion.WithKind("StatefulSet")).Obj(),
		sysPod("web"), // its own group, named like the component
	}
	seen := map[string]string{}
	groups := map[Group]string{}
	for _, pod := range pods {
		g := GroupOf(pod, p.Classify(pod), svcs)
		if other, ok := seen[g.String()]; ok {
			t.Errorf("pods %s and %s share the group key %q", other, pod.Name, g.String())
		}
		if other, ok := groups[g]; ok {
			t.Errorf("pods %s and %s share the group %+v", other, pod.Name, g)
		}
		seen[g.String()], groups[g] = pod.Name, pod.Name
	}
}
