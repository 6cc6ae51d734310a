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
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// writeRebalancePlan writes the plan for people, after where the policy
// came from: each group's moves in order, the replicas that cannot move,
// the groups that wait.
func writeRebalancePlan(w io.Writer, p *v1alpha1.RebalancePlan) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Policy: %s\n", p.PolicySource)
	if len(p.Groups) == 0 {
		b.WriteString("Nothing to rebalance: every spread group is placed as the scheduler would place it now.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	moving := 0
	for _, g := range p.Groups {
		if len(g.Moves) > 0 {
			moving++
		}
	}
	fmt.Fprintf(b, "Rebalance: %s in %s, one eviction at a time, each replacement placed by the scheduler.\n", words.Count(p.Moves, "move"), words.Count(moving, "group"))
	for _, g := range p.Groups {
		fmt.Fprintf(b, "\n%s (spread %s)\n", g.Group, g.Spread)
		for i, mv := range g.Moves {
			level := LevelName(mv.Level)
			fmt.Fprintf(b, "  %d. evict %s on %s: %s %s %d → %d, %s %s %d → %d (to %s, or as good a node)\n", i+1, mv.Pod, mv.Node,
				level, mv.From.Domain, mv.From.Before, mv.From.After, level, mv.To.Domain, mv.To.Before, mv.To.After, mv.Target)
			if mv.Blocked != "" {
				fmt.Fprintf(b, "     blocked: %s\n", mv.Blocked)
			}
		}
		if g.Waiting != "" {
			fmt.Fprintf(b, "  could be spread better, but waits until it has recovered: %s\n", g.Waiting)
		}
		if len(g.NotMovable) > 0 {
			fmt.Fprintf(b, "  could be spread better, but these replicas cannot move:\n")
			for _, n := range g.NotMovable {
				fmt.Fprintf(b, "    %s on %s: %s\n", n.Pod, n.Node, n.Reason)
			}
		}
	}
	if p.Moves > 0 {
		b.WriteString("\nha-check rebalance --apply makes the moves, one at a time, each after the last replacement is Ready.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// LevelName is how the texts name a level by its label: zone, host, node,
// or its label's last element.
func LevelName(key string) string {
	if key == policy.LabelHostname {
		return "node"
	}
	return levels.Title(key)
}
