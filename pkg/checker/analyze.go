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
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Analyze checks the cluster against the policy (policy.Default() when nil),
// and its node distribution against the revision of scs-0214 the options
// name (the current one when empty or unknown; the report names the one
// applied), and returns the report.
//
// What it counts: finished pods (Succeeded, Failed) never count. Workload
// separation looks at the active pods (not terminating) bound to a node
// that exists. A component's group has a desired size (its unfinished pods
// anywhere, or its controller's desired replicas, the larger) and replicas
// available now (Ready, not terminating, on a node that exists and is
// Ready); minimums, quorum and survival are taken of those two, as the
// scheduler's DisruptionGuard takes them.
//
// It runs in phases, each a function that fills its part of the report
// and reads only what the earlier ones produced; the findings come out in
// phase order (nodes, workload separation, disruption, survival, the
// control plane's scheduler, trust).
func Analyze(p *policy.Policy, c Cluster, o Options) *Report {
	if p == nil {
		p = policy.Default()
	}
	r := &Report{Replicas: []ComponentReplica{}, Survival: []DomainSurvival{}, Findings: []Finding{},
		ControlPlaneScheduler: ControlPlaneScheduler{Pods: []SchedulerPod{}}}
	topo := summarizeNodes(r, c.Nodes, o.SCSRevision.orCurrent())
	levels := auditLevels(p)
	r.Levels = customLevels(levels)
	groups := classify(r, p, c, topo.nodes)
	assessed := replicaTable(r, groups, topo.nodes, extraLevels(levels))
	checkDisruption(r, c, groups)
	checkSurvival(r, c, topo, levels, groups, assessed)
	checkControlPlaneScheduler(r, c, topo.nodes, o)
	checkTrust(r, p, c)
	r.setVerdict()
	return r
}

// classify walks the unfinished pods in name order and classifies each one
// once (policy.Classify, in walkUnfinishedPods): the workload-separation
// check and the component groups read the same class, so they cannot
// disagree about a pod, and the policy's selectors are matched once per pod.
// Active pods are counted in the summary and checked for separation;
// terminating ones still join their group, as members that are not
// available.
func classify(r *Report, p *policy.Policy, c Cluster, nodes map[string]*v1.Node) []*group {
	gs := newGroupSet(p, newLookups(c, nodes))
	walkUnfinishedPods(p, c, nodes, func(pod *v1.Pod, class policy.Class, state podState) {
		if state != stateTerminating {
			r.Summary.Pods++
		}
		// A terminating pod's containers may run for its whole grace
		// period (a tenant may ask for a year): it is checked like any.
		if f, ok := placementFinding(pod, class, nodes[pod.Spec.NodeName]); ok {
			r.Findings = append(r.Findings, f)
		}
		// Components, and the other groups the policy makes
		// disruption-controlled (otherTrustedPods, userWorkloads): the
		// guard protects those too, so their replicas, survival and
		// budgets are reported like a component's.
		if class.Component != "" || class.Disruption.Controlled() {
			gs.add(pod, class, state)
		}
	})
	return gs.sorted()
}

// placementFinding checks the workload separation of an unfinished pod on
// its node: a user workload on a node reserved for components, or a
// component on a node of a role its rule does not allow. A pod without a
// node that exists (pending, or bound to a deleted node) runs nowhere:
// nothing to say. A terminating pod is checked too, and its message says
// until when it may run.
func placementFinding(pod *v1.Pod, class policy.Class, node *v1.Node) (Finding, bool) {
	if node == nil {
		return Finding{}, false
	}
	var f Finding
	var ok bool
	if class.IsUserWorkload() {
		f, ok = separationFinding(pod, class, node)
	} else {
		f, ok = componentRoleFinding(pod, class, node)
	}
	if ok && policy.IsTerminating(pod) {
		f.Message += terminatingNote(pod)
	}
	return f, ok
}

// terminatingNote says that a pod being deleted may still run, and until
// when: its deletion timestamp is when its grace period ends.
func terminatingNote(pod *v1.Pod) string {
	return fmt.Sprintf(" (terminating, but its containers may run until its grace period ends at %s)", pod.DeletionTimestamp.UTC().Format(time.RFC3339))
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
