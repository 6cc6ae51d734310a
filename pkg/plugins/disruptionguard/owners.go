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
	"context"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// owners answers policy.Controllers: the ReplicaSets and StatefulSets that
// size disruption-controlled groups. It caches only what the guard reads,
// from where it reads it:
//
//   - only the namespaces whose pods can be in such a group: the trusted
//     ones, unless the policy makes user workloads disruption-controlled
//     (then every namespace). A tenant's ReplicaSets are none of the
//     guard's business, and the scheduler's informer factory would cache
//     every one of them, pod template included: 100 ReplicaSets of zero
//     replicas and a 1 MB template took the scheduler from 68 to 205 MiB;
//   - only the fields it reads (policy.OwnerOf): name, namespace, UID,
//     controller reference, the Deployment's desired replicas annotation,
//     spec.replicas. The template, status, labels, other annotations and
//     managed fields are dropped before anything is cached (Transform),
//     so even the objects it must watch cost a few hundred bytes each.
//
// Its informers are its own (one factory per watched namespace), not the
// scheduler's shared factory: a transform there would strip the objects
// for every other user of that factory.
type owners struct {
	// scope is the namespaces watched; [""] for every namespace.
	scope        []string
	replicaSets  map[string]appslisters.ReplicaSetLister
	statefulSets map[string]appslisters.StatefulSetLister
	synced       []cache.InformerSynced
}

var _ policy.Controllers = &owners{}

// ownerScope is the namespaces whose owners the guard reads under p:
// [""] (every namespace) when user workloads are disruption-controlled,
// else the trusted namespaces, sorted.
func ownerScope(p *policy.Policy) []string {
	if p.UserWorkloads.Disruption.Controlled() {
		return []string{metav1.NamespaceAll}
	}
	scope := make([]string, 0, p.TrustedNamespaces.Len())
	for ns := range p.TrustedNamespaces {
		scope = append(scope, ns)
	}
	slices.Sort(scope)
	return scope
}

// sharedOwners returns the owners cache of the scope, shared by the guards
// of every profile whose policy watches the same namespaces, and starts its
// informers; they stop with ctx.
func sharedOwners(ctx context.Context, f informers.SharedInformerFactory, client kubernetes.Interface, scope []string) (*owners, error) {
	return shared.Get(ctx, f, "owners/"+strings.Join(scope, ","), func() (*owners, error) {
		o := &owners{scope: scope, replicaSets: map[string]appslisters.ReplicaSetLister{}, statefulSets: map[string]appslisters.StatefulSetLister{}}
		for _, ns := range scope {
			factory := informers.NewSharedInformerFactoryWithOptions(client, 0,
				informers.WithNamespace(ns), informers.WithTransform(slimOwner))
			rs, sts := factory.Apps().V1().ReplicaSets(), factory.Apps().V1().StatefulSets()
			o.replicaSets[ns], o.statefulSets[ns] = rs.Lister(), sts.Lister()
			o.synced = append(o.synced, rs.Informer().HasSynced, sts.Informer().HasSynced)
			factory.Start(ctx.Done())
		}
		return o, nil
	})
}

// waitForSync waits until every informer has listed its objects, or ctx
// ends. Before that a group's size would come from its pods alone.
func (o *owners) waitForSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), o.synced...)
}

// namespace is the key of the informers that watch ns, "" when none does.
func (o *owners) namespace(ns string) (string, bool) {
	if o.scope[0] == metav1.NamespaceAll {
		return metav1.NamespaceAll, true
	}
	_, ok := slices.BinarySearch(o.scope, ns)
	return ns, ok
}

// ReplicaSet returns the ReplicaSet, nil when it is not watched or not
// cached.
func (o *owners) ReplicaSet(namespace, name string) *appsv1.ReplicaSet {
	key, ok := o.namespace(namespace)
	if !ok {
		return nil
	}
	rs, err := o.replicaSets[key].ReplicaSets(namespace).Get(name)
	if err != nil {
		return nil
	}
	return rs
}

// StatefulSet returns the StatefulSet, nil when it is not watched or not
// cached.
func (o *owners) StatefulSet(namespace, name string) *appsv1.StatefulSet {
	key, ok := o.namespace(namespace)
	if !ok {
		return nil
	}
	sts, err := o.statefulSets[key].StatefulSets(namespace).Get(name)
	if err != nil {
		return nil
	}
	return sts
}

// slimOwner is the informers' transform: a ReplicaSet or StatefulSet
// reduced to what policy.OwnerOf reads.
func slimOwner(obj any) (any, error) {
	switch o := obj.(type) {
	case *appsv1.ReplicaSet:
		return &appsv1.ReplicaSet{ObjectMeta: slimMeta(o.ObjectMeta), Spec: appsv1.ReplicaSetSpec{Replicas: o.Spec.Replicas}}, nil
	case *appsv1.StatefulSet:
		return &appsv1.StatefulSet{ObjectMeta: slimMeta(o.ObjectMeta), Spec: appsv1.StatefulSetSpec{Replicas: o.Spec.Replicas}}, nil
	}
	return obj, nil
}

func slimMeta(m metav1.ObjectMeta) metav1.ObjectMeta {
	out := metav1.ObjectMeta{Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion}
	if ref := metav1.GetControllerOfNoCopy(&m); ref != nil {
		out.OwnerReferences = []metav1.OwnerReference{{APIVersion: ref.APIVersion, Kind: ref.Kind, Name: ref.Name, UID: ref.UID, Controller: ptr.To(true)}}
	}
	if v, ok := m.Annotations[policy.DesiredReplicasAnnotation]; ok {
		out.Annotations = map[string]string{policy.DesiredReplicasAnnotation: v}
	}
	return out
}
