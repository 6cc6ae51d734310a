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
	"sort"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
)

// writeWhatIf writes the answer for people, after where the policy came
// from.
func writeWhatIf(w io.Writer, r *v1alpha1.WhatIf) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "Policy: %s\n", r.PolicySource)
	fmt.Fprintf(b, "If %s %s failed: %s lost (%s)\n", r.Level, r.Domain, words.Count(len(r.Nodes), "node"), words.List(r.Nodes))
	if len(r.NodesNotReady) > 0 {
		fmt.Fprintf(b, "  not Ready already: %s\n", words.List(r.NodesNotReady))
	}
	if r.Survives() {
		fmt.Fprintf(b, "\nNothing is lost: every component keeps an available replica, every quorum and minimum holds, every user workload keeps a replica.\n")
	}
	if len(r.ComponentsLost) > 0 {
		fmt.Fprintf(b, "\nComponents left without an available replica:\n")
		for _, l := range r.ComponentsLost {
			fmt.Fprintf(b, "  %s: loses %s%s\n", l.Group, words.AllOf(l.Lost), protectedNote(l))
		}
	}
	if len(r.QuorumLost) > 0 {
		fmt.Fprintf(b, "\nQuorum lost:\n")
		for _, q := range r.QuorumLost {
			fmt.Fprintf(b, "  %s: keeps %d of %d members, needs %d\n", q.Group, q.Survivors, q.Members, q.Quorum)
		}
	}
	if len(r.BelowMinimum) > 0 {
		fmt.Fprintf(b, "\nBelow their minimum available:\n")
		for _, m := range r.BelowMinimum {
			fmt.Fprintf(b, "  %s: keeps %d of %d, must keep %d\n", m.Group, m.Survivors, m.Desired, m.MinAvailable)
		}
	}
	if len(r.UserGroupsLost) > 0 {
		fmt.Fprintf(b, "\nUser workloads losing every replica:\n")
		for _, l := range r.UserGroupsLost {
			fmt.Fprintf(b, "  %s: loses %s\n", l.Group, words.AllOf(l.Lost))
		}
	}
	if len(r.ComponentsDownAlready) > 0 {
		down := append([]string(nil), r.ComponentsDownAlready...)
		sort.Strings(down)
		fmt.Fprintf(b, "\nDown already (no replica available before the failure): %s\n", words.List(down))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func protectedNote(l v1alpha1.GroupLoss) string {
	if l.Protected {
		return " (disruption-controlled or Required spread)"
	}
	return ""
}
