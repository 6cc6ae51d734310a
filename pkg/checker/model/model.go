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

// Package model is a cluster as the checker reads it under one policy,
// read once: every node by name, every unfinished pod classified once
// (policy.Classify: its class, its state on the nodes, its
// policy.GroupOf group), and the pods sorted into the groups the reports
// count (a disruption-controlled group per owner, the others by
// policy.GroupOf). Every command computes from one Model: the audit, explain
// and what-if, the PDB plan and the placement table read the same classes
// and groups, so they cannot disagree about a pod, and the policy's
// selectors are matched once per pod.
package model

import (
	"sort"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Model is the cluster under the policy.
type Model struct {
	Policy  *policy.Policy
	Cluster cluster.Cluster
	// Nodes are the cluster's nodes by name.
	Nodes map[string]*v1.Node
	// Pods are the unfinished pods (not Succeeded or Failed: they are no
	// replica of anything any more), by namespace and name: the order in
	// which the findings, the groups' members and the tables list them,
	// whatever order the API server listed them in.
	Pods []*Pod
	// Groups are every unfinished pod in its group, by key.
	Groups []*Group
	// Controllers and Lookups answer what the policy reads beside a pod.
	Controllers Controllers
	Lookups     policy.Lookups
	// Budgets are the cluster's PodDisruptionBudgets.
	Budgets *Budgets

	groupOf map[*v1.Pod]*Group
}

// Pod is an unfinished pod with what the policy says of it.
type Pod struct {
	*v1.Pod
	Class policy.Class
	State State
	// Group is the pod's group as FailureDomainSpread groups it
	// (policy.GroupOf), which a disruption-controlled Group splits further
	// by owner.
	Group policy.Group
}

// New reads the cluster under the policy (policy.Default() when nil): one
// pass classifies every unfinished pod and sorts it into its group.
func New(p *policy.Policy, c cluster.Cluster) *Model {
	if p == nil {
		p = policy.Default()
	}
	m := &Model{Policy: p, Cluster: c, Nodes: make(map[string]*v1.Node, len(c.Nodes)), groupOf: map[*v1.Pod]*Group{}}
	for _, n := range c.Nodes {
		m.Nodes[n.Name] = n
	}
	m.Controllers = newControllers(c)
	m.Lookups = newLookups(m.Controllers, c.Services, m.Nodes)
	gs := newGroupSet(p, m.Lookups)
	for _, pod := range sortedPods(c.Pods) {
		if IsFinished(pod) {
			continue
		}
		class := p.Classify(pod)
		mp := &Pod{Pod: pod, Class: class, State: StateOf(pod, m.Nodes), Group: policy.GroupOf(pod, class, m.Lookups.Services)}
		m.Pods = append(m.Pods, mp)
		m.groupOf[pod] = gs.add(mp)
	}
	m.Groups = gs.sorted()
	m.Budgets = newBudgets(c.PDBs, m.Pods)
	return m
}

// GroupOf returns the group of an unfinished pod of the cluster; nil for
// any other pod.
func (m *Model) GroupOf(pod *v1.Pod) *Group { return m.groupOf[pod] }

// Pod returns the unfinished pod namespace/name; nil when there is none.
func (m *Model) Pod(namespace, name string) *Pod {
	i := sort.Search(len(m.Pods), func(i int) bool {
		p := m.Pods[i]
		return p.Namespace > namespace || (p.Namespace == namespace && p.Name >= name)
	})
	if i < len(m.Pods) && m.Pods[i].Namespace == namespace && m.Pods[i].Name == name {
		return m.Pods[i]
	}
	return nil
}

// groupSet sorts pods into their groups.
type groupSet struct {
	dgs     *policy.DisruptionGroups
	lookups policy.Lookups
	byKey   map[string]*Group
}

func newGroupSet(p *policy.Policy, l policy.Lookups) *groupSet {
	dgs := policy.NewDisruptionGroups(p, l)
	// A static pod dies with its zone like any other replica.
	dgs.IncludeMirror = true
	return &groupSet{dgs: dgs, lookups: l, byKey: map[string]*Group{}}
}

// add puts an unfinished pod into its group, and returns the group: the
// disruption-controlled group of its owner when it has one
// (policy.DisruptionGroups), otherwise its policy.GroupOf group.
func (gs *groupSet) add(pod *Pod) *Group {
	dg := gs.dgs.AddMemberClass(pod.Pod, pod.Class)
	var key string
	if dg != nil {
		key = dg.Key
	} else {
		key = pod.Group.String()
	}
	g := gs.byKey[key]
	if g == nil {
		g = &Group{Key: key, Class: pod.Class, Disruption: dg, owners: map[string]*policy.DisruptionGroup{}, State: map[*v1.Pod]State{}, OwnerKinds: sets.New[string](), lookups: gs.lookups}
		gs.byKey[key] = g
	}
	if dg == nil {
		o := policy.OwnerOf(pod.Pod, gs.lookups.Controllers)
		sz := g.owners[o.String()]
		if sz == nil {
			sz = &policy.DisruptionGroup{Owner: o}
			g.owners[o.String()] = sz
		}
		sz.Members++
	}
	if ref := metav1.GetControllerOfNoCopy(pod.Pod); ref != nil {
		g.OwnerKinds.Insert(ref.Kind)
	}
	g.Members = append(g.Members, pod.Pod)
	if pod.State != Terminating {
		g.Pods = append(g.Pods, pod.Pod)
	}
	g.State[pod.Pod] = pod.State
	return g
}

// sorted returns the groups by key.
func (gs *groupSet) sorted() []*Group {
	out := make([]*Group, 0, len(gs.byKey))
	for _, k := range sets.List(sets.KeySet(gs.byKey)) {
		out = append(out, gs.byKey[k])
	}
	return out
}

// sortedPods returns the pods by namespace and name.
func sortedPods(pods []*v1.Pod) []*v1.Pod {
	out := append([]*v1.Pod(nil), pods...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}
