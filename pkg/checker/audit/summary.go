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

package audit

import (
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/scs"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// topology is the zones and hosts the cluster's nodes span
// (policy.DomainOf: a node without a zone label is in the unlabelled zone,
// one without a host-id is its own host).
type topology struct {
	zones, hosts sets.Set[string]
}

// summarizeNodes is the first phase of Analyze: the node half of the
// summary, the node-distribution section (by the scs-0214 revision rev) and
// the nodes that are not Ready.
// It needs nothing but the nodes, and returns the zones and hosts they
// span.
func summarizeNodes(r *v1alpha1.Report, nodes []*v1.Node, rev v1alpha1.SCSRevision) topology {
	t := topology{zones: sets.New[string](), hosts: sets.New[string]()}
	regions := sets.New[string]()
	for _, n := range nodes {
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

	var findings []v1alpha1.Finding
	r.NodeDistribution, findings = scs.Judge(nodes, rev)
	r.Findings = append(r.Findings, findings...)
	if f, ok := notReadyNodes(nodes); ok {
		r.Findings = append(r.Findings, f)
	}
	return t
}
