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
	"strings"
	"text/tabwriter"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
)

// The sections -o wide adds before the verdict of the text report. The
// lab prints the placement section (hack/lab/placement.sh).

// replicaCountsSection is -o wide's table of every count of each replica
// group, its first section: after two empty lines, as -o wide has always
// printed it (scripts may cut the output there).
func replicaCountsSection(b *strings.Builder, r *v1alpha1.Report) {
	b.WriteString("\n\nComponent replicas, every count:\n")
	if len(r.Replicas) == 0 {
		b.WriteString("  (no control-plane component pods found)\n")
	} else {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  GROUP\tCOMPONENT\tOWNER\tDESIRED\tREPLICAS\tPLACED\tAVAILABLE\tMIN-AVAILABLE")
		for _, c := range r.Replicas {
			minAvailable := "-"
			if c.DisruptionControlled {
				minAvailable = fmt.Sprint(c.MinAvailable)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n",
				c.Group, c.Component, words.OrDash(c.Owner), c.Desired, c.Replicas, c.Placed, c.Available, minAvailable)
		}
		_ = tw.Flush()
	}
}

// findingSubjectsSection is -o wide's list of every finding's subjects,
// which the messages spell out only up to a few.
func findingSubjectsSection(b *strings.Builder, r *v1alpha1.Report) {
	b.WriteString("\nFinding subjects:\n")
	if len(r.Findings) == 0 {
		b.WriteString("  none\n")
	} else {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SEVERITY\tID\tSUBJECTS")
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", strings.ToUpper(string(f.Severity)), f.ID, words.OrDash(strings.Join(f.Subjects, ", ")))
		}
		_ = tw.Flush()
	}
}

// placementSection is -o wide's placement of every pod (nil: no section).
func placementSection(p *model.PlacementTable) section {
	return func(b *strings.Builder, _ *v1alpha1.Report) {
		if p != nil {
			writePlacement(b, p)
		}
	}
}

// writePlacement writes the placement section of -o wide: a row per pod,
// the group's name and size on its first one; a line per DaemonSet. It
// ends with an empty line, so that a reader can cut it out (from its
// heading to the first empty line).
func writePlacement(b *strings.Builder, p *model.PlacementTable) {
	b.WriteString("\nPlacement (pods by group; DaemonSets by node role):\n")
	if len(p.Groups) == 0 && len(p.DaemonSets) == 0 {
		b.WriteString("  (no pods)\n")
	}
	if len(p.Groups) > 0 {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  GROUP\tREPLICAS\tNODE\tROLE\tZONE\tHOST")
		for _, g := range p.Groups {
			for i, pod := range g.Pods {
				group, replicas := "", ""
				if i == 0 {
					group, replicas = g.Group, fmt.Sprint(len(g.Pods))
				}
				if pod.Node == "" {
					// Every cell, or the columns of the rows below would
					// start a new block (tabwriter) and not line up.
					fmt.Fprintf(tw, "  %s\t%s\t(pending)\t-\t-\t-\n", group, replicas)
					continue
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", group, replicas, pod.Node, words.OrDash(pod.Role), words.OrDash(pod.Zone), words.OrDash(pod.Host))
			}
		}
		_ = tw.Flush()
	}
	for _, ds := range p.DaemonSets {
		fmt.Fprintf(b, "  DaemonSet %s: %d pods (%d control-plane, %d infra, %d worker)\n",
			ds.DaemonSet, ds.Pods, ds.PerRole["control-plane"], ds.PerRole["infra"], ds.PerRole["worker"])
	}
}
