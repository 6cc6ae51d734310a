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

package disruptionguard

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2/ktesting"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The guard caches only the owners of the namespaces whose groups it
// sizes, and only the fields it reads: a tenant's ReplicaSet is never
// cached, and a trusted one without its template.
func TestOwnersCacheOnlyWhatTheGuardReads(t *testing.T) {
	template := v1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{"big": string(make([]byte, 1<<16))}},
		Spec:       v1.PodSpec{Containers: []v1.Container{{Name: "c", Image: "x"}}},
	}
	withTemplate := func(rs *appsv1.ReplicaSet) *appsv1.ReplicaSet {
		rs.Spec.Template = template
		rs.Labels = map[string]string{"app": "x"}
		rs.Annotations["other"] = "dropped"
		rs.UID = types.UID("uid-rs-" + rs.Namespace)
		return rs
	}
	trusted := withTemplate(deploymentReplicaSet("kube-system", "coredns-5d", "coredns", 2, 3))
	tenant := withTemplate(deploymentReplicaSet("shop", "web-7f", "web", 0, 0))
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "etcd", UID: "uid-etcd", Labels: map[string]string{"app": "etcd"}},
		Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To[int32](3), Template: template},
	}
	userControlled := testutil.LoadedPolicy(t, config.PolicyArgs{UserWorkloads: &config.RuleArgs{Placement: policy.PlaceWorker, Spread: policy.SpreadPreferred, Disruption: &config.DisruptionArgs{MinAvailable: ptr.To[int32](1)}}})
	tests := []struct {
		name      string
		args      *config.PolicyArgs
		wantScope []string
		// want: namespace/name -> what is cached (nil: nothing).
		want map[string]runtime.Object
	}{
		{
			name:      "the default policy: the trusted namespaces only",
			args:      testutil.LoadedPolicy(t, config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "calico-system"}}),
			wantScope: []string{"calico-system", "kube-system"},
			want: map[string]runtime.Object{
				"kube-system/coredns-5d": &appsv1.ReplicaSet{
					ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "coredns-5d", UID: trusted.UID,
						Annotations:     map[string]string{policy.DesiredReplicasAnnotation: "3"},
						OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "coredns", Controller: ptr.To(true)}}},
					Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](2)},
				},
				"kube-system/etcd": &appsv1.StatefulSet{
					ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "etcd", UID: "uid-etcd"},
					Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To[int32](3)},
				},
				"shop/web-7f": nil,
			},
		},
		{
			name:      "user workloads disruption-controlled: every namespace, still slimmed",
			args:      userControlled,
			wantScope: []string{""},
			want: map[string]runtime.Object{
				"shop/web-7f": &appsv1.ReplicaSet{
					ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-7f", UID: tenant.UID,
						Annotations:     map[string]string{policy.DesiredReplicasAnnotation: "0"},
						OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "web", Controller: ptr.To(true)}}},
					Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To[int32](0)},
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			p, err := tt.args.Policy()
			require.NoError(t, err)
			client := clientsetfake.NewClientset(trusted, tenant, sts)
			o, err := sharedOwners(ctx, informers.NewSharedInformerFactory(client, 0), client, ownerScope(p))
			require.NoError(t, err)
			require.True(t, o.waitForSync(ctx))
			if diff := cmp.Diff(tt.wantScope, o.scope); diff != "" {
				t.Errorf("scope (-want +got):\n%s", diff)
			}
			got := map[string]runtime.Object{}
			for key := range tt.want {
				ns, name, _ := strings.Cut(key, "/")
				if rs := o.ReplicaSet(ns, name); rs != nil {
					got[key] = rs
				} else if s := o.StatefulSet(ns, name); s != nil {
					got[key] = s
				} else {
					got[key] = nil
				}
			}
			if diff := cmp.Diff(tt.want, got, cmpIgnoreResourceVersion); diff != "" {
				t.Errorf("cached owners (-want +got):\n%s", diff)
			}
		})
	}
}

// cmpIgnoreResourceVersion: the fake API server sets resource versions.
var cmpIgnoreResourceVersion = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".ResourceVersion" }, cmp.Ignore())
