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

import v1 "k8s.io/api/core/v1"

// Failure-domain labels. LabelHostID is the SCS label for the physical
// machine under a VM (seeds 003).
const (
	LabelZone     = v1.LabelTopologyZone
	LabelRegion   = v1.LabelTopologyRegion
	LabelHostID   = "topology.scs.community/host-id"
	LabelHostname = v1.LabelHostname
)

// DefaultLevels are the failure-domain levels, widest first.
var DefaultLevels = []string{LabelZone, LabelHostID, LabelHostname}

// DefaultRequiredLevels are the levels Required groups are balanced at by
// default: the physical host, so that two control-plane VMs never share a
// hypervisor while another one has none.
var DefaultRequiredLevels = []string{LabelHostID}

// Unlabelled is the one domain, at a level wider than the host, shared by
// every node without that level's label.
const Unlabelled = "<unlabelled>"

// UnlabelledZone is the one zone shared by every node without a zone label.
const UnlabelledZone = Unlabelled

// DomainOf returns the node's domain at a level. Missing labels are normal:
// a node without a host-id is its own host (its hostname); a node without a
// hostname label is named by its object name; a node without the label of
// any other level (the zone, or a level an operator adds, such as the
// region) is in that level's one shared Unlabelled domain. Giving each such
// node a domain of its own would make every unlabelled node look like an
// empty region and draw replicas away from the labelled ones.
func DomainOf(nodeName string, nodeLabels map[string]string, level string) string {
	if v, ok := nodeLabels[level]; ok && v != "" {
		return v
	}
	switch level {
	case LabelHostID:
		return DomainOf(nodeName, nodeLabels, LabelHostname)
	case LabelHostname:
		return nodeName
	default:
		return Unlabelled
	}
}
