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

package printers

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
)

// The text of a report is a run of sections, each starting with an empty
// line but the first, the verdict always last; -o wide adds its sections
// before the verdict (wide.go).
type section func(b *strings.Builder, r *v1alpha1.Report)

// textSections are the sections of -o text, in order: where the policy came
// from, the summary, node distribution, the control plane's scheduler, the
// replica table, survival, trust (when read), the findings.
var textSections = []section{
	policySection, summarySection, nodeDistributionSection, controlPlaneSchedulerSection,
	replicasSection, survivalSection, trustSection, findingsSection,
}

// writeReport writes the report's text sections, then extra, then the
// verdict.
func writeReport(w io.Writer, r *v1alpha1.Report, extra ...section) error {
	b := &strings.Builder{}
	for _, s := range textSections {
		s(b, r)
	}
	for _, s := range extra {
		s(b, r)
	}
	verdictSection(b, r)
	_, err := io.WriteString(w, b.String())
	return err
}

func policySection(b *strings.Builder, r *v1alpha1.Report) {
	fmt.Fprintf(b, "Policy: %s\n", r.PolicySource)
}

func summarySection(b *strings.Builder, r *v1alpha1.Report) {
	s := r.Summary
	notReady := ""
	if s.NotReadyNodes > 0 {
		notReady = fmt.Sprintf(", %d not Ready", s.NotReadyNodes)
	}
	fmt.Fprintf(b, "Cluster: %s (%d control-plane, %d infra, %d worker%s) in %s, %s, %s; %s, %s\n",
		words.Count(s.Nodes, "node"), s.ControlPlaneNodes, s.InfraNodes, s.WorkerNodes, notReady,
		words.Count(s.Regions, "region"), words.Count(s.Zones, "zone"), words.Count(s.Hosts, "host"),
		words.Count(s.Pods, "active pod"), words.Count(s.PodDisruptionBudgets, "PodDisruptionBudget"))
}

func nodeDistributionSection(b *strings.Builder, r *v1alpha1.Report) {
	nd := r.NodeDistribution
	fmt.Fprintf(b, "\nNode distribution (%s, revision %s): %s\n", nd.Standard, nd.Revision, stateWord(nd.Outcome))
	if len(nd.Rules) > 0 {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		for _, rule := range nd.Rules {
			detail := ""
			if rule.Detail != "" {
				detail = ": " + rule.Detail
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", stateWord(rule.State), rule.Level, rule.Rule, detail)
		}
		_ = tw.Flush()
	}
	if len(nd.ControlPlane) > 0 {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  NODE\tREGION\tZONE\tHOST-ID")
		for _, n := range nd.ControlPlane {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", n.Name, words.OrDash(n.Region), words.OrDash(n.Zone), words.OrDash(n.HostID))
		}
		_ = tw.Flush()
	}
}

// replicasSection is the replica table: a column of available replicas per
// audited level.
func replicasSection(b *strings.Builder, r *v1alpha1.Report) {
	lvls := r.Levels
	if lvls == nil {
		lvls = levels.Default
	}
	titles := make([]string, len(lvls))
	for i, l := range lvls {
		titles[i] = levels.Title(l)
	}
	fmt.Fprintf(b, "\nComponent replicas available per %s:\n", words.And(titles))
	if len(r.Replicas) == 0 {
		fmt.Fprintf(b, "  (no control-plane component pods found)\n")
		return
	}
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprint(tw, "  GROUP\tROLE\tSPREAD\tPROTECTED\tREPLICAS")
	for _, t := range titles {
		fmt.Fprint(tw, "\tPER "+strings.ToUpper(t))
	}
	fmt.Fprintln(tw)
	for _, c := range r.Replicas {
		prot := "-"
		switch {
		case c.Quorum:
			prot = "quorum"
		case c.DisruptionControlled:
			prot = "yes"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s", c.Group, c.NodeRole, c.Spread, prot, replicasCell(c))
		for _, l := range lvls {
			fmt.Fprintf(tw, "\t%s", words.Counts(levels.AvailableAt(&c, l)))
		}
		fmt.Fprintln(tw)
	}
	_ = tw.Flush()
}

func survivalSection(b *strings.Builder, r *v1alpha1.Report) {
	fmt.Fprintf(b, "\nSurvival of a single failure:\n")
	if len(r.Survival) == 0 {
		fmt.Fprintf(b, "  (not assessed)\n")
	}
	for _, d := range r.Survival {
		fmt.Fprintf(b, "  %s %s: ", d.Level, d.Domain)
		if d.Survives() {
			fmt.Fprintf(b, "survives\n")
			continue
		}
		var parts []string
		if len(d.Lost) > 0 {
			parts = append(parts, "loses every replica of "+strings.Join(d.Lost, ", "))
		}
		for _, q := range d.QuorumLost {
			parts = append(parts, fmt.Sprintf("%s loses quorum (%d of %d members left)", q.Group, q.Survivors, q.Members))
		}
		fmt.Fprintf(b, "%s\n", strings.Join(parts, "; "))
	}
}

func findingsSection(b *strings.Builder, r *v1alpha1.Report) {
	fmt.Fprintf(b, "\nFindings:\n")
	if len(r.Findings) == 0 {
		fmt.Fprintf(b, "  none\n")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(b, "  %s  %s: %s\n", strings.ToUpper(string(f.Severity)), f.ID, f.Message)
	}
}

// verdictSection is the last line: the verdict, the findings of each
// severity, and the rules left to confirm by hand.
func verdictSection(b *strings.Builder, r *v1alpha1.Report) {
	toConfirm := 0
	for _, rule := range r.NodeDistribution.Rules {
		if rule.State == v1alpha1.SCSRuleConfirmByHand {
			toConfirm++
		}
	}
	confirm := ""
	if toConfirm > 0 {
		confirm = fmt.Sprintf(", %d to confirm by hand", toConfirm)
	}
	fmt.Fprintf(b, "\nVerdict: %s (%d fail, %d warn%s)\n", r.Verdict, r.Fails, r.Warnings, confirm)
}

// controlPlaneSchedulerSection says which scheduler each kube-scheduler
// pod runs: a row per pod, its node, role, scheduler, image and binary
// (the whole command is in -o json), after what is expected and why.
func controlPlaneSchedulerSection(b *strings.Builder, r *v1alpha1.Report) {
	cps := r.ControlPlaneScheduler
	expected := ""
	if cps.Expected != "" {
		expected = fmt.Sprintf(" (expected: %s; %s)", cps.Expected, cps.Reason)
	}
	fmt.Fprintf(b, "\nControl-plane scheduler%s:\n", expected)
	if len(cps.Pods) == 0 {
		// The namespace audit.SchedulerNamespace looks in.
		fmt.Fprintf(b, "  (no kube-scheduler pod found in %s)\n", metav1.NamespaceSystem)
		return
	}
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NODE\tROLE\tSCHEDULER\tIMAGE\tCOMMAND")
	for _, p := range cps.Pods {
		binary := ""
		if len(p.Command) > 0 {
			binary = p.Command[0]
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", p.Node, words.OrDash(p.Role), p.Scheduler, words.OrDash(p.Image), words.OrDash(binary))
	}
	_ = tw.Flush()
}

// stateWord renders an SCS rule's state, or the node distribution's
// outcome, for people: PASS, FAIL, WARN, CONFIRM BY HAND, N/A.
func stateWord(s v1alpha1.SCSRuleState) string {
	switch s {
	case v1alpha1.SCSRuleConfirmByHand:
		return "CONFIRM BY HAND"
	case v1alpha1.SCSRuleNotApplicable:
		return "N/A"
	}
	return strings.ToUpper(string(s))
}

// replicasCell renders a row's REPLICAS: the desired size when every
// replica is available, else "available/desired available", with the
// placed ones when some of them are not available: "3/5 available
// (4 placed)".
func replicasCell(c v1alpha1.ComponentReplica) string {
	if c.Available == c.Desired {
		return fmt.Sprint(c.Desired)
	}
	s := fmt.Sprintf("%d/%d available", c.Available, c.Desired)
	if c.Placed != c.Available {
		s += fmt.Sprintf(" (%d placed)", c.Placed)
	}
	return s
}
