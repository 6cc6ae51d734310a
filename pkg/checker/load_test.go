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

package checker

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// objects returns the cluster's objects for a fake clientset.
func (c Cluster) objects() []runtime.Object {
	var objs []runtime.Object
	for _, n := range c.Nodes {
		objs = append(objs, n)
	}
	for _, p := range c.Pods {
		objs = append(objs, p)
	}
	for _, p := range c.PDBs {
		objs = append(objs, p)
	}
	for _, s := range c.StatefulSets {
		objs = append(objs, s)
	}
	for _, r := range c.ReplicaSets {
		objs = append(objs, r)
	}
	return objs
}

// loaded is what Load read, in numbers.
type loaded struct {
	Nodes, Pods, PDBs, StatefulSets, ReplicaSets int
	Forbidden                                    []string
}

func loadedOf(c Cluster) loaded {
	return loaded{len(c.Nodes), len(c.Pods), len(c.PDBs), len(c.StatefulSets), len(c.ReplicaSets), c.Forbidden}
}

func TestLoad(t *testing.T) {
	ha := haCluster()
	ha.StatefulSets = []*appsv1.StatefulSet{statefulSet("kube-system", "etcd-events", 3)}
	ha.ReplicaSets = []*appsv1.ReplicaSet{replicaSet("kube-system", "coredns-5d", 2, "coredns", 2)}
	forbid := func(resource string) k8stesting.ReactionFunc {
		return func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: resource}, "", errors.New("RBAC: access denied"))
		}
	}
	all := loadedOf(ha)
	tests := []struct {
		name string
		// react is added to the fake clientset for the listed resource.
		resource string
		react    k8stesting.ReactionFunc
		want     loaded
		wantErr  string
	}{
		{name: "everything", want: all},
		{
			name: "StatefulSets forbidden: recorded, not an error", resource: "statefulsets", react: forbid("statefulsets"),
			want: func() loaded { l := all; l.StatefulSets, l.Forbidden = 0, []string{ForbiddenStatefulSets}; return l }(),
		},
		{
			name: "ReplicaSets forbidden: recorded, not an error", resource: "replicasets", react: forbid("replicasets"),
			want: func() loaded { l := all; l.ReplicaSets, l.Forbidden = 0, []string{ForbiddenReplicaSets}; return l }(),
		},
		{
			name: "other errors are errors", resource: "replicasets",
			react: func(k8stesting.Action) (bool, runtime.Object, error) {
				return true, nil, apierrors.NewInternalError(errors.New("etcd timeout"))
			},
			wantErr: "listing ReplicaSets: Internal error occurred: etcd timeout",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs := fake.NewClientset(ha.objects()...)
			if tc.react != nil {
				cs.PrependReactor("list", tc.resource, tc.react)
			}
			got, err := Load(context.Background(), cs)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, loadedOf(got)); diff != "" {
				t.Errorf("loaded (-want +got):\n%s", diff)
			}
			if r := Analyze(nil, got, Options{}); r.Verdict != VerdictPass {
				t.Errorf("verdict %s of the loaded HA cluster:\n%s", r.Verdict, text(t, r))
			}
		})
	}
}

// listAll reads a list with client-go's pager: pageSize items a call,
// following the continue tokens, telling Progress after each page and when
// done.
func TestListAllPages(t *testing.T) {
	var calls []metav1.ListOptions
	list := func(_ context.Context, opts metav1.ListOptions) (*v1.NodeList, error) {
		calls = append(calls, opts)
		next := map[string]string{"": "p2", "p2": "p3", "p3": ""}[opts.Continue]
		return &v1.NodeList{ListMeta: metav1.ListMeta{Continue: next}, Items: []v1.Node{
			{ObjectMeta: metav1.ObjectMeta{Name: "n-" + opts.Continue + "a"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "n-" + opts.Continue + "b"}},
		}}, nil
	}
	var progress []string
	o := LoadOptions{Progress: func(resource string, listed int, done bool) {
		progress = append(progress, fmt.Sprintf("%s %d %t", resource, listed, done))
	}}
	nodes, err := listAll[*v1.Node](context.Background(), o, "nodes", metav1.ListOptions{FieldSelector: "x!=y"}, list)
	require.NoError(t, err)
	if diff := cmp.Diff([]string{"n-a", "n-b", "n-p2a", "n-p2b", "n-p3a", "n-p3b"}, nodeNames(nodes)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	want := []metav1.ListOptions{
		{FieldSelector: "x!=y", Limit: pageSize},
		{FieldSelector: "x!=y", Limit: pageSize, Continue: "p2"},
		{FieldSelector: "x!=y", Limit: pageSize, Continue: "p3"},
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("list calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"nodes 2 false", "nodes 4 false", "nodes 6 false", "nodes 6 true"}, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

// A continue token that expires mid-list (the API server compacted the
// revision of the first page) makes the pager read the list again whole,
// and the progress count starts over.
func TestListAllExpiredToken(t *testing.T) {
	var calls []metav1.ListOptions
	list := func(_ context.Context, opts metav1.ListOptions) (*v1.NodeList, error) {
		calls = append(calls, opts)
		switch {
		case opts.Continue == "p2":
			return nil, apierrors.NewResourceExpired("continue token expired")
		case opts.Limit == 0:
			return &v1.NodeList{Items: []v1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "a"}}, {ObjectMeta: metav1.ObjectMeta{Name: "b"}}, {ObjectMeta: metav1.ObjectMeta{Name: "c"}}}}, nil
		}
		return &v1.NodeList{ListMeta: metav1.ListMeta{Continue: "p2"}, Items: []v1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "a"}}}}, nil
	}
	var progress []string
	o := LoadOptions{Progress: func(resource string, listed int, done bool) {
		progress = append(progress, fmt.Sprintf("%s %d %t", resource, listed, done))
	}}
	nodes, err := listAll[*v1.Node](context.Background(), o, "nodes", metav1.ListOptions{}, list)
	require.NoError(t, err)
	if diff := cmp.Diff([]string{"a", "b", "c"}, nodeNames(nodes)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	want := []metav1.ListOptions{{Limit: pageSize}, {Limit: pageSize, Continue: "p2"}, {}}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("list calls (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"nodes 1 false", "nodes 3 false", "nodes 3 true"}, progress); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}

// An error on a later page fails the list: no partial list.
func TestListAllError(t *testing.T) {
	list := func(_ context.Context, opts metav1.ListOptions) (*v1.NodeList, error) {
		if opts.Continue != "" {
			return nil, apierrors.NewForbidden(schema.GroupResource{Resource: "nodes"}, "", errors.New("RBAC: access denied"))
		}
		return &v1.NodeList{ListMeta: metav1.ListMeta{Continue: "p2"}, Items: []v1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "a"}}}}, nil
	}
	nodes, err := listAll[*v1.Node](context.Background(), LoadOptions{}, "nodes", metav1.ListOptions{}, list)
	require.True(t, apierrors.IsForbidden(err), "error %v, want Forbidden", err)
	require.Nil(t, nodes)
}

// nodeNames are the names of nodes, in order.
func nodeNames(nodes []*v1.Node) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	return out
}
