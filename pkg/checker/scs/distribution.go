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

package scs

import (
	"fmt"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Standard names the standard the node-distribution part follows.
const Standard = "scs-0214-v2"

// scsLabels are the labels the draft of the SCS standard requires on every
// node, widest first, in the order its check compares them.
var scsLabels = []string{policy.LabelRegion, policy.LabelZone, policy.LabelHostID}

// Judge judges the nodes by the rules of an scs-0214
// revision (scs.go; docs/checker.md lists them) and adds the warnings of
// ha-scheduler's own that hold whatever the revision: nodes without a
// host-id, a host-id on nodes of two zones (which the SCS test data has in
// a passing case), an even number of control-plane nodes.
//
// On the draft (SCSRevisionV2Draft) the rules are those of its conformance
// check (k8s-node-distribution-check.py, 2024, since retired), whose
// verdict this one agrees with:
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
// The later revisions drop host-id from the required labels and are judged
// from their texts; what the cluster cannot show (the physical machines
// under control-plane nodes without a host-id) is left to confirm by hand.
func Judge(nodes []*v1.Node, rev v1alpha1.SCSRevision) (v1alpha1.NodeDistribution, []v1alpha1.Finding) {
	nd := v1alpha1.NodeDistribution{Standard: Standard, Revision: rev, ControlPlane: []v1alpha1.NodeInfo{}}
	var findings []v1alpha1.Finding
	nd.Rules, nd.Outcome, findings = judgeSCS(rev, nodes)
	nd.Pass = nd.Outcome != v1alpha1.SCSRuleFail

	var cp []*v1.Node
	for _, n := range nodes {
		if policy.RoleOf(n.Labels) == policy.RoleControlPlane {
			cp = append(cp, n)
			nd.ControlPlane = append(nd.ControlPlane, nodeInfo(n))
		}
	}
	sort.Slice(nd.ControlPlane, func(i, j int) bool { return nd.ControlPlane[i].Name < nd.ControlPlane[j].Name })
	considered := cp
	if len(cp) == 0 {
		considered = nodes
	}
	if len(considered) >= 2 {
		nd.DistributedBy = distributedBy(considered)
	}

	// Nodes without a host-id: ha-scheduler's own finding, whatever the
	// revision requires.
	if f, ok := hostIDMissing(nodes); ok {
		findings = append(findings, f)
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
			findings = append(findings, v1alpha1.Finding{
				ID:       v1alpha1.IDHostIDInMultipleZones,
				Severity: v1alpha1.SeverityWarn,
				Message: fmt.Sprintf("host-id %q is on nodes of %d zones (%s): one physical machine cannot be in two failure zones; check the labels of %s",
					host, zones.Len(), strings.Join(sets.List(zones), ", "), words.List(nodesOf)),
				Subjects: append([]string{host}, nodesOf...),
			})
		}
	}

	// Even control-plane count.
	if len(cp) > 0 && len(cp)%2 == 0 {
		quorum := policy.Disruption{Quorum: true}
		findings = append(findings, v1alpha1.Finding{
			ID:       v1alpha1.IDEvenControlPlaneCount,
			Severity: v1alpha1.SeverityWarn,
			Message: fmt.Sprintf("%d control-plane nodes: a majority of %d tolerates %d failed node(s), as %d nodes would; an odd number (3 or 5) is recommended",
				len(cp), len(cp), len(cp)-quorum.MinAvailableOf(len(cp)), len(cp)-1),
			Subjects: names(cp),
		})
	}
	return nd, findings
}

// hostIDMissing reports the nodes without a (non-empty) host-id label. It
// is not an SCS finding: ha-scheduler reads host-id as the physical machine
// under a VM, and takes a node without one for a machine of its own
// (policy.DomainOf), so its host spreading, and the host survival of this
// report, may hold apart two VMs that share a hypervisor.
func hostIDMissing(nodes []*v1.Node) (v1alpha1.Finding, bool) {
	var missing []string
	for _, n := range nodes {
		if n.Labels[policy.LabelHostID] == "" {
			missing = append(missing, n.Name)
		}
	}
	if len(missing) == 0 {
		return v1alpha1.Finding{}, false
	}
	sort.Strings(missing)
	return v1alpha1.Finding{
		ID:       v1alpha1.IDHostIDMissing,
		Severity: v1alpha1.SeverityWarn,
		Message: fmt.Sprintf("%d of %d nodes lack the label %s: ha-scheduler's host spreading (and the host survival here) takes each of them for a physical machine of its own, so VMs that share a hypervisor may hold replicas it believes apart: %s",
			len(missing), len(nodes), policy.LabelHostID, words.List(missing)),
		Subjects: missing,
	}, true
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
			parts = append(parts, fmt.Sprintf("no %s label", levels.LabelName(key)))
		case unlabelled > 0:
			parts = append(parts, fmt.Sprintf("%s %q (%d unlabelled)", levels.LabelName(key), sets.List(values)[0], unlabelled))
		default:
			parts = append(parts, fmt.Sprintf("%s %q", levels.LabelName(key), sets.List(values)[0]))
		}
	}
	return strings.Join(parts, ", ")
}

func nodeInfo(n *v1.Node) v1alpha1.NodeInfo {
	return v1alpha1.NodeInfo{
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
