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

package v1alpha1

// RebalancePlan is what ha-check rebalance proposes: for each group whose
// replicas are spread worse than the scheduler would place them now (after
// a zone or host came back from an outage), the replicas to evict, in
// order, one at a time; and the groups that could be spread better but
// whose replicas cannot move, or that have not recovered yet.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type RebalancePlan struct {
	TypeMeta `json:",inline"`
	// PolicySource says where the policy came from, in words.
	PolicySource string `json:"policySource"`
	// Levels are the policy's failure-domain levels, by label, widest
	// first: what the moves' levels name.
	Levels []string `json:"levels"`
	// Moves counts the moves of every group.
	Moves int `json:"moves"`
	// Groups are the groups with moves, or that could be spread better,
	// by key.
	Groups []RebalanceGroup `json:"groups"`
}

// RebalanceGroup is one group of a plan.
type RebalanceGroup struct {
	// Group is the group's key, as the spread groups it
	// ("kube-system/kube-dns", "shop/Deployment/web").
	Group string `json:"group"`
	// Spread is the group's spread, Preferred or Required.
	Spread string `json:"spread"`
	// Moves are the evictions, in order: each replacement is placed by the
	// scheduler before the next eviction.
	Moves []RebalanceMove `json:"moves"`
	// NotMovable are the replicas that would move if they could, and why
	// they cannot: listed when the group could be spread better than its
	// moves make it.
	NotMovable []NotMovable `json:"notMovable,omitempty"`
	// Waiting says why the group is not planned now, although its replicas
	// could be spread better ("1 pending, 1 on a node that is not Ready"):
	// it has not recovered; plan again when it has.
	Waiting string `json:"waiting,omitempty"`
}

// RebalanceMove is one eviction of a plan.
type RebalanceMove struct {
	// Pod is the replica to evict (namespace/name); Node where it runs.
	Pod  string `json:"pod"`
	Node string `json:"node"`
	// Level is the label of the widest level the move improves; From and
	// To the domains there, with the group's replicas before and after
	// the move.
	Level string            `json:"level"`
	From  DomainReplicaMove `json:"from"`
	To    DomainReplicaMove `json:"to"`
	// Target is the node the scheduler would choose now; an equally good
	// node may be chosen instead.
	Target string `json:"target"`
	// Blocked says why the move cannot be made now, though it would help:
	// the eviction would take a disruption-controlled group below its
	// minimum (etcd below the quorum of its desired size). --apply stops
	// there.
	Blocked string `json:"blocked,omitempty"`
}

// DomainReplicaMove is a domain with the group's replicas before and after
// a move.
type DomainReplicaMove struct {
	Domain string `json:"domain"`
	Before int    `json:"before"`
	After  int    `json:"after"`
}

// NotMovable is a replica that stays where it is, and why.
type NotMovable struct {
	Pod    string `json:"pod"`
	Node   string `json:"node"`
	Reason string `json:"reason"`
}
