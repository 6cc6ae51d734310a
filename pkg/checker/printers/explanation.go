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

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
)

// writeExplanation writes the explanation for people, after where the
// policy came from.
func writeExplanation(w io.Writer, e *v1alpha1.Explanation) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Policy: %s\n", e.PolicySource)
	where := stateText(e.State)
	switch {
	case e.State == v1alpha1.PodNodeGone:
		where = fmt.Sprintf("bound to node %s, which no longer exists", e.Node)
	case e.Node != "":
		where += fmt.Sprintf("; bound to node %s (zone %s, host %s)", e.Node, e.Zone, e.Host)
	}
	fmt.Fprintf(b, "Pod %s: %s; scheduler %s\n", e.Pod, where, words.OrDash(e.SchedulerName))
	if e.NominatedNode != "" {
		fmt.Fprintf(b, "  nominated node (preemption): %s\n", e.NominatedNode)
	}
	if e.SchedulerMessage != "" {
		fmt.Fprintf(b, "  the scheduler says: %s\n", e.SchedulerMessage)
	}

	c := e.Class
	var who string
	switch c.Kind {
	case v1alpha1.ClassComponent:
		who = "component " + c.Component
	case v1alpha1.ClassOtherTrusted:
		who = "other pod of a trusted namespace (no component rule matches)"
	default:
		who = "user workload (namespace not trusted)"
	}
	var extra []string
	if c.DaemonSet {
		extra = append(extra, "DaemonSet pod")
	}
	if c.Mirror {
		extra = append(extra, "static pod")
	}
	if len(extra) > 0 {
		who += " (" + strings.Join(extra, ", ") + ")"
	}
	fmt.Fprintf(b, "\nClass: %s\n", who)
	fmt.Fprintf(b, "  nodeRole %s: may run on %s nodes\n", c.NodeRole, words.OrNone(strings.Join(c.AllowedRoles, ", ")))
	spread := c.Spread
	if c.NotSpread != "" {
		spread += " (not applied: " + c.NotSpread + ")"
	}
	fmt.Fprintf(b, "  spread %s\n", spread)
	fmt.Fprintf(b, "  disruption: %s\n", disruptionRule(c))

	g := e.Group
	fmt.Fprintf(b, "\nGroup %s: %d desired, %d placed, %d available", g.Group, g.Desired, g.Placed, g.Available)
	if g.DisruptionControlled {
		fmt.Fprintf(b, ", must keep %d available", g.MinAvailable)
	}
	fmt.Fprintln(b)
	fmt.Fprintf(b, "  available per zone: %s\n  available per host: %s\n  available per node: %s\n",
		words.Counts(g.PerZone), words.Counts(g.PerHost), words.Counts(g.PerNode))
	for _, m := range g.Members {
		at := ""
		if m.Node != "" {
			at = " on " + m.Node
		}
		me := ""
		if m.Pod == e.Pod {
			me = " (this pod)"
		}
		fmt.Fprintf(b, "  %s%s: %s%s\n", m.Pod, at, stateText(m.State), me)
	}
	for _, f := range e.PlacementFindings {
		fmt.Fprintf(b, "\n%s  %s: %s\n", strings.ToUpper(string(f.Severity)), f.ID, f.Message)
	}

	if len(e.Spread) > 0 {
		fmt.Fprintf(b, "\nSpread (the group's replicas as FailureDomainSpread counts them):\n")
		for _, l := range e.Spread {
			line := fmt.Sprintf("  %s: %s", l.Level, words.Counts(l.Replicas))
			if l.Required {
				if l.Emptiest != nil {
					line += fmt.Sprintf("; required: emptiest eligible %s (%d)", l.Emptiest.Domain, l.Emptiest.Replicas)
				} else {
					line += "; required: no eligible domain"
				}
			}
			fmt.Fprintln(b, line)
		}
	}
	if e.State == v1alpha1.PodPending {
		writeNodeVerdicts(b, e.Nodes)
	}

	pr := e.Protection
	fmt.Fprintf(b, "\nProtection from preemption:\n")
	fmt.Fprintf(b, "  priority %d: only pods of a higher priority can preempt it\n", pr.Priority)
	switch pr.PreemptibleBy {
	case v1alpha1.PreemptibleByNobody:
		fmt.Fprintf(b, "  static (mirror) pod: never a victim\n")
	case v1alpha1.PreemptibleByComponents:
		fmt.Fprintf(b, "  component of a trusted namespace: only components preempt it\n")
	case v1alpha1.PreemptibleByTrusted:
		fmt.Fprintf(b, "  pod of a trusted namespace: only pods of trusted namespaces preempt it\n")
	default:
		fmt.Fprintf(b, "  user workload: any pod of a higher priority may preempt it\n")
	}
	switch {
	case e.State == v1alpha1.PodPending:
		fmt.Fprintf(b, "  it is pending: preemption takes only pods on nodes\n")
	case e.State != v1alpha1.PodAvailable && pr.PreemptibleBy != v1alpha1.PreemptibleByNobody && (pr.Group != nil || len(pr.PDBs) > 0):
		fmt.Fprintf(b, "  it is not available now: taking it costs its group and budgets nothing\n")
	}
	if gb := pr.Group; gb != nil {
		fmt.Fprintf(b, "  group %s keeps %d of %d available (%d available now): %s\n",
			gb.Group, gb.MinAvailable, gb.Desired, gb.Available, mayGo(gb.MayGo))
	} else {
		fmt.Fprintf(b, "  no disruption-controlled group\n")
	}
	if len(pr.PDBs) == 0 {
		fmt.Fprintf(b, "  no PodDisruptionBudget selects it\n")
	}
	for _, pdb := range pr.PDBs {
		stale := ""
		if pdb.Stale {
			stale = " (status not computed for the current spec)"
		}
		fmt.Fprintf(b, "  PodDisruptionBudget %s (%s): %s%s\n", pdb.Name, pdb.Spec, mayGo(int(pdb.MayGo)), stale)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeNodeVerdicts lists the nodes that pass and, per rule and reason,
// the nodes it rejects: on a large cluster many nodes share a reason.
func writeNodeVerdicts(b *strings.Builder, verdicts []v1alpha1.NodeVerdict) {
	fmt.Fprintf(b, "\nNodes, by the policy's rules (upstream filters such as resources and node affinity are not evaluated):\n")
	if len(verdicts) == 0 {
		fmt.Fprintf(b, "  (no nodes)\n")
		return
	}
	var pass []string
	type key struct{ rule, reason string }
	var order []key
	byReason := map[key][]string{}
	for _, v := range verdicts {
		if len(v.Rejections) == 0 {
			pass = append(pass, v.Node)
		}
		for _, r := range v.Rejections {
			k := key{r.Rule, r.Reason}
			if byReason[k] == nil {
				order = append(order, k)
			}
			byReason[k] = append(byReason[k], v.Node)
		}
	}
	fmt.Fprintf(b, "  %d of %d pass: %s\n", len(pass), len(verdicts), words.OrNone(words.List(pass)))
	for _, k := range order {
		fmt.Fprintf(b, "  %s rejects %s: %s\n", k.rule, words.List(byReason[k]), k.reason)
	}
}

func disruptionRule(c v1alpha1.PodClass) string {
	switch {
	case c.Quorum:
		return "quorum (a majority of the group's desired size stays available)"
	case c.DisruptionControlled:
		return fmt.Sprintf("minAvailable %d", c.MinAvailable)
	}
	return "not controlled (PodDisruptionBudgets only)"
}

func mayGo(n int) string {
	if n <= 0 {
		return "none may go now"
	}
	return fmt.Sprintf("%d may go now", n)
}

// stateText says a state token in words.
func stateText(token string) string {
	switch token {
	case v1alpha1.PodNodeGone:
		return "bound to a node that no longer exists"
	case v1alpha1.PodNodeNotReady:
		return "on a node that is not Ready"
	case v1alpha1.PodNotReady:
		return "not Ready"
	}
	return token
}
