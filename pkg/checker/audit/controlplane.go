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
	"fmt"
	"path"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Which scheduler runs the control plane: the kube-scheduler pods of
// kube-system (kubeadm's static pods, seen through their mirror pods), the
// image and command each runs, and whether that is ha-scheduler (the
// replacement mode, manifests/replacement) or the stock kube-scheduler. A
// `kubeadm upgrade` without ha-scheduler's patches writes the stock
// scheduler back; IDUnexpectedControlPlaneScheduler says so when the
// replacement is expected.

// SchedulerLabel and SchedulerLabelValue select the kube-scheduler pods in
// SchedulerNamespace: kubeadm labels its static pods component=<name>, and
// manifests/replacement/kube-scheduler.yaml keeps the label. The secondary
// scheduler's pods are labelled component=ha-scheduler: they are not the
// control plane's scheduler.
const (
	SchedulerNamespace  = metav1.NamespaceSystem
	SchedulerLabel      = "component"
	SchedulerLabelValue = "kube-scheduler"
	// schedulerContainer is the container kubeadm names after the component
	// (the replacement manifest keeps the name).
	schedulerContainer = "kube-scheduler"
)

// SchedulerExpectation is which scheduler should run the control plane
// (Options.ControlPlaneScheduler; --expect-control-plane-scheduler).
type SchedulerExpectation string

const (
	// ExpectAuto (or ""): ha-scheduler when it runs in some kube-scheduler
	// pod (a control plane partly swapped, or partly put back by an
	// upgrade), else nothing. ha-check also expects ha-scheduler when its
	// policy's profile is default-scheduler (the replacement configuration).
	ExpectAuto SchedulerExpectation = "auto"
	// ExpectAny: no expectation, the section only reports.
	ExpectAny SchedulerExpectation = "any"
	// ExpectHA: every kube-scheduler pod runs ha-scheduler.
	ExpectHA SchedulerExpectation = "ha-scheduler"
	// ExpectStock: every kube-scheduler pod runs the stock kube-scheduler.
	ExpectStock SchedulerExpectation = "stock"
)

// SchedulerExpectations lists the expectations, as an operator types them.
func SchedulerExpectations() []SchedulerExpectation {
	return []SchedulerExpectation{ExpectAuto, ExpectHA, ExpectStock, ExpectAny}
}

// ParseSchedulerExpectation parses an expectation as an operator types it;
// "" is ExpectAuto. An unknown value is an error that lists the valid ones.
func ParseSchedulerExpectation(s string) (SchedulerExpectation, error) {
	if s == "" {
		return ExpectAuto, nil
	}
	var names []string
	for _, e := range SchedulerExpectations() {
		if string(e) == s {
			return e, nil
		}
		names = append(names, string(e))
	}
	return "", fmt.Errorf("unknown scheduler %q: valid values are %s", s, strings.Join(names, ", "))
}

// checkControlPlaneScheduler fills the report's ControlPlaneScheduler from
// the kube-scheduler pods and adds a finding for each pod that runs
// another scheduler than expected (one when none is found but ha-scheduler
// is expected).
func checkControlPlaneScheduler(r *v1alpha1.Report, m *model.Model, o Options) {
	cps := v1alpha1.ControlPlaneScheduler{Pods: schedulerPods(m)}
	cps.Expected, cps.Reason = expectation(o, cps.Pods)
	r.ControlPlaneScheduler = cps
	if cps.Expected == "" {
		return
	}
	if len(cps.Pods) == 0 {
		if cps.Expected == v1alpha1.SchedulerHA {
			r.Findings = append(r.Findings, v1alpha1.Finding{
				ID:       v1alpha1.IDUnexpectedControlPlaneScheduler,
				Severity: v1alpha1.SeverityWarn,
				Message: fmt.Sprintf("no kube-scheduler pod found (namespace %s, label %s=%s), but ha-scheduler should run the control plane (%s): its scheduler is not visible (a managed control plane?) or not running",
					SchedulerNamespace, SchedulerLabel, SchedulerLabelValue, cps.Reason),
			})
		}
		return
	}
	for _, p := range cps.Pods {
		if p.Scheduler == cps.Expected {
			continue
		}
		r.Findings = append(r.Findings, v1alpha1.Finding{
			ID:       v1alpha1.IDUnexpectedControlPlaneScheduler,
			Severity: v1alpha1.SeverityWarn,
			Message:  unexpectedSchedulerMessage(p, cps),
			Subjects: []string{p.Pod, p.Node},
		})
	}
}

func unexpectedSchedulerMessage(p v1alpha1.SchedulerPod, cps v1alpha1.ControlPlaneScheduler) string {
	binary := "-"
	if len(p.Command) > 0 {
		binary = p.Command[0]
	}
	where := fmt.Sprintf("%s on node %s", p.Pod, p.Node)
	if p.Role != "" {
		where = fmt.Sprintf("%s on %s node %s", p.Pod, p.Role, p.Node)
	}
	runs := fmt.Sprintf("(image %s, command %s)", words.OrDash(p.Image), binary)
	if cps.Expected == v1alpha1.SchedulerStock {
		what := "ha-scheduler"
		if p.Scheduler == v1alpha1.SchedulerUnknown {
			what = "neither ha-scheduler nor the stock kube-scheduler"
		}
		return fmt.Sprintf("%s runs %s %s, but the stock kube-scheduler is expected (%s)", where, what, runs, cps.Reason)
	}
	if p.Scheduler == v1alpha1.SchedulerStock {
		return fmt.Sprintf("%s runs the stock kube-scheduler %s, but ha-scheduler should replace it (%s): a kubeadm upgrade, init or join without ha-scheduler's patch writes it back, and while it holds the lease %s/kube-scheduler pods are scheduled without the policy; put the replacement back on the node and give kubeadm the patch (docs/install.md, \"Replacement mode: upgrades\")",
			where, runs, cps.Reason, SchedulerNamespace)
	}
	return fmt.Sprintf("%s runs neither ha-scheduler nor the stock kube-scheduler %s, but ha-scheduler should replace it (%s)", where, runs, cps.Reason)
}

// expectation resolves the options' expectation against what runs.
func expectation(o Options, pods []v1alpha1.SchedulerPod) (v1alpha1.SchedulerKind, string) {
	reason := o.ControlPlaneSchedulerReason
	switch o.ControlPlaneScheduler {
	case ExpectAny:
		return "", ""
	case ExpectHA, ExpectStock:
		if reason == "" {
			reason = "expected"
		}
		return v1alpha1.SchedulerKind(o.ControlPlaneScheduler), reason
	}
	// Auto: ha-scheduler once it runs anywhere.
	var on []string
	for _, p := range pods {
		if p.Scheduler == v1alpha1.SchedulerHA {
			on = append(on, p.Node)
		}
	}
	if len(on) == 0 {
		return "", ""
	}
	return v1alpha1.SchedulerHA, "ha-scheduler runs on " + strings.Join(on, ", ")
}

// schedulerPods returns the kube-scheduler pods bound to a node, not
// terminating, sorted by node and name.
func schedulerPods(m *model.Model) []v1alpha1.SchedulerPod {
	nodes := m.Nodes
	out := []v1alpha1.SchedulerPod{}
	for _, p := range m.Pods {
		pod := p.Pod
		if pod.Namespace != SchedulerNamespace || pod.Labels[SchedulerLabel] != SchedulerLabelValue ||
			pod.Spec.NodeName == "" || policy.IsTerminating(pod) {
			continue
		}
		var ctr v1.Container
		if len(pod.Spec.Containers) > 0 {
			ctr = pod.Spec.Containers[0]
		}
		for _, c := range pod.Spec.Containers {
			if c.Name == schedulerContainer {
				ctr = c
				break
			}
		}
		sp := v1alpha1.SchedulerPod{
			Node:      pod.Spec.NodeName,
			Pod:       pod.Namespace + "/" + pod.Name,
			Mirror:    policy.IsMirrorPod(pod, nodes[pod.Spec.NodeName]),
			Scheduler: schedulerOf(ctr.Image, ctr.Command),
			Image:     ctr.Image,
			Command:   append([]string(nil), ctr.Command...),
		}
		if n := nodes[pod.Spec.NodeName]; n != nil {
			sp.Role = policy.RoleOf(n.Labels).String()
		}
		out = append(out, sp)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Node != out[j].Node {
			return out[i].Node < out[j].Node
		}
		return out[i].Pod < out[j].Pod
	})
	return out
}

// schedulerOf classifies a container by its image's repository and its
// command's binary: what names one of the two schedulers decides; an image
// and a command that name different ones, or neither naming one, is
// SchedulerUnknown.
func schedulerOf(image string, command []string) v1alpha1.SchedulerKind {
	byImage := schedulerNamed(imageName(image))
	byCommand := v1alpha1.SchedulerKind("")
	if len(command) > 0 {
		byCommand = schedulerNamed(path.Base(command[0]))
	}
	switch {
	case byImage != "" && byCommand != "" && byImage != byCommand:
		return v1alpha1.SchedulerUnknown
	case byCommand != "":
		return byCommand
	case byImage != "":
		return byImage
	}
	return v1alpha1.SchedulerUnknown
}

func schedulerNamed(name string) v1alpha1.SchedulerKind {
	switch name {
	case "ha-scheduler":
		return v1alpha1.SchedulerHA
	case "kube-scheduler":
		return v1alpha1.SchedulerStock
	}
	return ""
}

// imageName is the last element of an image reference's repository:
// "kube-scheduler" of "registry.k8s.io/kube-scheduler:v1.37.2" and of
// "localhost:5000/kube-scheduler@sha256:...".
func imageName(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		ref = ref[i+1:]
	}
	if i := strings.Index(ref, ":"); i >= 0 {
		ref = ref[:i]
	}
	return ref
}
