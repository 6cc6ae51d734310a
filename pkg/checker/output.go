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
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// WriteText writes the report for people: summary, node distribution, the
// control plane's scheduler, replica table, survival, trust (when read),
// findings, and the verdict last.
func WriteText(w io.Writer, r *Report) error {
	b := &strings.Builder{}
	s := r.Summary
	notReady := ""
	if s.NotReadyNodes > 0 {
		notReady = fmt.Sprintf(", %d not Ready", s.NotReadyNodes)
	}
	fmt.Fprintf(b, "Cluster: %s (%d control-plane, %d infra, %d worker%s) in %s, %s, %s; %s, %s\n",
		count(s.Nodes, "node"), s.ControlPlaneNodes, s.InfraNodes, s.WorkerNodes, notReady,
		count(s.Regions, "region"), count(s.Zones, "zone"), count(s.Hosts, "host"),
		count(s.Pods, "active pod"), count(s.PodDisruptionBudgets, "PodDisruptionBudget"))

	nd := r.NodeDistribution
	fmt.Fprintf(b, "\nNode distribution (%s, revision %s): %s\n", nd.Standard, nd.Revision, stateWord(nd.Outcome))
	toConfirm := 0
	if len(nd.Rules) > 0 {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		for _, rule := range nd.Rules {
			if rule.State == SCSRuleConfirmByHand {
				toConfirm++
			}
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
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", n.Name, orDash(n.Region), orDash(n.Zone), orDash(n.HostID))
		}
		_ = tw.Flush()
	}

	writeControlPlaneScheduler(b, r.ControlPlaneScheduler)

	levels := r.Levels
	if levels == nil {
		levels = defaultAuditLevels
	}
	titles := make([]string, len(levels))
	for i, l := range levels {
		titles[i] = levelTitle(l)
	}
	fmt.Fprintf(b, "\nComponent replicas available per %s:\n", andList(titles))
	if len(r.Replicas) == 0 {
		fmt.Fprintf(b, "  (no control-plane component pods found)\n")
	} else {
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
			for _, l := range levels {
				fmt.Fprintf(tw, "\t%s", counts(availableAt(&c, l)))
			}
			fmt.Fprintln(tw)
		}
		_ = tw.Flush()
	}

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

	writeTrust(b, r.Trust)

	fmt.Fprintf(b, "\nFindings:\n")
	if len(r.Findings) == 0 {
		fmt.Fprintf(b, "  none\n")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(b, "  %s  %s: %s\n", strings.ToUpper(string(f.Severity)), f.ID, f.Message)
	}

	confirm := ""
	if toConfirm > 0 {
		confirm = fmt.Sprintf(", %d to confirm by hand", toConfirm)
	}
	fmt.Fprintf(b, "\nVerdict: %s (%d fail, %d warn%s)\n", r.Verdict, r.Fails, r.Warnings, confirm)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeControlPlaneScheduler writes which scheduler each kube-scheduler pod
// runs: a row per pod, its node, role, scheduler, image and binary (the
// whole command is in -o json), after what is expected and why.
func writeControlPlaneScheduler(b *strings.Builder, cps ControlPlaneScheduler) {
	expected := ""
	if cps.Expected != "" {
		expected = fmt.Sprintf(" (expected: %s; %s)", cps.Expected, cps.Reason)
	}
	fmt.Fprintf(b, "\nControl-plane scheduler%s:\n", expected)
	if len(cps.Pods) == 0 {
		fmt.Fprintf(b, "  (no kube-scheduler pod found in %s)\n", SchedulerNamespace)
		return
	}
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NODE\tROLE\tSCHEDULER\tIMAGE\tCOMMAND")
	for _, p := range cps.Pods {
		binary := ""
		if len(p.Command) > 0 {
			binary = p.Command[0]
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", p.Node, orDash(p.Role), p.Scheduler, orDash(p.Image), orDash(binary))
	}
	_ = tw.Flush()
}

// stateWord renders an SCS rule's state, or the node distribution's
// outcome, for people: PASS, FAIL, WARN, CONFIRM BY HAND, N/A.
func stateWord(s SCSRuleState) string {
	switch s {
	case SCSRuleConfirmByHand:
		return "CONFIRM BY HAND"
	case SCSRuleNotApplicable:
		return "N/A"
	}
	return strings.ToUpper(string(s))
}

// replicasCell renders a row's REPLICAS: the desired size when every
// replica is available, else "available/desired available", with the
// placed ones when some of them are not available: "3/5 available
// (4 placed)".
func replicasCell(c ComponentReplica) string {
	if c.Available == c.Desired {
		return fmt.Sprint(c.Desired)
	}
	s := fmt.Sprintf("%d/%d available", c.Available, c.Desired)
	if c.Placed != c.Available {
		s += fmt.Sprintf(" (%d placed)", c.Placed)
	}
	return s
}

// count renders "1 node", "3 nodes".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// counts renders a domain→count map as "a=2 b=1", sorted by domain.
func counts(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}
