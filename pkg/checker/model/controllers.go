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

package model

import (
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Controllers answers policy.Controllers from what cluster.Load listed, so
// the checker sizes groups as the scheduler's DisruptionGuard does from its
// informers.
type Controllers struct {
	statefulSets map[string]*appsv1.StatefulSet
	replicaSets  map[string]*appsv1.ReplicaSet
}

var _ policy.Controllers = Controllers{}

func newControllers(c cluster.Cluster) Controllers {
	ctrl := Controllers{statefulSets: map[string]*appsv1.StatefulSet{}, replicaSets: map[string]*appsv1.ReplicaSet{}}
	for _, s := range c.StatefulSets {
		ctrl.statefulSets[s.Namespace+"/"+s.Name] = s
	}
	for _, r := range c.ReplicaSets {
		ctrl.replicaSets[r.Namespace+"/"+r.Name] = r
	}
	return ctrl
}

// StatefulSet returns the StatefulSet namespace/name, nil when not listed.
func (c Controllers) StatefulSet(namespace, name string) *appsv1.StatefulSet {
	return c.statefulSets[namespace+"/"+name]
}

// ReplicaSet returns the ReplicaSet namespace/name, nil when not listed.
func (c Controllers) ReplicaSet(namespace, name string) *appsv1.ReplicaSet {
	return c.replicaSets[namespace+"/"+name]
}

// newLookups answers what the policy reads beside a pod (policy.Lookups)
// from what cluster.Load listed: the controllers, the Services (an index
// built once), and the nodes by name.
func newLookups(ctrl Controllers, services []*v1.Service, nodes map[string]*v1.Node) policy.Lookups {
	svcs := policy.NewServiceIndex()
	for _, s := range services {
		svcs.Upsert(s)
	}
	return policy.Lookups{
		Controllers: ctrl,
		Services:    svcs,
		Node:        func(name string) *v1.Node { return nodes[name] },
	}
}
