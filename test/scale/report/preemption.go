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

package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

// The preemption workload (test cases Preemption<profile>,
// test/scale/config/performance-config.yaml): the preemptors' throughput
// from the data items (phase preemption), attempts, victims and the
// guarantee check from the benchmark's preemption_*.json.

const phasePreemption = "preemption"

var (
	preemptionProfiles  = []string{profileDefault, profileHA}
	preemptionWorkloads = []string{"500Nodes", "5000Nodes"}
)

// preemptionCase is the test case that runs the preemption workload under
// a profile.
func preemptionCase(profile string) string { return "Preemption" + profile }

// preemptions indexes the benchmark's preemption results by
// "<profile>/<workload>".
type preemptions map[string]result.Preemption

func (pr preemptions) get(profile, workload string) (result.Preemption, bool) {
	p, ok := pr[profile+"/"+workload]
	return p, ok
}

func loadPreemptions(dir string) (preemptions, error) {
	pr := preemptions{}
	err := readJSON(dir, "preemption_*.json", func(p result.Preemption) { pr[p.Profile+"/"+p.Workload] = p })
	return pr, err
}

const postFilter = "scheduler_framework_extension_point_duration_seconds/PostFilter"

// printPreemption prints a row per workload and profile that has data.
func printPreemption(w io.Writer, r results, pr preemptions) {
	fmt.Fprintln(w, "### Preemption")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | profile | preemptors | preemptors/s avg | p50 | attempts | victims | victims per preemptor | pending | guarantee violations | PostFilter ms avg | refused by the guard |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
	for _, wl := range preemptionWorkloads {
		for _, profile := range preemptionProfiles {
			p, ok := pr.get(profile, wl)
			_, hasItems := r[preemptionCase(profile)+"/"+wl+"/"+phasePreemption]
			if !ok && !hasItems {
				continue
			}
			g := func(metric, bucket, format string) string {
				v, ok := r.get(preemptionCase(profile), wl, phasePreemption, metric, bucket)
				return num(v, ok, format)
			}
			cells := []string{"–", "–", "–", "–", "–", "–", "–"}
			if ok {
				cells = []string{fmt.Sprint(p.Preemptors), fmt.Sprint(p.Attempts), fmt.Sprint(p.Victims),
					num(float64(p.Victims)/float64(p.Scheduled), p.Scheduled > 0, "%.2f"), fmt.Sprint(p.Pending),
					byRule(p.Violations, p.ViolationsByRule), byRule(-1, p.RefusedVictims)}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", wl, profile, cells[0],
				g(throughput, "Average", "%.1f"), g(throughput, "Perc50", "%.1f"), cells[1], cells[2], cells[3], cells[4], cells[5],
				g(postFilter, "Average", "%.2f"), cells[6])
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "preemptors/s: SchedulingThroughput of the preemptors; attempts: scheduler_preemption_attempts_total; victims: fill pods")
	fmt.Fprintln(w, "gone after the phase; guarantee violations: victims that broke a PodDisruptionBudget, a disruption-controlled group's")
	fmt.Fprintln(w, "minimum or rule 3, judged by the ha profile's policy in both profiles (by rule); PostFilter: the preemption attempt's")
	fmt.Fprintln(w, "latency; refused: DisruptionGuard's refused victims by rule (per pod and attempt).")
	fmt.Fprintln(w)
}

// byRule is "n (rule a, rule b)"; n < 0 leaves the total out, "–" for none.
func byRule(n int, rules map[string]int) string {
	var parts []string
	for _, rule := range slices.Sorted(maps.Keys(rules)) {
		parts = append(parts, fmt.Sprintf("%s %d", rule, rules[rule]))
	}
	switch {
	case n < 0 && len(parts) == 0:
		return "–"
	case n < 0:
		return strings.Join(parts, ", ")
	case len(parts) == 0:
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d (%s)", n, strings.Join(parts, ", "))
}

// preemptionGoals are the preemption workload's goals at 5,000 nodes: the
// ha profile places the preemptors at least as fast as the default
// profile, and none of its victims broke a guarantee; the default
// profile's violations are context (what the guard prevents).
func preemptionGoals(r results, pr preemptions) []goal {
	const wl, size = "5000Nodes", "5,000 nodes"
	var out []goal
	for _, bucket := range []struct{ name, label string }{{"Average", "avg"}, {"Perc50", "p50"}} {
		g := goal{name: fmt.Sprintf("preemptors/s, ha ÷ default (%s, %s)", size, bucket.label), target: "≥ 1.0×", value: "–"}
		v, ok := ratio(r, [4]string{preemptionCase(profileHA), wl, phasePreemption, throughput},
			[4]string{preemptionCase(profileDefault), wl, phasePreemption, throughput}, bucket.name)
		if ok {
			g.known, g.ok, g.value = true, v >= 1.0, fmt.Sprintf("%.2f×", v)
		}
		out = append(out, g)
	}
	ha := goal{name: fmt.Sprintf("guarantee violations, ha (%s)", size), target: "0", value: "–"}
	if p, ok := pr.get(profileHA, wl); ok {
		ha.known, ha.ok, ha.value = true, p.Violations == 0, byRule(p.Violations, p.ViolationsByRule)
	}
	def := goal{name: fmt.Sprintf("guarantee violations, default (%s): what the guard prevents", size), target: "–", value: "–", context: true}
	if p, ok := pr.get(profileDefault, wl); ok {
		def.known, def.value = true, byRule(p.Violations, p.ViolationsByRule)
	}
	return append(out, ha, def)
}
