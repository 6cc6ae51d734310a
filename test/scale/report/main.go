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

// Command report prints the scale benchmark's results (test/scale) as
// Markdown tables: throughput, per-pod scheduling cost and heap for each
// profile, the preemption workload, the ratios against the goals of the
// benchmark, where the pods landed, and what our plugins cost per
// extension point.
//
// It reads the data-items files scheduler_perf writes
// (BenchmarkPerfScheduling_benchmark_*.json; several files are merged, the
// newest wins), the placement_*.json files of the benchmark's placement
// check, the memory_*.json files of its phase boundaries and the
// preemption_*.json files of its preemption workload, from the directory
// given as its argument:
//
//	go run ./test/scale/report _output/scale
//
// It exits 0 whatever the numbers say: a 2-core machine shared with other
// work is not a place for pass/fail thresholds. -strict makes a missed goal
// exit 3.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

// The test cases (profiles), workloads and phases of
// test/scale/config/performance-config.yaml.
const (
	profileDefault  = "Default"
	profileHA       = "HAScheduler"
	profileUpstream = "UpstreamEquivalent"

	phaseUser = "user"
	phaseCP   = "controlplane"
)

var (
	profiles  = []string{profileDefault, profileHA, profileUpstream}
	workloads = []string{"500Nodes", "5000Nodes", "15000Nodes"}
	phases    = []string{phaseUser, phaseCP}
	ourPlugin = []string{"WorkloadSeparation", "FailureDomainSpread", "PodTopologySpread", "NodeAffinity"}
	extPoints = []string{"PreFilter", "Filter", "PreScore", "Score"}
)

// dataItem is scheduler_perf's DataItem.
type dataItem struct {
	Data   map[string]float64 `json:"data"`
	Unit   string             `json:"unit"`
	Labels map[string]string  `json:"labels"`
}

type dataItems struct {
	DataItems []dataItem `json:"dataItems"`
}

// placement is what the benchmark wrote for one workload.
type placement = result.Placement

// results indexes the data items by "<profile>/<workload>/<phase>" and a
// metric key (the metric name plus its plugin, extension point and result
// labels where they apply).
type results map[string]map[string]map[string]float64

func (r results) get(profile, workload, phase, metric, bucket string) (float64, bool) {
	v, ok := r[profile+"/"+workload+"/"+phase][metric][bucket]
	return v, ok
}

func metricKey(l map[string]string) string {
	key := l["Metric"]
	for _, label := range []string{"plugin", "extension_point", "result"} {
		if v, ok := l[label]; ok && v != "not applicable" {
			key += "/" + v
		}
	}
	return key
}

// readJSON decodes every file matching pattern in dir, in name order.
func readJSON[T any](dir, pattern string, each func(T)) error {
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return err
	}
	slices.Sort(files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		each(v)
	}
	return nil
}

func load(dir string) (results, map[string]placement, phaseMemory, error) {
	const dataItemFiles = "BenchmarkPerfScheduling_benchmark_*.json"
	if files, err := filepath.Glob(filepath.Join(dir, dataItemFiles)); err != nil || len(files) == 0 {
		return nil, nil, nil, fmt.Errorf("no %s in %s: run the benchmark first (make bench-scale)", dataItemFiles, dir)
	}
	r := results{}
	// The names end in the time of the run: the newest is read last, and wins.
	if err := readJSON(dir, dataItemFiles, func(items dataItems) {
		for _, it := range items.DataItems {
			if it.Data == nil {
				continue
			}
			// Name: BenchmarkPerfScheduling/<profile>/<workload>/<phase>
			name := strings.TrimPrefix(it.Labels["Name"], "BenchmarkPerfScheduling/")
			if r[name] == nil {
				r[name] = map[string]map[string]float64{}
			}
			r[name][metricKey(it.Labels)] = it.Data
		}
	}); err != nil {
		return nil, nil, nil, err
	}
	pl := map[string]placement{}
	if err := readJSON(dir, "placement_*.json", func(p placement) { pl[p.Profile+"/"+p.Workload] = p }); err != nil {
		return nil, nil, nil, err
	}
	pm := phaseMemory{}
	if err := readJSON(dir, "memory_*.json", func(phases []result.PhaseMemory) {
		for _, m := range phases {
			pm[m.Profile+"/"+m.Workload+"/"+m.Phase] = m
		}
	}); err != nil {
		return nil, nil, nil, err
	}
	return r, pl, pm, nil
}

const (
	throughput = "SchedulingThroughput"
	algorithm  = "scheduler_scheduling_algorithm_duration_seconds"
	attempt    = "scheduler_scheduling_attempt_duration_seconds/scheduled"
	heap       = "heap_memory_usage"
	pluginExec = "scheduler_plugin_execution_duration_seconds"
)

// eachRow calls row for each workload, phase and profile that has data, in
// table order, with its metrics.
func (r results) eachRow(row func(workload, phase, profile string, m map[string]map[string]float64)) {
	for _, wl := range workloads {
		for _, ph := range phases {
			for _, p := range profiles {
				if m, ok := r[p+"/"+wl+"/"+ph]; ok {
					row(wl, ph, p, m)
				}
			}
		}
	}
}

func num(v float64, ok bool, format string) string {
	if !ok {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

func printResults(w io.Writer, r results, pl map[string]placement) {
	fmt.Fprintln(w, "### Throughput, cost per pod, heap")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | phase | profile | pods/s avg | p50 | p99 | algorithm ms/pod avg | attempt ms/pod avg | heap MB avg | heap MB max | placement |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
	r.eachRow(func(wl, ph, p string, _ map[string]map[string]float64) {
		g := func(metric, bucket, format string) string {
			v, ok := r.get(p, wl, ph, metric, bucket)
			return num(v, ok, format)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", wl, ph, p,
			g(throughput, "Average", "%.1f"), g(throughput, "Perc50", "%.1f"), g(throughput, "Perc99", "%.1f"),
			g(algorithm, "Average", "%.2f"), g(attempt, "Average", "%.1f"),
			g(heap, "Average", "%.0f"), g(heap, "Max", "%.0f"),
			placementSummary(pl, p, wl, ph))
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, "pods/s: SchedulingThroughput (1 s samples); algorithm: scheduler_scheduling_algorithm_duration_seconds (PreFilter to Score);")
	fmt.Fprintln(w, "attempt: scheduler_scheduling_attempt_duration_seconds{result=scheduled} (algorithm + binding); heap: HeapInuse of the")
	fmt.Fprintln(w, "benchmark process (scheduler and in-process API server) during the phase.")
	fmt.Fprintln(w)
}

func placementSummary(pl map[string]placement, profile, workload, phase string) string {
	p, ok := pl[profile+"/"+workload]
	if !ok {
		return "–"
	}
	if phase == phaseUser {
		s := fmt.Sprintf("zone-balanced %d/%d, host-spread %d/%d groups", p.ZoneBalancedGroups, p.UserGroups, p.HostSpreadGroups, p.UserGroups)
		if n := p.UserPodsOnControlPlane + p.UserPodsOnInfra; n > 0 {
			s += fmt.Sprintf("; %d on control-plane/infra", n)
		}
		if p.UserPodsPending > 0 {
			s += fmt.Sprintf("; %d pending", p.UserPodsPending)
		}
		return s
	}
	s := fmt.Sprintf("host-balanced %d/%d groups", p.CPHostBalancedGroups, p.CPGroups)
	if p.CPPodsOffControlPlane > 0 {
		s += fmt.Sprintf("; %d/%d off control-plane", p.CPPodsOffControlPlane, p.CPPods)
	}
	if p.CPPodsPending > 0 {
		s += fmt.Sprintf("; %d pending", p.CPPodsPending)
	}
	return s
}

// goal is one line of the goals table. A context line is a figure the
// goals are read against, with no target of its own.
type goal struct {
	name, value, target string
	ok, known           bool
	context             bool
}

func ratio(r results, a, b [4]string, bucket string) (float64, bool) {
	x, okA := r.get(a[0], a[1], a[2], a[3], bucket)
	y, okB := r.get(b[0], b[1], b[2], b[3], bucket)
	if !okA || !okB || y == 0 {
		return 0, false
	}
	return x / y, true
}

// sizes are the workloads the goals are checked at, with their names in
// the goals table.
var sizes = []struct{ workload, label string }{{"5000Nodes", "5,000 nodes"}, {"15000Nodes", "15,000 nodes"}}

func goals(r results, pl map[string]placement, pm phaseMemory) []goal {
	var out []goal
	add := func(name string, v float64, ok bool, target string, pass func(float64) bool) {
		g := goal{name: name, target: target, known: ok, value: "–"}
		if ok {
			g.value = fmt.Sprintf("%.2f×", v)
			g.ok = pass(v)
		}
		out = append(out, g)
	}
	atLeast := func(t float64) func(float64) bool { return func(v float64) bool { return v >= t } }
	atMost := func(t float64) func(float64) bool { return func(v float64) bool { return v <= t } }

	for _, size := range sizes {
		wl := size.workload
		ha := [4]string{profileHA, wl, phaseUser, throughput}
		for _, bucket := range []struct{ name, label string }{{"Average", "avg"}, {"Perc50", "p50"}} {
			v, ok := ratio(r, ha, [4]string{profileDefault, wl, phaseUser, throughput}, bucket.name)
			add(fmt.Sprintf("user pods/s, ha ÷ default (%s, %s)", size.label, bucket.label), v, ok, "≥ 1.0×", atLeast(1.0))
		}
	}
	for _, bucket := range []struct{ name, label string }{{"Average", "avg"}, {"Perc50", "p50"}} {
		v, ok := ratio(r, [4]string{profileHA, "5000Nodes", phaseUser, throughput}, [4]string{profileUpstream, "5000Nodes", phaseUser, throughput}, bucket.name)
		add(fmt.Sprintf("user pods/s, ha ÷ upstream-equivalent (5,000 nodes, %s)", bucket.label), v, ok, "≥ 1.5×", atLeast(1.5))
	}
	for _, size := range sizes {
		p, pok := pl[profileHA+"/"+size.workload]
		spread := goal{name: fmt.Sprintf("ha spreads every user group over zones and hosts (%s)", size.label), target: "all groups", known: pok, value: "–"}
		if pok {
			spread.value = fmt.Sprintf("zone %d/%d, host %d/%d", p.ZoneBalancedGroups, p.UserGroups, p.HostSpreadGroups, p.UserGroups)
			spread.ok = p.UserGroups > 0 && p.ZoneBalancedGroups == p.UserGroups && p.HostSpreadGroups == p.UserGroups &&
				p.UserPodsOnControlPlane+p.UserPodsOnInfra+p.UserPodsPending == 0
		}
		out = append(out, spread)
	}
	for _, size := range sizes {
		v, ok := ratio(r, [4]string{profileHA, size.workload, phaseCP, algorithm}, [4]string{profileHA, "500Nodes", phaseCP, algorithm}, "Average")
		add(fmt.Sprintf("control-plane pod cost (algorithm ms/pod), ha, %s ÷ 500", size.label), v, ok, "≤ 1.5×", atMost(1.5))
		v, ok = ratio(r, [4]string{profileHA, "500Nodes", phaseCP, throughput}, [4]string{profileHA, size.workload, phaseCP, throughput}, "Average")
		add(fmt.Sprintf("control-plane pod cost (1 ÷ pods/s), ha, %s ÷ 500", size.label), v, ok, "≤ 1.5×", atMost(1.5))
	}
	for _, size := range sizes {
		v, ok := userPhaseRatio(pm, size.workload, func(m result.PhaseMemory) float64 { return m.SettledHeapMB })
		add(fmt.Sprintf("heap kept after the user phase (settled), ha ÷ default (%s)", size.label), v, ok, "≤ 1.1×", atMost(1.1))
		if ok {
			ha, _ := pm.get(profileHA, size.workload, phaseUser)
			def, _ := pm.get(profileDefault, size.workload, phaseUser)
			out[len(out)-1].value += fmt.Sprintf(" (%+.0f MB)", ha.SettledHeapMB-def.SettledHeapMB)
		}
		v, ok = userPhaseRatio(pm, size.workload, allocatedPerPod)
		add(fmt.Sprintf("bytes allocated per user pod, net of the idle background, ha ÷ default (%s)", size.label), v, ok, "≤ 1.1×", atMost(1.1))
	}
	// What a user pod cost the whole machine (API server, etcd, scheduler,
	// pod creators) and the scheduler alone: where the machine's cost is
	// far above the scheduler's, no scheduler can schedule much faster
	// than another on this machine, however less work it does.
	for _, size := range sizes {
		for _, c := range []struct {
			what   string
			perPod func(result.PhaseMemory) float64
		}{{"machine", machineCPUPerPod}, {"scheduler (profiled)", schedulerCPUPerPod}} {
			v, ok := userPhaseRatio(pm, size.workload, c.perPod)
			g := goal{name: fmt.Sprintf("%s CPU per user pod, ha ÷ default (%s)", c.what, size.label), value: "–", known: ok, context: true, target: "–"}
			if ok {
				ha, _ := pm.get(profileHA, size.workload, phaseUser)
				def, _ := pm.get(profileDefault, size.workload, phaseUser)
				g.value = fmt.Sprintf("%.2f× (%.1f ÷ %.1f ms)", v, 1000*c.perPod(ha), 1000*c.perPod(def))
			}
			out = append(out, g)
		}
	}
	for _, size := range sizes {
		speed, speedOK := ratio(r, [4]string{profileHA, size.workload, phaseUser, throughput}, [4]string{profileDefault, size.workload, phaseUser, throughput}, "Average")
		for _, bucket := range []struct{ name, label string }{{"Average", "avg"}, {"Max", "max"}} {
			v, ok := ratio(r, [4]string{profileHA, size.workload, phaseUser, heap}, [4]string{profileDefault, size.workload, phaseUser, heap}, bucket.name)
			g := goal{name: fmt.Sprintf("heap in flight during the user phase (HeapInuse %s), ha ÷ default (%s)", bucket.label, size.label),
				value: "–", known: ok, context: true, target: "–"}
			if ok {
				g.value = fmt.Sprintf("%.2f×", v)
			}
			if speedOK {
				g.name += fmt.Sprintf(", ha at %.2f× the pods/s", speed)
			}
			out = append(out, g)
		}
	}
	return out
}

// printGrowth prints how the cost of a pod (scheduling algorithm, ms per
// pod) grows with the cluster, for each pod kind and profile: the value at
// each size and its ratio to the 500-node value.
func printGrowth(w io.Writer, r results) {
	fmt.Fprintln(w, "### Cost growth with the cluster (algorithm ms/pod avg; × the 500-node value)")
	fmt.Fprintln(w)
	header, sep := "| phase | profile |", "|---|---|"
	for _, wl := range workloads {
		header += " " + wl + " |"
		sep += "---:|"
	}
	fmt.Fprintln(w, header)
	fmt.Fprintln(w, sep)
	for _, ph := range phases {
		for _, p := range profiles {
			base, baseOK := r.get(p, workloads[0], ph, algorithm, "Average")
			line, any := fmt.Sprintf("| %s | %s |", ph, p), false
			for _, wl := range workloads {
				v, ok := r.get(p, wl, ph, algorithm, "Average")
				switch {
				case !ok:
					line += " – |"
				case baseOK && base > 0:
					line += fmt.Sprintf(" %.2f (%.2f×) |", v, v/base)
					any = true
				default:
					line += fmt.Sprintf(" %.2f |", v)
					any = true
				}
			}
			if any {
				fmt.Fprintln(w, line)
			}
		}
	}
	fmt.Fprintln(w)
}

func printGoals(w io.Writer, gs []goal) (missed int) {
	fmt.Fprintln(w, "### Goals")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| goal | measured | target | |")
	fmt.Fprintln(w, "|---|---:|---|---|")
	for _, g := range gs {
		verdict := "no data"
		switch {
		case g.context:
			verdict = "context"
		case g.known && g.ok:
			verdict = "met"
		case g.known:
			verdict = "**missed**"
			missed++
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", g.name, g.value, g.target, verdict)
	}
	fmt.Fprintln(w)
	return missed
}

func printPlugins(w io.Writer, r results) {
	fmt.Fprintln(w, "### Spreading and separation plugins, ms per call (avg)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "scheduler_plugin_execution_duration_seconds: recorded for 10 % of the cycles, and dropped when the")
	fmt.Fprintln(w, "scheduler's metrics buffer is full (Filter and Score record one sample per node): indicative; – = no sample.")
	fmt.Fprintln(w)
	header := "| workload | phase | profile |"
	sep := "|---|---|---|"
	var cols []string
	for _, pl := range ourPlugin {
		for _, ep := range extPoints {
			cols = append(cols, pl+"/"+ep)
		}
	}
	// Keep only the columns with data somewhere.
	var used []string
	for _, c := range cols {
		for name := range r {
			if _, ok := r[name][pluginExec+"/"+c]; ok {
				used = append(used, c)
				break
			}
		}
	}
	for _, c := range used {
		header += " " + c + " |"
		sep += "---:|"
	}
	fmt.Fprintln(w, header)
	fmt.Fprintln(w, sep)
	r.eachRow(func(wl, ph, p string, m map[string]map[string]float64) {
		line := fmt.Sprintf("| %s | %s | %s |", wl, ph, p)
		for _, c := range used {
			v, ok := m[pluginExec+"/"+c]["Average"]
			line += " " + num(v, ok, "%.3f") + " |"
		}
		fmt.Fprintln(w, line)
	})
	fmt.Fprintln(w)
}

func main() {
	strict := flag.Bool("strict", false, "exit 3 when a goal is missed")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-strict] DIR\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(1)
	}
	r, pl, pm, err := load(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	pr, err := loadPreemptions(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := os.Stdout
	printResults(w, r, pl)
	printMemory(w, r, pm)
	printPreemption(w, r, pr)
	missed := printGoals(w, append(goals(r, pl, pm), preemptionGoals(r, pr)...))
	printGrowth(w, r)
	printPlugins(w, r)
	if *strict && missed > 0 {
		os.Exit(3)
	}
}
