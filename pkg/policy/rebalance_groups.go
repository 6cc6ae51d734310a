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
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	v1helper "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/klog/v2"
)

// Volumes finds the volumes that may keep a pod where it is. The scheduler
// answers from its informers, the checker from what it listed. A nil
// Volumes means they were not read: a pod with a claim is then taken as
// pinned to its node.
type Volumes interface {
	// PersistentVolumeClaim returns the claim, nil when there is none.
	PersistentVolumeClaim(namespace, name string) *v1.PersistentVolumeClaim
	// PersistentVolume returns the volume, nil when there is none.
	PersistentVolume(name string) *v1.PersistentVolume
}

// RebalanceInput is what RebalanceGroups reads: the pods and nodes of the
// cluster, and beside them the controllers (a template's spec.nodeName,
// desired replicas), Services (groups) and nodes by name (mirror pods) of
// Lookups, and the Volumes (nil: not read).
type RebalanceInput struct {
	Pods    []*v1.Pod
	Nodes   []*v1.Node
	Lookups Lookups
	Volumes Volumes
	// ComparisonOps: tolerations may use the Lt/Gt operators (feature gate
	// TaintTolerationComparisonOperators), as for TaintToleration.
	ComparisonOps bool
}

// RebalanceGroups returns every spread group of the pods (GroupOf; spread
// None and DaemonSet pods are never spread), by key, for Plan: the
// replicas FailureDomainSpread counts (not terminating, bound to a node
// that exists), each with what keeps it where it is; the nodes a
// replacement may use now (Eligibility of one of the group's pods: role,
// node selector and affinity, not cordoned, no untolerated
// NoSchedule/NoExecute taint, up); and why the group is not settled, if it
// is not.
//
// A replica cannot move (Keep is every level) when it is a static pod's
// mirror (the kubelet owns it), has no controller, or a controller other
// than a ReplicaSet, StatefulSet or ReplicationController (ha-check moves
// only replicas whose controller puts an equal one back), or one whose
// template sets spec.nodeName; when a hostPath volume or a local (or
// hostPath) PersistentVolume holds its data on its node; when its node is
// down. Its node selector and affinity, and a PersistentVolume's node
// affinity, keep it in the widest levels at which every node they allow
// shares its node's domain: a volume of one zone keeps the zone level, one
// reachable from its node alone every level.
func (p *Policy) RebalanceGroups(logger klog.Logger, in RebalanceInput) []*RebalanceGroup {
	b := newRebalanceBuilder(p, logger, in)
	pods := slices.Clone(in.Pods)
	// By namespace, then name (members are listed by name; a group's pods
	// share a namespace), without making a string per comparison: 51,000
	// pods are 800,000 comparisons (BenchmarkRebalanceGaugeCount).
	slices.SortFunc(pods, func(a, b *v1.Pod) int {
		return cmp.Or(strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	for _, pod := range pods {
		b.add(pod)
	}
	return b.finish()
}

// Why a group is unsettled, in the order its message lists them.
var unsettledReasons = []string{"pending", "not Ready", "on a node that is not Ready", "on a node that no longer exists", "terminating"}

// groupBuild is a group being collected.
type groupBuild struct {
	g     *RebalanceGroup
	class Class
	// pods are the members' pods, in the order of g.Members.
	pods []*v1.Pod
	// unsettled counts the pods per reason of unsettledReasons.
	unsettled map[string]int
	// owners counts the active pods per owner, with the owner's desired
	// replicas.
	owners map[string]*ownerCount
}

type ownerCount struct {
	desired, active int
}

// rebalanceBuilder collects the groups, with what they share cached: each
// node's domains, the nodes allowed by one set of scheduling constraints,
// the nodes a PersistentVolume's affinity allows.
type rebalanceBuilder struct {
	p      *Policy
	logger klog.Logger
	in     RebalanceInput
	nodes  map[string]*v1.Node
	// domains are each node's domains at the policy's levels.
	domains map[string][]string
	groups  map[Group]*groupBuild
	// placements caches, per scheduling constraints, what they allow.
	placements map[string]*placement
	// volumePins caches, per PersistentVolume with node affinity, the
	// domains every node it allows shares.
	volumePins map[string][]string
}

// placement is what one set of scheduling constraints (roles, node
// selector, node affinity, tolerations) allows: the nodes a pod may use
// now, and the domains every node it could ever use shares, widest first.
type placement struct {
	eligible []RebalanceNode
	shared   []string
	// index is eligible by domain, made for the first group that plans
	// on these nodes and shared by the others (Plan only reads it).
	index *nodeIndex
}

func (pl *placement) nodeIndex(levels int) *nodeIndex {
	if pl.index == nil {
		pl.index = newNodeIndex(pl.eligible, levels)
	}
	return pl.index
}

func newRebalanceBuilder(p *Policy, logger klog.Logger, in RebalanceInput) *rebalanceBuilder {
	b := &rebalanceBuilder{p: p, logger: logger, in: in, nodes: make(map[string]*v1.Node, len(in.Nodes)),
		domains: make(map[string][]string, len(in.Nodes)), groups: map[Group]*groupBuild{},
		placements: map[string]*placement{}, volumePins: map[string][]string{}}
	for _, n := range in.Nodes {
		b.nodes[n.Name] = n
		d := make([]string, len(p.Levels))
		for l, key := range p.Levels {
			d[l] = DomainOf(n.Name, n.Labels, key)
		}
		b.domains[n.Name] = d
	}
	return b
}

// add sorts an unfinished pod into its group.
func (b *rebalanceBuilder) add(pod *v1.Pod) {
	if pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed || IsDaemonSetPod(pod) {
		return
	}
	c := b.p.Classify(pod)
	if c.Spread == SpreadNone {
		return
	}
	group := GroupOf(pod, c, b.in.Lookups.Services)
	gb := b.groups[group]
	if gb == nil {
		g := &RebalanceGroup{Key: group.String(), Group: group, Spread: c.Spread, Levels: b.p.Levels}
		if c.Spread == SpreadRequired {
			g.Required = b.p.RequiredIndexes()
		}
		gb = &groupBuild{g: g, class: c, unsettled: map[string]int{}, owners: map[string]*ownerCount{}}
		b.groups[group] = gb
	}
	if IsTerminating(pod) {
		gb.unsettled["terminating"]++
		return
	}
	o := OwnerOf(pod, b.in.Lookups.Controllers)
	if o.Kind != "" {
		oc := gb.owners[o.String()]
		if oc == nil {
			oc = &ownerCount{desired: o.Desired}
			gb.owners[o.String()] = oc
		}
		oc.active++
	}
	node := b.nodes[pod.Spec.NodeName]
	switch {
	case pod.Spec.NodeName == "":
		gb.unsettled["pending"]++
		return
	case node == nil:
		// Not counted: the scheduler's snapshot has no such node.
		gb.unsettled["on a node that no longer exists"]++
		return
	case !NodeCanRunPods(node):
		gb.unsettled["on a node that is not Ready"]++
	case !IsAvailable(pod):
		gb.unsettled["not Ready"]++
	}
	gb.g.Members = append(gb.g.Members, RebalanceMember{Pod: pod.Namespace + "/" + pod.Name, Node: node.Name, Domains: b.domains[node.Name]})
	gb.pods = append(gb.pods, pod)
}

// finish completes each group (settled or not, the nodes open to it, what
// keeps each member) and returns them by key.
func (b *rebalanceBuilder) finish() []*RebalanceGroup {
	out := make([]*RebalanceGroup, 0, len(b.groups))
	for _, gb := range b.groups {
		g := gb.g
		g.Unsettled = gb.unsettledMessage()
		// A group of one never moves (Plan): its nodes are not worth
		// looking up.
		if len(g.Members) >= 2 {
			for i := range g.Members {
				g.Members[i].Keep, g.Members[i].Why = b.pin(gb.pods[i], gb.class, &g.Members[i])
			}
			pl := b.placementOf(gb.representative(), gb.class)
			g.Nodes, g.index = pl.eligible, pl.nodeIndex(len(b.p.Levels))
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *RebalanceGroup) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// unsettledMessage says why the group is not settled: "1 pending, 2 not
// created"; "" when it is.
func (gb *groupBuild) unsettledMessage() string {
	var parts []string
	for _, r := range unsettledReasons {
		if n := gb.unsettled[r]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, r))
		}
	}
	missing := 0
	for _, o := range gb.owners {
		if o.desired > o.active {
			missing += o.desired - o.active
		}
	}
	if missing > 0 {
		parts = append(parts, fmt.Sprintf("%d not created", missing))
	}
	return strings.Join(parts, ", ")
}

// representative is the pod whose scheduling constraints say which nodes a
// replacement may use: the first member with a controller (the pods of
// one controller share its template), else the first member.
func (gb *groupBuild) representative() *v1.Pod {
	for _, p := range gb.pods {
		if metav1.GetControllerOfNoCopy(p) != nil {
			return p
		}
	}
	return gb.pods[0]
}

// placementOf returns what the pod's scheduling constraints allow, cached
// by the constraints: the pods of one workload, and most workloads, share
// them, and each new set costs a pass over the nodes.
func (b *rebalanceBuilder) placementOf(pod *v1.Pod, c Class) *placement {
	key := constraintsKey(pod, c)
	if pl, ok := b.placements[key]; ok {
		return pl
	}
	elig := NewEligibility(b.logger, pod, c.Roles, b.in.ComparisonOps)
	pl := &placement{}
	var usable []string
	for _, n := range b.in.Nodes {
		if !elig.Usable(n) {
			continue
		}
		usable = append(usable, n.Name)
		if !elig.CordonedFor(n) && !elig.Tainted(n) {
			pl.eligible = append(pl.eligible, RebalanceNode{Name: n.Name, Domains: b.domains[n.Name]})
		}
	}
	slices.SortFunc(pl.eligible, func(a, b RebalanceNode) int { return strings.Compare(a.Name, b.Name) })
	pl.shared = b.sharedDomains(usable)
	b.placements[key] = pl
	return pl
}

// constraintsKey identifies the scheduling constraints that decide which
// nodes a pod may use: its roles, node selector, node affinity and
// tolerations.
func constraintsKey(pod *v1.Pod, c Class) string {
	var affinity *v1.NodeAffinity
	if pod.Spec.Affinity != nil {
		affinity = pod.Spec.Affinity.NodeAffinity
	}
	// Marshalling these API types cannot fail; a map's keys are sorted.
	data, _ := json.Marshal(struct {
		Roles        RoleSet
		NodeSelector map[string]string
		Affinity     *v1.NodeAffinity
		Tolerations  []v1.Toleration
	}{c.Roles, pod.Spec.NodeSelector, affinity, pod.Spec.Tolerations})
	return string(data)
}

// sharedDomains returns the domains, widest first, that all the named
// nodes share: as many levels as they agree on from the widest down.
func (b *rebalanceBuilder) sharedDomains(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	shared := b.domains[names[0]]
	for _, n := range names[1:] {
		d := b.domains[n]
		k := 0
		for k < len(shared) && shared[k] == d[k] {
			k++
		}
		shared = shared[:k]
	}
	return shared
}

// pin returns how many of the widest levels the member keeps, and why.
func (b *rebalanceBuilder) pin(pod *v1.Pod, c Class, m *RebalanceMember) (int, string) {
	all := len(b.p.Levels)
	if !NodeCanRunPods(b.nodes[m.Node]) {
		return all, "its node " + m.Node + " is down"
	}
	if b.in.Lookups.IsMirrorPod(pod) {
		return all, "static pod: the kubelet of " + m.Node + " owns it"
	}
	ref := metav1.GetControllerOfNoCopy(pod)
	if ref == nil {
		return all, "no controller would recreate it"
	}
	var template *v1.PodTemplateSpec
	switch ref.Kind {
	case "ReplicaSet":
		if rs := replicaSet(b.in.Lookups.Controllers, pod.Namespace, ref.Name); rs != nil {
			template = &rs.Spec.Template
		}
	case "StatefulSet":
		if sts := statefulSet(b.in.Lookups.Controllers, pod.Namespace, ref.Name); sts != nil {
			template = &sts.Spec.Template
		}
	case "ReplicationController":
	default:
		return all, fmt.Sprintf("its controller is a %s (%s), not a ReplicaSet, StatefulSet or ReplicationController, which would put an equal replica back", ref.Kind, ref.Name)
	}
	if template != nil && template.Spec.NodeName != "" {
		return all, fmt.Sprintf("its %s's template sets spec.nodeName (%s)", ref.Kind, template.Spec.NodeName)
	}

	keep, why := 0, ""
	pinned := func(k int, reason string) {
		if k > keep {
			keep, why = k, reason
		}
	}
	if k := sharedPrefix(b.placementOf(pod, c).shared, m.Domains); k > 0 {
		pinned(k, "its node role, node selector and affinity allow "+b.allowOnly(k, m))
	}
	for i := range pod.Spec.Volumes {
		v := &pod.Spec.Volumes[i]
		switch {
		case v.HostPath != nil:
			pinned(all, fmt.Sprintf("hostPath volume %s keeps its data on node %s", v.Name, m.Node))
		case v.PersistentVolumeClaim != nil:
			pinned(b.claimPin(pod.Namespace, v.PersistentVolumeClaim.ClaimName, m))
		}
	}
	return keep, why
}

// claimPin returns how many levels a pod's PersistentVolumeClaim keeps it
// in, and why.
func (b *rebalanceBuilder) claimPin(namespace, claim string, m *RebalanceMember) (int, string) {
	all := len(b.p.Levels)
	if b.in.Volumes == nil {
		return all, fmt.Sprintf("PersistentVolumeClaim %s may keep it where it is: volumes were not read", claim)
	}
	pvc := b.in.Volumes.PersistentVolumeClaim(namespace, claim)
	if pvc == nil || pvc.Spec.VolumeName == "" {
		return 0, ""
	}
	pv := b.in.Volumes.PersistentVolume(pvc.Spec.VolumeName)
	switch {
	case pv == nil:
		return all, fmt.Sprintf("PersistentVolume %s of claim %s was not found", pvc.Spec.VolumeName, claim)
	case pv.Spec.Local != nil || pv.Spec.HostPath != nil:
		return all, fmt.Sprintf("PersistentVolume %s (claim %s) is a volume of node %s", pv.Name, claim, m.Node)
	case pv.Spec.NodeAffinity == nil || pv.Spec.NodeAffinity.Required == nil:
		return 0, ""
	}
	shared, ok := b.volumePins[pv.Name]
	if !ok {
		var names []string
		for _, n := range b.in.Nodes {
			// A selector that does not parse allows no node.
			if match, _ := v1helper.MatchNodeSelectorTerms(n, pv.Spec.NodeAffinity.Required); match {
				names = append(names, n.Name)
			}
		}
		shared = b.sharedDomains(names)
		b.volumePins[pv.Name] = shared
	}
	k := sharedPrefix(shared, m.Domains)
	if k == 0 {
		return 0, ""
	}
	return k, fmt.Sprintf("PersistentVolume %s (claim %s) allows %s", pv.Name, claim, b.allowOnly(k, m))
}

// allowOnly words what a pin of k levels allows: "only nodes of
// topology.kubernetes.io/zone=a", "no node but n1".
func (b *rebalanceBuilder) allowOnly(k int, m *RebalanceMember) string {
	if k == len(b.p.Levels) {
		return "no node but " + m.Node
	}
	return "only nodes of " + b.p.Levels[k-1] + "=" + m.Domains[k-1]
}

// sharedPrefix is how many of the widest domains the member's node shares
// with shared.
func sharedPrefix(shared, domains []string) int {
	k := 0
	for k < len(shared) && k < len(domains) && shared[k] == domains[k] {
		k++
	}
	return k
}
