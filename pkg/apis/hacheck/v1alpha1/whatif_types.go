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

// Failure is the failure what-if assesses: exactly one zone, physical host,
// node or domain of another of the policy's levels. Domains are as the
// rest of the checker reads them: a node without a host-id is its own host
// (its hostname), nodes without a zone label are the zone "<unlabelled>".
type Failure struct {
	Zone string `json:"zone,omitempty"`
	Host string `json:"host,omitempty"`
	Node string `json:"node,omitempty"`
	// Domain is a domain of any of the policy's levels, LEVEL=VALUE: the
	// level by its name ("rack", "region", "zone", "host") or its label
	// ("topology.kubernetes.io/region=eu-1").
	Domain string `json:"domain,omitempty"`
}

// Levels of WhatIf.Level that are not the policy's (zone and host are
// named so whatever their labels).
const (
	LevelZone = "zone"
	LevelHost = "host"
	LevelNode = "node"
)

// WhatIf is what one failure would take down, counted as the report's
// survival counts it: the replicas available now on the failed nodes
// against those available elsewhere and, for quorums and minimums, the
// group's desired size. Components that run on every node by design
// (kube-proxy) are not assessed, as in the report.
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type WhatIf struct {
	TypeMeta `json:",inline"`
	// PolicySource says where the policy came from, in words.
	PolicySource string  `json:"policySource"`
	Failure      Failure `json:"failure"`
	// Level is LevelZone, LevelHost, LevelNode or the name of another of
	// the policy's levels ("region", "rack"); Domain the failed one.
	Level  string `json:"level"`
	Domain string `json:"domain"`
	// Nodes are the nodes that fail, by name; NodesNotReady those of them
	// not Ready already (their replicas are not available now: the failure
	// takes nothing more from them).
	Nodes         []string `json:"nodes"`
	NodesNotReady []string `json:"nodesNotReady,omitempty"`
	// ComponentsLost are the component groups the failure leaves without
	// an available replica.
	ComponentsLost []GroupLoss `json:"componentsLost"`
	// QuorumLost are the quorum groups (etcd) left with some members, but
	// no more than half of their desired size.
	QuorumLost []QuorumLoss `json:"quorumLost"`
	// BelowMinimum are the other disruption-controlled groups left with
	// some replicas, but fewer than their minimum available.
	BelowMinimum []MinimumLoss `json:"belowMinimum"`
	// UserGroupsLost are the groups of pods no component matches (user
	// workloads, and the other pods of trusted namespaces) that lose every
	// available replica.
	UserGroupsLost []GroupLoss `json:"userGroupsLost"`
	// ComponentsDownAlready are the component groups with no replica
	// available before the failure: it takes nothing from them, but they
	// are down all the same.
	ComponentsDownAlready []string `json:"componentsDownAlready,omitempty"`
}

// Survives reports whether the failure takes no component, quorum,
// minimum or user group.
func (r *WhatIf) Survives() bool {
	return len(r.ComponentsLost) == 0 && len(r.QuorumLost) == 0 && len(r.BelowMinimum) == 0 && len(r.UserGroupsLost) == 0
}

// GroupLoss is a group whose every available replica fails.
type GroupLoss struct {
	Group string `json:"group"`
	// Lost are the replicas available now that the failure takes: all of
	// them. Desired is the group's desired size.
	Lost    int `json:"lost"`
	Desired int `json:"desired"`
	// Protected: a disruption-controlled or Required-spread component,
	// whose loss the report counts as a fail.
	Protected bool `json:"protected,omitempty"`
}

// MinimumLoss is a disruption-controlled group left with fewer available
// replicas than its minimum.
type MinimumLoss struct {
	Group        string `json:"group"`
	Desired      int    `json:"desired"`
	Survivors    int    `json:"survivors"`
	MinAvailable int    `json:"minAvailable"`
}
