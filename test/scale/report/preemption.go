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
	fmt.Fprintln(w, "| workload | profile | preemptors | preemptors/s avg | p50 | phase: s, preemptors/s | attempts | victims | victims per preemptor | pending | guarantee violations | PostFilter ms avg | refused by the guard |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
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
			cells := []string{"–", "–", "–", "–", "–", "–", "–", "–"}
			if ok {
				cells = []string{fmt.Sprint(p.Preemptors), phaseRate(p), fmt.Sprint(p.Attempts), fmt.Sprint(p.Victims),
					num(float64(p.Victims)/float64(p.Scheduled), p.Scheduled > 0, "%.2f"), fmt.Sprint(p.Pending),
					byRule(p.Violations, p.ViolationsByRule), byRule(-1, p.RefusedVictims)}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", wl, profile, cells[0],
				g(throughput, "Average", "%.1f"), g(throughput, "Perc50", "%.1f"), cells[1], cells[2], cells[3], cells[4], cells[5], cells[6],
				g(postFilter, "Average", "%.2f"), cells[7])
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "preemptors/s: SchedulingThroughput of the preemptors (1 s samples; they bind in bursts, so p50 says little);")
	fmt.Fprintln(w, "phase: seconds from the first preemptor created to the last bound, and bound preemptors per second of it;")
	fmt.Fprintln(w, "attempts: scheduler_preemption_attempts_total; victims: fill pods gone after the phase; guarantee violations:")
	fmt.Fprintln(w, "victims that broke a PodDisruptionBudget, a disruption-controlled group's minimum or rule 3, judged by the ha")
	fmt.Fprintln(w, "profile's policy in both profiles (by rule); PostFilter: the preemption attempt's latency; refused: DisruptionGuard's")
	fmt.Fprintln(w, "refused victims by rule (once per pod, rule and attempt).")
	fmt.Fprintln(w)
}

// phaseRate is the phase's seconds and the preemptors bound per second.
func phaseRate(p result.Preemption) string {
	if p.Seconds <= 0 {
		return "–"
	}
	return fmt.Sprintf("%d s, %.1f", p.Seconds, float64(p.Scheduled)/float64(p.Seconds))
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
// profile (SchedulingThroughput's average; its p50 says little of a flow
// that binds in bursts), and none of its victims broke a guarantee. The
// phase's rate and the default profile's violations (what the guard
// prevents) are context.
func preemptionGoals(r results, pr preemptions) []goal {
	const wl, size = "5000Nodes", "5,000 nodes"
	speed := goal{name: fmt.Sprintf("preemptors/s, ha ÷ default (%s, avg)", size), target: "≥ 1.0×", value: "–"}
	if v, ok := ratio(r, [4]string{preemptionCase(profileHA), wl, phasePreemption, throughput},
		[4]string{preemptionCase(profileDefault), wl, phasePreemption, throughput}, "Average"); ok {
		speed.known, speed.ok, speed.value = true, v >= 1.0, fmt.Sprintf("%.2f×", v)
	}
	ha, haOK := pr.get(profileHA, wl)
	def, defOK := pr.get(profileDefault, wl)
	phase := goal{name: fmt.Sprintf("preemptors/s over the phase, ha ÷ default (%s)", size), target: "–", value: "–", context: true}
	if haOK && defOK && ha.Seconds > 0 && def.Seconds > 0 && def.Scheduled > 0 {
		phase.known = true
		phase.value = fmt.Sprintf("%.2f×", float64(ha.Scheduled)/float64(ha.Seconds)/(float64(def.Scheduled)/float64(def.Seconds)))
	}
	violations := goal{name: fmt.Sprintf("guarantee violations, ha (%s)", size), target: "0", value: "–"}
	if haOK {
		violations.known, violations.ok, violations.value = true, ha.Violations == 0, byRule(ha.Violations, ha.ViolationsByRule)
	}
	prevented := goal{name: fmt.Sprintf("guarantee violations, default (%s): what the guard prevents", size), target: "–", value: "–", context: true}
	if defOK {
		prevented.known, prevented.value = true, byRule(def.Violations, def.ViolationsByRule)
	}
	return []goal{speed, phase, violations, prevented}
}
