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

// Package audit is the check of ha-check: Analyze judges the cluster of a
// model against its policy and returns the report (SPEC §6): node
// distribution by a revision of scs-0214-v2 (package scs), the replicas of
// every component group per failure domain, user workloads on
// control-plane and infra nodes, disruption-controlled groups that cannot
// lose a replica or are without protection, what the failure of each
// single domain of each audited level would take down, which scheduler
// runs the control plane, and who may act as a component.
package audit

import (
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/scs"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Analyze checks the cluster of the model against its policy, and its node
// distribution against the revision of scs-0214 the options name (the
// current one when empty or unknown; the report names the one applied),
// and returns the report, without its apiVersion, kind and policy source
// (the command's to fill in).
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
func Analyze(m *model.Model, o Options) *v1alpha1.Report {
	r := &v1alpha1.Report{Replicas: []v1alpha1.ComponentReplica{}, Survival: []v1alpha1.DomainSurvival{}, Findings: []v1alpha1.Finding{},
		ControlPlaneScheduler: v1alpha1.ControlPlaneScheduler{Pods: []v1alpha1.SchedulerPod{}}}
	topo := summarizeNodes(r, m.Cluster.Nodes, scs.Applied(o.SCSRevision))
	lvls := levels.Of(m.Policy)
	r.Levels = levels.Custom(lvls)
	groups := checkSeparation(r, m)
	assessed := replicaTable(r, groups, m.Nodes, levels.Extra(lvls))
	checkDisruption(r, m, groups)
	checkSurvival(r, m.Cluster, topo, lvls, groups, assessed)
	checkControlPlaneScheduler(r, m, o)
	checkTrust(r, m.Policy, m.Cluster)
	setVerdict(r)
	return r
}

// checkSeparation is the phase after the nodes': every unfinished pod, in
// name order, with the class the model gave it. Active pods are counted in
// the summary; every pod on a node (terminating ones too) is checked for
// workload separation. It returns the groups the audit reports on
// (model.Group.Audited): the components', and the other groups the policy
// makes disruption-controlled (otherTrustedPods, userWorkloads), which the
// guard protects too, so their replicas, survival and budgets are reported
// like a component's.
func checkSeparation(r *v1alpha1.Report, m *model.Model) []*model.Group {
	for _, pod := range m.Pods {
		if pod.State != model.Terminating {
			r.Summary.Pods++
		}
		// A terminating pod's containers may run for its whole grace
		// period (a tenant may ask for a year): it is checked like any.
		if f, ok := PlacementFinding(pod.Pod, pod.Class, m.Nodes[pod.Spec.NodeName]); ok {
			r.Findings = append(r.Findings, f)
		}
	}
	var groups []*model.Group
	for _, g := range m.Groups {
		if g.Audited() {
			groups = append(groups, g)
		}
	}
	return groups
}

// setVerdict counts the findings and sets the verdict: FAIL on any fail,
// whatever the warnings. It runs once every phase has added its findings.
func setVerdict(r *v1alpha1.Report) {
	for _, f := range r.Findings {
		if f.Severity == v1alpha1.SeverityFail {
			r.Fails++
		} else {
			r.Warnings++
		}
	}
	r.Verdict = v1alpha1.VerdictPass
	if r.Fails > 0 {
		r.Verdict = v1alpha1.VerdictFail
	}
}

// PlacementFinding checks the workload separation of an unfinished pod on
// its node: a user workload on a node reserved for components, or a
// component on a node of a role its rule does not allow. A pod without a
// node that exists (pending, or bound to a deleted node) runs nowhere:
// nothing to say. A terminating pod is checked too, and its message says
// until when it may run.
func PlacementFinding(pod *v1.Pod, class policy.Class, node *v1.Node) (v1alpha1.Finding, bool) {
	if node == nil {
		return v1alpha1.Finding{}, false
	}
	var f v1alpha1.Finding
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
func separationFinding(pod *v1.Pod, class policy.Class, node *v1.Node) (v1alpha1.Finding, bool) {
	role := policy.RoleOf(node.Labels)
	if role == policy.RoleWorker || class.Roles.Allows(role) {
		return v1alpha1.Finding{}, false
	}
	id := v1alpha1.IDUserWorkloadOnControlPlane
	if role == policy.RoleInfra {
		id = v1alpha1.IDUserWorkloadOnInfra
	}
	msg := fmt.Sprintf("user workload %s/%s runs on %s node %s, which is reserved for %s components",
		pod.Namespace, pod.Name, role, node.Name, role)
	if policy.IsDaemonSetPod(pod) {
		ds := metav1.GetControllerOfNoCopy(pod).Name
		msg = fmt.Sprintf("DaemonSet pod %s/%s (DaemonSet %s) runs on %s node %s, but namespace %q is not trusted: trust it (--trusted-namespace, trustedNamespaces) if only cluster administrators create pods there, or keep the DaemonSet off %s nodes",
			pod.Namespace, pod.Name, ds, role, node.Name, pod.Namespace, role)
	}
	return v1alpha1.Finding{
		ID:       id,
		Severity: v1alpha1.SeverityFail,
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
func componentRoleFinding(pod *v1.Pod, class policy.Class, node *v1.Node) (v1alpha1.Finding, bool) {
	role := policy.RoleOf(node.Labels)
	if class.Component == "" || class.Roles.Allows(role) {
		return v1alpha1.Finding{}, false
	}
	severity := v1alpha1.SeverityWarn
	if class.Disruption.Controlled() || class.Spread == policy.SpreadRequired {
		severity = v1alpha1.SeverityFail
	}
	return v1alpha1.Finding{
		ID:       v1alpha1.IDComponentOffRole,
		Severity: severity,
		Message: fmt.Sprintf("component %s pod %s/%s runs on %s node %s; its policy (nodeRole %s) keeps it on other nodes",
			class.Component, pod.Namespace, pod.Name, role, node.Name, class.Placement),
		Subjects: []string{pod.Namespace + "/" + pod.Name, node.Name},
	}, true
}
