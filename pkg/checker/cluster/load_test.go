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

package cluster_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
)

// objects returns the cluster's objects for a fake clientset.
func objects(c fixture.Cluster) []runtime.Object {
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

func loadedOf(c cluster.Cluster) loaded {
	return loaded{len(c.Nodes), len(c.Pods), len(c.PDBs), len(c.StatefulSets), len(c.ReplicaSets), c.Forbidden}
}

func TestLoad(t *testing.T) {
	ha := fixture.HACluster()
	ha.StatefulSets = []*appsv1.StatefulSet{fixture.StatefulSet("kube-system", "etcd-events", 3)}
	ha.ReplicaSets = []*appsv1.ReplicaSet{fixture.ReplicaSet("kube-system", "coredns-5d", 2, "coredns", 2)}
	forbid := func(resource string) k8stesting.ReactionFunc {
		return func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "apps", Resource: resource}, "", errors.New("RBAC: access denied"))
		}
	}
	all := loadedOf(cluster.Cluster(ha))
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
			want: func() loaded {
				l := all
				l.StatefulSets, l.Forbidden = 0, []string{cluster.ForbiddenStatefulSets}
				return l
			}(),
		},
		{
			name: "ReplicaSets forbidden: recorded, not an error", resource: "replicasets", react: forbid("replicasets"),
			want: func() loaded {
				l := all
				l.ReplicaSets, l.Forbidden = 0, []string{cluster.ForbiddenReplicaSets}
				return l
			}(),
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
			cs := fake.NewClientset(objects(ha)...)
			if tc.react != nil {
				cs.PrependReactor("list", tc.resource, tc.react)
			}
			got, err := cluster.Load(context.Background(), cs, cluster.LoadOptions{})
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
			if r := audit.Analyze(model.New(nil, got), audit.Options{}); r.Verdict != v1alpha1.VerdictPass {
				t.Errorf("verdict %s of the loaded HA cluster; findings: %+v", r.Verdict, r.Findings)
			}
		})
	}
}
