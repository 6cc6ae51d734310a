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

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Analyze checks the cluster against the policy (policy.Default() when nil)
// and returns the report.
//
// What it counts: finished pods (Succeeded, Failed) never count. Workload
// separation looks at the active pods (not terminating) bound to a node
// that exists. A component's group has a desired size (its unfinished pods
// anywhere, or its controller's desired replicas, the larger) and replicas
// available now (Ready, not terminating, on a node that exists and is
// Ready); minimums, quorum and survival are taken of those two, as the
// scheduler's DisruptionGuard takes them.
func Analyze(p *policy.Policy, c Cluster) *Report {
	if p == nil {
		p = policy.Default()
	}
	r := &Report{Replicas: []ComponentReplica{}, Survival: []DomainSurvival{}, Findings: []Finding{}}

	nodes := make(map[string]*v1.Node, len(c.Nodes))
	regions, zones, hosts := sets.New[string](), sets.New[string](), sets.New[string]()
	for _, n := range c.Nodes {
		nodes[n.Name] = n
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
		zones.Insert(policy.DomainOf(n.Name, n.Labels, policy.LabelZone))
		hosts.Insert(policy.DomainOf(n.Name, n.Labels, policy.LabelHostID))
	}
	r.Summary.Nodes = len(c.Nodes)
	r.Summary.Regions, r.Summary.Zones, r.Summary.Hosts = regions.Len(), zones.Len(), hosts.Len()
	r.Summary.PodDisruptionBudgets = len(c.PDBs)

	var nodeFindings []Finding
	r.NodeDistribution, nodeFindings = checkNodeDistribution(c.Nodes)
	r.Findings = append(r.Findings, nodeFindings...)
	if f, ok := notReadyNodes(c.Nodes); ok {
		r.Findings = append(r.Findings, f)
	}

	// domainOf is asked only of available pods, whose node exists.
	domainOf := func(pod *v1.Pod, level string) string {
		return policy.DomainOf(pod.Spec.NodeName, nodes[pod.Spec.NodeName].Labels, level)
	}

	// Classify every unfinished pod once; check workload separation on the
	// way.
	gs := newGroupSet(p, newControllers(c))
	for _, pod := range sortedPods(c.Pods) {
		if isFinished(pod) {
			continue
		}
		state := stateOf(pod, nodes)
		class := p.Classify(pod)
		if state != stateTerminating {
			r.Summary.Pods++
			if n := nodes[pod.Spec.NodeName]; n != nil {
				if class.IsUserWorkload() {
					if f, ok := separationFinding(pod, class, n); ok {
						r.Findings = append(r.Findings, f)
					}
				} else if f, ok := componentRoleFinding(pod, class, n); ok {
					r.Findings = append(r.Findings, f)
				}
			}
		}
		if class.Component != "" {
			gs.add(pod, class, state)
		}
	}
	groups := gs.sorted()

	// Replica table: every component except the ones that run on every node
	// by design (Any role, no spread: kube-proxy, flannel).
	var assessed []*group
	for _, g := range groups {
		if g.class.Placement == policy.PlaceAny && g.class.Spread == policy.SpreadNone {
			continue
		}
		row := ComponentReplica{
			Group:                g.key,
			Component:            g.class.Component,
			Owner:                g.owner(),
			NodeRole:             string(g.class.Placement),
			Spread:               g.class.Spread,
			DisruptionControlled: g.class.Disruption.Controlled(),
			Quorum:               g.class.Disruption.Quorum,
			Desired:              g.desired(),
			Replicas:             len(g.pods),
			MinAvailable:         g.minAvailable(),
			PerZone:              map[string]int{},
			PerHost:              map[string]int{},
		}
		for _, pod := range g.pods {
			if g.state[pod].placed() {
				row.Placed++
			}
			if g.state[pod] == stateAvailable {
				row.Available++
				row.PerZone[domainOf(pod, policy.LabelZone)]++
				row.PerHost[domainOf(pod, policy.LabelHostID)]++
			}
		}
		r.Replicas = append(r.Replicas, row)
		assessed = append(assessed, g)
	}
	// Point each group at its row once r.Replicas has stopped growing.
	for i, g := range assessed {
		g.row = &r.Replicas[i]
	}

	// Disruption-controlled components that cannot lose a replica, or are
	// without protection; other components that are down.
	pdbs := compilePDBs(c)
	for _, g := range groups {
		if g.class.Disruption.Controlled() {
			r.Findings = append(r.Findings, disruptionFindings(g, pdbs)...)
		}
	}
	for _, g := range assessed {
		if f, ok := componentDown(g); ok {
			r.Findings = append(r.Findings, f)
		}
	}

	// Survival of a single zone or host failure.
	if len(assessed) > 0 && len(c.Nodes) > 0 {
		survival(r, assessed, zones, hosts)
		if f, ok := zoneUnlabelled(c.Nodes, assessed, zones); ok {
			r.Findings = append(r.Findings, f)
		}
	}
	if f, ok := desiredSizeUnknown(c.Forbidden, groups); ok {
		r.Findings = append(r.Findings, f)
	}

	for _, f := range r.Findings {
		if f.Severity == SeverityFail {
			r.Fails++
		} else {
			r.Warnings++
		}
	}
	r.Verdict = VerdictPass
	if r.Fails > 0 {
		r.Verdict = VerdictFail
	}
	return r
}

// separationFinding reports a user workload on a control-plane or infra node
// its class does not allow (policy.AllowUserWorkloadsOnControlPlane is in
// class.Roles).
func separationFinding(pod *v1.Pod, class policy.Class, node *v1.Node) (Finding, bool) {
	role := policy.RoleOf(node.Labels)
	if role == policy.RoleWorker || class.Roles.Allows(role) {
		return Finding{}, false
	}
	id := IDUserWorkloadOnControlPlane
	if role == policy.RoleInfra {
		id = IDUserWorkloadOnInfra
	}
	msg := fmt.Sprintf("user workload %s/%s runs on %s node %s, which is reserved for %s components",
		pod.Namespace, pod.Name, role, node.Name, role)
	if policy.IsDaemonSetPod(pod) {
		ds := metav1.GetControllerOfNoCopy(pod).Name
		msg = fmt.Sprintf("DaemonSet pod %s/%s (DaemonSet %s) runs on %s node %s, but namespace %q is not trusted: trust it (--trusted-namespace, trustedNamespaces) if only cluster administrators create pods there, or keep the DaemonSet off %s nodes",
			pod.Namespace, pod.Name, ds, role, node.Name, pod.Namespace, role)
	}
	return Finding{
		ID:       id,
		Severity: SeverityFail,
		Message:  msg,
		Subjects: []string{pod.Namespace + "/" + pod.Name, node.Name},
	}, true
}

// componentRoleFinding reports a component of a trusted namespace running on
// a node of a role its rule does not allow (etcd on a worker): it shares the
// node with user workloads and fails with them. A fail for the components
// whose loss takes the control plane down (disruption-controlled or
// Required-spread), a warning for the others (kubeadm's CoreDNS commonly runs
// on workers).
func componentRoleFinding(pod *v1.Pod, class policy.Class, node *v1.Node) (Finding, bool) {
	role := policy.RoleOf(node.Labels)
	if class.Component == "" || class.Roles.Allows(role) {
		return Finding{}, false
	}
	severity := SeverityWarn
	if class.Disruption.Controlled() || class.Spread == policy.SpreadRequired {
		severity = SeverityFail
	}
	return Finding{
		ID:       IDComponentOffRole,
		Severity: severity,
		Message: fmt.Sprintf("component %s pod %s/%s runs on %s node %s; its policy (nodeRole %s) keeps it on other nodes",
			class.Component, pod.Namespace, pod.Name, role, node.Name, class.Placement),
		Subjects: []string{pod.Namespace + "/" + pod.Name, node.Name},
	}, true
}

func sortedPods(pods []*v1.Pod) []*v1.Pod {
	out := append([]*v1.Pod(nil), pods...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Namespace != out[j].Namespace {
			return out[i].Namespace < out[j].Namespace
		}
		return out[i].Name < out[j].Name
	})
	return out
}
