package checker

import (
	"fmt"
	"sort"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// group is the active replicas of one component in one namespace.
type group struct {
	key   string
	class policy.Class
	// pods are the active pods; placed those of them bound to a node.
	pods, placed []*v1.Pod
	row          *ComponentReplica
}

// failureLevel is a failure-domain level the survival analysis walks.
type failureLevel struct {
	name, key                 string
	lostID, quorumID, skipped string
}

var failureLevels = []failureLevel{
	{name: "zone", key: policy.LabelZone, lostID: IDZoneLosesComponent, quorumID: IDZoneLosesQuorum, skipped: IDZoneNotAssessed},
	{name: "host", key: policy.LabelHostID, lostID: IDHostLosesComponent, quorumID: IDHostLosesQuorum, skipped: IDHostNotAssessed},
}

// isActive reports whether a pod counts at all: not finished and not being
// deleted (a terminating replica is already going away, as the scheduler's
// spread counting has it).
func isActive(pod *v1.Pod) bool {
	return pod.Status.Phase != v1.PodSucceeded && pod.Status.Phase != v1.PodFailed && !policy.IsTerminating(pod)
}

// Analyze checks the cluster against the policy (policy.Default() when nil)
// and returns the report. Pods count when active (not Succeeded, Failed or
// terminating); placement findings (workload separation, replica table,
// survival) use only the active pods bound to a node.
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

	domainOf := func(pod *v1.Pod, level string) string {
		var l map[string]string
		if n := nodes[pod.Spec.NodeName]; n != nil {
			l = n.Labels
		}
		return policy.DomainOf(pod.Spec.NodeName, l, level)
	}

	// Classify every active pod once; check workload separation on the way.
	groups := map[string]*group{}
	for _, pod := range sortedPods(c.Pods) {
		if !isActive(pod) {
			continue
		}
		r.Summary.Pods++
		class := p.Classify(pod)
		if n := nodes[pod.Spec.NodeName]; n != nil && pod.Spec.NodeName != "" {
			if class.IsUserWorkload() {
				if f, ok := separationFinding(pod, class, n); ok {
					r.Findings = append(r.Findings, f)
				}
			} else if f, ok := componentRoleFinding(pod, class, n); ok {
				r.Findings = append(r.Findings, f)
			}
		}
		if class.Component == "" {
			continue
		}
		key := policy.GroupOf(pod, class)
		g := groups[key]
		if g == nil {
			g = &group{key: key, class: class}
			groups[key] = g
		}
		g.pods = append(g.pods, pod)
		if pod.Spec.NodeName != "" {
			g.placed = append(g.placed, pod)
		}
	}
	keys := sets.List(sets.KeySet(groups))

	// Replica table: every component except the ones that run on every node
	// by design (Any role, no spread: kube-proxy, flannel).
	var assessed []*group
	for _, k := range keys {
		g := groups[k]
		if g.class.Placement == policy.PlaceAny && g.class.Spread == policy.SpreadNone {
			continue
		}
		row := ComponentReplica{
			Group:                g.key,
			Component:            g.class.Component,
			NodeRole:             string(g.class.Placement),
			Spread:               g.class.Spread,
			DisruptionControlled: g.class.Disruption.Controlled(),
			Quorum:               g.class.Disruption.Quorum,
			Replicas:             len(g.pods),
			Placed:               len(g.placed),
			PerZone:              map[string]int{},
			PerHost:              map[string]int{},
		}
		for _, pod := range g.placed {
			row.PerZone[domainOf(pod, policy.LabelZone)]++
			row.PerHost[domainOf(pod, policy.LabelHostID)]++
		}
		r.Replicas = append(r.Replicas, row)
		assessed = append(assessed, g)
	}
	// Point each group at its row once r.Replicas has stopped growing.
	for i, g := range assessed {
		g.row = &r.Replicas[i]
	}

	// Disruption-controlled components without protection.
	pdbs := compilePDBs(c)
	for _, k := range keys {
		g := groups[k]
		if !g.class.Disruption.Controlled() {
			continue
		}
		if len(g.pods) == 1 {
			pod := g.pods[0]
			where := "not yet bound to a node"
			if pod.Spec.NodeName != "" {
				where = "on node " + pod.Spec.NodeName
			}
			r.Findings = append(r.Findings, Finding{
				ID:       IDSingleReplica,
				Severity: SeverityFail,
				Message: fmt.Sprintf("%s is disruption-controlled but has a single replica (%s/%s, %s): losing or draining that node stops it; run at least %d",
					g.key, pod.Namespace, pod.Name, where, minReplicas(g.class)),
				Subjects: []string{g.key, pod.Namespace + "/" + pod.Name},
			})
		}
		var evictable, uncovered []string
		for _, pod := range g.pods {
			if policy.IsMirrorPod(pod) {
				continue // static pods: nothing evicts them
			}
			evictable = append(evictable, pod.Namespace+"/"+pod.Name)
			if !pdbs.selects(pod) {
				uncovered = append(uncovered, pod.Namespace+"/"+pod.Name)
			}
		}
		if len(uncovered) > 0 {
			r.Findings = append(r.Findings, Finding{
				ID:       IDNoPDB,
				Severity: SeverityWarn,
				Message: fmt.Sprintf("%s is disruption-controlled but no PodDisruptionBudget selects %d of its %d evictable replicas (%s): drains and evictions outside the scheduler are not limited",
					g.key, len(uncovered), len(evictable), nameList(uncovered)),
				Subjects: append([]string{g.key}, uncovered...),
			})
		}
	}

	// Survival of a single zone or host failure.
	for _, lvl := range failureLevels {
		if len(assessed) == 0 || len(c.Nodes) == 0 {
			break
		}
		clusterDomains := zones
		if lvl.key == policy.LabelHostID {
			clusterDomains = hosts
		}
		if clusterDomains.Len() < 2 {
			r.Findings = append(r.Findings, Finding{
				ID:       lvl.skipped,
				Severity: SeverityWarn,
				Message: fmt.Sprintf("every node is in one %s (%s): no placement survives its failure, so %s failures are not assessed",
					lvl.name, sets.List(clusterDomains)[0], lvl.name),
				Subjects: sets.List(clusterDomains),
			})
			continue
		}
		domains := sets.New[string]()
		if lvl.key == policy.LabelZone {
			domains = domains.Union(zones)
		}
		for _, g := range assessed {
			domains.Insert(sets.List(sets.KeySet(perLevel(g.row, lvl)))...)
		}
		for _, d := range sets.List(domains) {
			ds := DomainSurvival{Level: lvl.name, Domain: d}
			for _, g := range assessed {
				placed := len(g.placed)
				in := perLevel(g.row, lvl)[d]
				if in == 0 {
					continue
				}
				if in == placed {
					ds.Lost = append(ds.Lost, g.key)
					sev, why := SeverityWarn, ""
					switch {
					case g.class.Disruption.Controlled():
						sev, why = SeverityFail, " (disruption-controlled)"
					case g.class.Spread == policy.SpreadRequired:
						sev, why = SeverityFail, " (spread Required)"
					}
					r.Findings = append(r.Findings, Finding{
						ID:       lvl.lostID,
						Severity: sev,
						Message: fmt.Sprintf("if %s %q failed, %s%s would lose %s",
							lvl.name, d, g.key, why, allOf(placed)),
						Subjects: []string{d, g.key},
					})
					continue
				}
				if g.class.Disruption.Quorum {
					if survivors := placed - in; survivors*2 <= placed {
						ds.QuorumLost = append(ds.QuorumLost, QuorumLoss{Group: g.key, Members: placed, Survivors: survivors})
						r.Findings = append(r.Findings, Finding{
							ID:       lvl.quorumID,
							Severity: SeverityFail,
							Message: fmt.Sprintf("if %s %q failed, %s would keep %d of %d members and lose its quorum (needs %d)",
								lvl.name, d, g.key, survivors, placed, placed/2+1),
							Subjects: []string{d, g.key},
						})
					}
				}
			}
			r.Survival = append(r.Survival, ds)
		}
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

// minReplicas is the smallest replica count that lets one replica go.
func minReplicas(c policy.Class) int {
	if c.Disruption.Quorum {
		return 3
	}
	return int(c.Disruption.MinAvailable) + 1
}

func perLevel(row *ComponentReplica, lvl failureLevel) map[string]int {
	if lvl.key == policy.LabelZone {
		return row.PerZone
	}
	return row.PerHost
}

// allOf says "all n placed replicas", or "its only placed replica".
func allOf(n int) string {
	if n == 1 {
		return "its only placed replica"
	}
	return fmt.Sprintf("all %d placed replicas", n)
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

// pdbIndex holds the selectors of the PodDisruptionBudgets by namespace.
type pdbIndex map[string][]labels.Selector

func compilePDBs(c Cluster) pdbIndex {
	idx := pdbIndex{}
	for _, pdb := range c.PDBs {
		if pdb.Spec.Selector == nil {
			continue // policy/v1: a nil selector selects no pod
		}
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil {
			continue
		}
		idx[pdb.Namespace] = append(idx[pdb.Namespace], sel)
	}
	return idx
}

func (idx pdbIndex) selects(pod *v1.Pod) bool {
	set := labels.Set(pod.Labels)
	for _, sel := range idx[pod.Namespace] {
		if sel.Matches(set) {
			return true
		}
	}
	return false
}
