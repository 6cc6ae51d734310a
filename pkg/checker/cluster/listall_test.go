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

package cluster

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

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
