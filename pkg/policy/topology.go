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

// UnlabelledZone is the one zone shared by every node without a zone label.
const UnlabelledZone = "<unlabelled>"

// DomainOf returns the node's domain at a level. Missing labels are normal:
// a node without a zone is in the shared unlabelled zone; a node without a
// host-id is its own host (its hostname); a node without a hostname label is
// named by its object name.
func DomainOf(nodeName string, nodeLabels map[string]string, level string) string {
	if v, ok := nodeLabels[level]; ok && v != "" {
		return v
	}
	switch level {
	case LabelZone:
		return UnlabelledZone
	case LabelHostID:
		return DomainOf(nodeName, nodeLabels, LabelHostname)
	default:
		return nodeName
	}
}
