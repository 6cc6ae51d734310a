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

import "slices"

// Node-role labels, as kubeadm and the Tectonic documents set them.
const (
	LabelControlPlane = "node-role.kubernetes.io/control-plane"
	// LabelMaster is the legacy control-plane label (Tectonic, kubeadm < 1.20).
	LabelMaster = "node-role.kubernetes.io/master"
	LabelInfra  = "node-role.kubernetes.io/infra"
)

// NodeRole is the role of a node, derived from its labels.
type NodeRole string

const (
	RoleControlPlane NodeRole = "ControlPlane"
	RoleInfra        NodeRole = "Infra"
	RoleWorker       NodeRole = "Worker"
)

// String returns the role as operators write it ("control-plane", "infra",
// "worker"), for messages.
func (r NodeRole) String() string {
	switch r {
	case RoleControlPlane:
		return "control-plane"
	case RoleInfra:
		return "infra"
	default:
		return "worker"
	}
}

// RoleOf returns the role of a node with the given labels. Presence of the
// label counts, whatever its value: kubeadm sets an empty value.
func RoleOf(nodeLabels map[string]string) NodeRole {
	if _, ok := nodeLabels[LabelControlPlane]; ok {
		return RoleControlPlane
	}
	if _, ok := nodeLabels[LabelMaster]; ok {
		return RoleControlPlane
	}
	if _, ok := nodeLabels[LabelInfra]; ok {
		return RoleInfra
	}
	return RoleWorker
}

// Placement says which node roles a pod may use: the `nodeRole` of a rule.
type Placement string

const (
	PlaceControlPlane Placement = "ControlPlane"
	PlaceInfra        Placement = "Infra"
	PlaceWorker       Placement = "Worker"
	PlaceAny          Placement = "Any"
)

// Placements lists the valid placements, for validation messages.
var Placements = []Placement{PlaceControlPlane, PlaceInfra, PlaceWorker, PlaceAny}

// Valid reports whether p is one of Placements.
func (p Placement) Valid() bool { return slices.Contains(Placements, p) }

// RoleSet is a small set of node roles, as a bit mask so that the per-node
// check in Filter is one AND.
type RoleSet uint8

const (
	roleBitControlPlane RoleSet = 1 << iota
	roleBitInfra
	roleBitWorker
	// AllRoles allows every node.
	AllRoles = roleBitControlPlane | roleBitInfra | roleBitWorker
)

func roleBit(r NodeRole) RoleSet {
	switch r {
	case RoleControlPlane:
		return roleBitControlPlane
	case RoleInfra:
		return roleBitInfra
	default:
		return roleBitWorker
	}
}

// RolesOf returns the set of roles a placement allows.
func RolesOf(p Placement) RoleSet {
	switch p {
	case PlaceControlPlane:
		return roleBitControlPlane
	case PlaceInfra:
		return roleBitInfra
	case PlaceWorker:
		return roleBitWorker
	default:
		return AllRoles
	}
}

// Allows reports whether a node of role r is in the set.
func (s RoleSet) Allows(r NodeRole) bool { return s&roleBit(r) != 0 }

// With returns the set with r added.
func (s RoleSet) With(r NodeRole) RoleSet { return s | roleBit(r) }

// Only returns the single role in the set and true, or false when the set
// holds zero or several roles.
func (s RoleSet) Only() (NodeRole, bool) {
	switch s {
	case roleBitControlPlane:
		return RoleControlPlane, true
	case roleBitInfra:
		return RoleInfra, true
	case roleBitWorker:
		return RoleWorker, true
	}
	return "", false
}
