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

package checker

import (
	"fmt"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// StandardSCSNodeDistribution names the standard the node-distribution part
// follows.
const StandardSCSNodeDistribution = "scs-0214-v2"

// scsLabels are the labels the SCS standard requires on every node, widest
// first, in the order the SCS check compares them.
var scsLabels = []string{policy.LabelRegion, policy.LabelZone, policy.LabelHostID}

// shortLabel is the last path element of a label key ("zone", "host-id").
func shortLabel(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// topology is the cluster's nodes by name and the zones and hosts they
// span (policy.DomainOf: a node without a zone label is in the unlabelled
// zone, one without a host-id is its own host).
type topology struct {
	nodes        map[string]*v1.Node
	zones, hosts sets.Set[string]
}

// summarizeNodes is the first phase of Analyze: the node half of the
// summary, the node-distribution section and the nodes that are not Ready.
// It needs nothing but the nodes, and returns the topology the later phases
// place pods in: whether a pod's node exists and is up, and which zone and
// host each replica would fail with.
func summarizeNodes(r *Report, nodes []*v1.Node) topology {
	t := topology{nodes: make(map[string]*v1.Node, len(nodes)), zones: sets.New[string](), hosts: sets.New[string]()}
	regions := sets.New[string]()
	for _, n := range nodes {
		t.nodes[n.Name] = n
		switch policy.RoleOf(n.Labels) {
		case policy.RoleControlPlane:
			r.Summary.ControlPlaneNodes++
		case policy.RoleInfra:
			r.Summary.InfraNodes++
		default:
			r.Summary.WorkerNodes++
		}
		if !policy.NodeCanRunPods(n) {
			r.Summary.NotReadyNodes++
		}
		if v, ok := n.Labels[policy.LabelRegion]; ok {
			regions.Insert(v)
		}
		t.zones.Insert(policy.DomainOf(n.Name, n.Labels, policy.LabelZone))
		t.hosts.Insert(policy.DomainOf(n.Name, n.Labels, policy.LabelHostID))
	}
	r.Summary.Nodes = len(nodes)
	r.Summary.Regions, r.Summary.Zones, r.Summary.Hosts = regions.Len(), t.zones.Len(), t.hosts.Len()

	var findings []Finding
	r.NodeDistribution, findings = checkNodeDistribution(nodes)
	r.Findings = append(r.Findings, findings...)
	if f, ok := notReadyNodes(nodes); ok {
		r.Findings = append(r.Findings, f)
	}
	return t
}

// checkNodeDistribution implements the SCS node-distribution rules.
//
// Our reading of scs-0214-v2 and of its conformance check
// (k8s-node-distribution-check.py, 2024), whose verdict this one agrees with:
//
//   - Every node MUST carry topology.kubernetes.io/region,
//     topology.kubernetes.io/zone and topology.scs.community/host-id; a
//     missing label fails (presence counts, as in the SCS check). The SCS
//     check fails on any node missing one, worker nodes included.
//   - "The control plane nodes MUST be distributed over multiple physical
//     machines" and "at least one control plane instance MUST be run in each
//     failure zone used": the SCS check cannot tell which zones are "used",
//     so it passes when the control-plane nodes differ in at least one of
//     region, zone or host-id (checked widest first), and fails otherwise,
//     which includes a single control-plane node. We do exactly that: PASS
//     when there are at least two control-plane nodes and they differ in at
//     least one of the three labels.
//   - Where no control-plane node is visible (managed clusters hide it), the
//     SCS check applies the same rule to all nodes; so do we. Fewer than two
//     nodes in all fails, as there.
//   - Control-plane nodes are those policy.RoleOf says (the control-plane
//     label or the legacy master label); the SCS check knows only the
//     former, the rest of this project knows both.
//   - Worker distribution is only RECOMMENDED: a warning.
//
// A host-id on nodes of two zones (which the SCS test data has in a passing
// case) and an even number of control-plane nodes are warnings on top.
func checkNodeDistribution(nodes []*v1.Node) (NodeDistribution, []Finding) {
	nd := NodeDistribution{Standard: StandardSCSNodeDistribution, ControlPlane: []NodeInfo{}}
	var findings []Finding

	// Labels on every node.
	for _, key := range scsLabels {
		var missing []string
		for _, n := range nodes {
			if _, ok := n.Labels[key]; !ok {
				missing = append(missing, n.Name)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			findings = append(findings, Finding{
				ID:       IDLabelsMissing,
				Severity: SeverityFail,
				Message: fmt.Sprintf("%d of %d nodes lack the label %s, which the SCS standard requires on every node: %s",
					len(missing), len(nodes), key, nameList(missing)),
				Subjects: missing,
			})
		}
	}

	var cp, others []*v1.Node
	for _, n := range nodes {
		if policy.RoleOf(n.Labels) == policy.RoleControlPlane {
			cp = append(cp, n)
			nd.ControlPlane = append(nd.ControlPlane, nodeInfo(n))
		} else {
			others = append(others, n)
		}
	}
	sort.Slice(nd.ControlPlane, func(i, j int) bool { return nd.ControlPlane[i].Name < nd.ControlPlane[j].Name })

	// Control-plane distribution.
	considered, what := cp, "control-plane nodes"
	if len(cp) == 0 {
		considered, what = nodes, "nodes (no control-plane node is visible, so all nodes are checked, as the SCS check does)"
	}
	switch {
	case len(considered) < 2:
		findings = append(findings, Finding{
			ID:       IDControlPlaneNotDistributed,
			Severity: SeverityFail,
			Message: fmt.Sprintf("%d %s: the control plane must be distributed over multiple physical machines and failure zones, which needs at least two",
				len(considered), what),
			Subjects: names(considered),
		})
	default:
		nd.DistributedBy = distributedBy(considered)
		if nd.DistributedBy == "" {
			findings = append(findings, Finding{
				ID:       IDControlPlaneNotDistributed,
				Severity: SeverityFail,
				Message: fmt.Sprintf("the %d %s are not distributed: they share %s",
					len(considered), what, sharedLabels(considered)),
				Subjects: names(considered),
			})
		}
	}
	nd.Pass = nd.DistributedBy != ""
	for _, f := range findings {
		if f.Severity == SeverityFail {
			nd.Pass = false
		}
	}

	// Worker distribution: recommended only.
	if len(cp) > 0 && len(others) >= 2 && distributedBy(others) == "" {
		findings = append(findings, Finding{
			ID:       IDWorkersNotDistributed,
			Severity: SeverityWarn,
			Message: fmt.Sprintf("the %d non-control-plane nodes share %s; the SCS standard recommends distributing worker nodes over zones",
				len(others), sharedLabels(others)),
			Subjects: names(others),
		})
	}

	// A physical host in two zones.
	hostZones := map[string]sets.Set[string]{}
	hostNodes := map[string][]string{}
	for _, n := range nodes {
		host, okH := n.Labels[policy.LabelHostID]
		zone, okZ := n.Labels[policy.LabelZone]
		if !okH || !okZ {
			continue
		}
		if hostZones[host] == nil {
			hostZones[host] = sets.New[string]()
		}
		hostZones[host].Insert(zone)
		hostNodes[host] = append(hostNodes[host], n.Name)
	}
	for _, host := range sets.List(sets.KeySet(hostZones)) {
		if zones := hostZones[host]; zones.Len() > 1 {
			nodesOf := hostNodes[host]
			sort.Strings(nodesOf)
			findings = append(findings, Finding{
				ID:       IDHostIDInMultipleZones,
				Severity: SeverityWarn,
				Message: fmt.Sprintf("host-id %q is on nodes of %d zones (%s): one physical machine cannot be in two failure zones; check the labels of %s",
					host, zones.Len(), strings.Join(sets.List(zones), ", "), nameList(nodesOf)),
				Subjects: append([]string{host}, nodesOf...),
			})
		}
	}

	// Even control-plane count.
	if len(cp) > 0 && len(cp)%2 == 0 {
		findings = append(findings, Finding{
			ID:       IDEvenControlPlaneCount,
			Severity: SeverityWarn,
			Message: fmt.Sprintf("%d control-plane nodes: a majority of %d tolerates %d failed node(s), as %d nodes would; an odd number (3 or 5) is recommended",
				len(cp), len(cp), (len(cp)-1)/2, len(cp)-1),
			Subjects: names(cp),
		})
	}
	return nd, findings
}

// distributedBy returns the first SCS label, widest first, with more than one
// value among the nodes; "" when none.
func distributedBy(nodes []*v1.Node) string {
	for _, key := range scsLabels {
		values := sets.New[string]()
		for _, n := range nodes {
			if v, ok := n.Labels[key]; ok {
				values.Insert(v)
			}
		}
		if values.Len() > 1 {
			return key
		}
	}
	return ""
}

// sharedLabels describes the single values of the SCS labels the nodes share.
func sharedLabels(nodes []*v1.Node) string {
	var parts []string
	for _, key := range scsLabels {
		values, unlabelled := sets.New[string](), 0
		for _, n := range nodes {
			if v, ok := n.Labels[key]; ok {
				values.Insert(v)
			} else {
				unlabelled++
			}
		}
		switch {
		case values.Len() == 0:
			parts = append(parts, fmt.Sprintf("no %s label", shortLabel(key)))
		case unlabelled > 0:
			parts = append(parts, fmt.Sprintf("%s %q (%d unlabelled)", shortLabel(key), sets.List(values)[0], unlabelled))
		default:
			parts = append(parts, fmt.Sprintf("%s %q", shortLabel(key), sets.List(values)[0]))
		}
	}
	return strings.Join(parts, ", ")
}

func nodeInfo(n *v1.Node) NodeInfo {
	return NodeInfo{
		Name:   n.Name,
		Role:   policy.RoleOf(n.Labels).String(),
		Region: n.Labels[policy.LabelRegion],
		Zone:   n.Labels[policy.LabelZone],
		HostID: n.Labels[policy.LabelHostID],
	}
}

func names(nodes []*v1.Node) []string {
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.Name)
	}
	sort.Strings(out)
	return out
}

// maxListed bounds the names a message spells out; Subjects has them all.
const maxListed = 10

// nameList joins names for a message, eliding past maxListed.
func nameList(ss []string) string {
	if len(ss) <= maxListed {
		return strings.Join(ss, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ss[:maxListed], ", "), len(ss)-maxListed)
}
