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

package failuredomainspread

import (
	"context"

	v1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// replicaOf tells whether a pod is a replica of the group of the pod being
// scheduled that the spread counts. policy.GroupOf builds no string, so
// comparing groups costs no allocation: PreFilter and PreScore may run it
// on every pod of the cluster (before the replica index is ready), and the
// queueing hints on every pod event.
type replicaOf struct {
	policy   *policy.Policy
	services policy.Services
	group    policy.Group
}

func (pl *FailureDomainSpread) replicaOf(pod *v1.Pod, c policy.Class) replicaOf {
	return replicaOf{policy: pl.policy, services: pl.services, group: policy.GroupOf(pod, c, pl.services)}
}

// counts reports whether p is a replica the spread counts: same group, and
// holding its place (policy.CountsInSpread).
func (m replicaOf) counts(p *v1.Pod) bool {
	return p.Namespace == m.group.Namespace && policy.CountsInSpread(p) &&
		policy.GroupOf(p, m.policy.Classify(p), m.services) == m.group
}

// countOnNode returns the replicas of the group on one node. Assumed pods
// are in the NodeInfo, so they count.
func countOnNode(m replicaOf, ni fwk.NodeInfo) int {
	n := 0
	for _, pi := range ni.GetPods() {
		if m.counts(pi.GetPod()) {
			n++
		}
	}
	return n
}

// groupCount is a group's replicas: per domain at each level, in all, and
// the nodes holding them (for the score's candidate tuples).
type groupCount struct {
	counts policy.ReplicaCounts
	total  int
	// holders are the nodes holding at least one replica.
	holders []*v1.Node
}

// countGroup counts the group's replicas per domain: from the replica index
// when it is ready (the cost of the group's nodes), else by walking every
// pod of every node (the moments before the index has seen the informer's
// initial list).
func (pl *FailureDomainSpread) countGroup(ctx context.Context, m replicaOf, nodes []fwk.NodeInfo) groupCount {
	if pl.replicas.ready() {
		return pl.countFromIndex(m.group)
	}
	return pl.countReplicas(ctx, m, nodes)
}

func (pl *FailureDomainSpread) newCount() groupCount {
	return groupCount{counts: policy.NewReplicaCounts(len(pl.levels))}
}

// hold counts n replicas on node.
func (g *groupCount) hold(levels []string, node *v1.Node, n int) {
	g.counts.Add(levels, node, n)
	g.total += n
	g.holders = append(g.holders, node)
}

// countFromIndex counts the replicas the index holds, on the nodes of the
// cycle's snapshot (a node gone from the snapshot holds nothing).
func (pl *FailureDomainSpread) countFromIndex(group policy.Group) groupCount {
	g := pl.newCount()
	infos := pl.lister.NodeInfos()
	pl.replicas.replicasOf(group, func(name string, n int) {
		ni, err := infos.Get(name)
		if err != nil || ni.Node() == nil {
			return
		}
		g.hold(pl.levels, ni.Node(), n)
	})
	return g
}

// countReplicas counts the group's replicas per domain over all nodes, by
// walking their pods (in parallel).
func (pl *FailureDomainSpread) countReplicas(ctx context.Context, m replicaOf, nodes []fwk.NodeInfo) groupCount {
	perNode := make([]int32, len(nodes))
	pl.until(ctx, len(nodes), func(i int) {
		if nodes[i].Node() != nil {
			perNode[i] = int32(countOnNode(m, nodes[i]))
		}
	})
	g := pl.newCount()
	for i, n := range perNode {
		if n > 0 {
			g.hold(pl.levels, nodes[i].Node(), int(n))
		}
	}
	return g
}

// roleCandidates returns the nodes of the roles the pod may use when that is
// one small role (control-plane or infra) and the role index knows them;
// otherwise all nodes. Before the index has seen the informer's initial
// list, and when it knows no node of the role, all nodes.
func (pl *FailureDomainSpread) roleCandidates(c policy.Class, nodes []fwk.NodeInfo) []fwk.NodeInfo {
	role, single := c.Roles.Only()
	if !single || role == policy.RoleWorker {
		return nodes
	}
	names := pl.roles.Names(role)
	if len(names) == 0 || !pl.roles.Ready() {
		return nodes
	}
	infos := pl.lister.NodeInfos()
	out := make([]fwk.NodeInfo, 0, len(names))
	for name := range names {
		if ni, err := infos.Get(name); err == nil {
			out = append(out, ni)
		}
	}
	return out
}
