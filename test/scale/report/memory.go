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

	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

// The benchmark's phase memory (memory_*.json): what each phase kept and
// allocated, the figures the heap goals are read on.

// phaseMemory indexes the benchmark's phase memory by
// "<profile>/<workload>/<phase>".
type phaseMemory map[string]result.PhaseMemory

func (pm phaseMemory) get(profile, workload, phase string) (result.PhaseMemory, bool) {
	m, ok := pm[profile+"/"+workload+"/"+phase]
	return m, ok
}

// userPhaseRatio is f of the ha profile's user phase ÷ f of the default
// profile's, at the workload.
func userPhaseRatio(pm phaseMemory, workload string, f func(result.PhaseMemory) float64) (float64, bool) {
	ha, okHA := pm.get(profileHA, workload, phaseUser)
	def, okDef := pm.get(profileDefault, workload, phaseUser)
	// A phase that bound no pod measured nothing: no data, not 0×.
	if !okHA || !okDef || ha.Pods == 0 || def.Pods == 0 || f(def) == 0 {
		return 0, false
	}
	return f(ha) / f(def), true
}

// allocatedPerPod is the bytes the phase's work allocated (net of the idle
// background) per pod the scheduler bound, in MB.
func allocatedPerPod(m result.PhaseMemory) float64 {
	if m.Pods == 0 {
		return 0
	}
	return m.WorkAllocatedMB() / float64(m.Pods)
}

// machineCPUPerPod is the machine's CPU seconds per pod the scheduler
// bound in the phase (0 where either is unknown).
func machineCPUPerPod(m result.PhaseMemory) float64 {
	return perPod(m, m.MachineCPUSeconds)
}

// schedulerCPUPerPod is the scheduler's CPU seconds (profiled) per pod it
// bound in the phase (0 where either is unknown).
func schedulerCPUPerPod(m result.PhaseMemory) float64 {
	return perPod(m, m.SchedulerCPUSeconds)
}

func perPod(m result.PhaseMemory, v float64) float64 {
	if m.Pods == 0 {
		return 0
	}
	return v / float64(m.Pods)
}

// printMemory prints the memory of each phase: what the process keeps once
// the phase's work is done and what it allocated for it (the benchmark's
// phase boundaries), beside scheduler_perf's HeapInuse during the phase.
func printMemory(w io.Writer, r results, pm phaseMemory) {
	fmt.Fprintln(w, "### Memory per phase")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| workload | phase | profile | pods | heap kept MB (settled) | allocated MB | seconds | idle MB/s | work KB/pod | heap in flight MB avg (HeapInuse) | pods/s avg | CPU s, process / machine | CPU ms/pod, process / machine / scheduler |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	r.eachRow(func(wl, ph, p string, _ map[string]map[string]float64) {
		m, ok := pm.get(p, wl, ph)
		if !ok {
			return
		}
		inFlight, okHeap := r.get(p, wl, ph, heap, "Average")
		speed, okSpeed := r.get(p, wl, ph, throughput, "Average")
		fmt.Fprintf(w, "| %s | %s | %s | %d | %.0f | %.0f | %.0f | %.1f | %s | %s | %s | %s / %s | %s / %s / %s |\n", wl, ph, p, m.Pods, m.SettledHeapMB, m.AllocatedMB,
			m.Seconds, m.IdleAllocMBPerSecond, num(allocatedPerPod(m)*1024, m.Pods > 0, "%.0f"), num(inFlight, okHeap, "%.0f"), num(speed, okSpeed, "%.1f"),
			num(m.CPUSeconds, m.CPUSeconds > 0, "%.1f"), num(m.MachineCPUSeconds, m.MachineCPUSeconds > 0, "%.1f"),
			num(1000*m.CPUSeconds/float64(m.Pods), m.CPUSeconds > 0 && m.Pods > 0, "%.2f"), num(1000*m.MachineCPUSeconds/float64(m.Pods), m.MachineCPUSeconds > 0 && m.Pods > 0, "%.2f"),
			num(1000*m.SchedulerCPUSeconds/float64(m.Pods), m.SchedulerCPUSeconds > 0 && m.Pods > 0, "%.2f"))
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, "heap kept: the live heap at the end of the phase, after a settle sleep and two forced collections with the cluster idle;")
	fmt.Fprintln(w, "allocated: the process's TotalAlloc between the phase boundaries (pod creation, API server, scheduler) over seconds;")
	fmt.Fprintln(w, "idle: what the idle process allocates per second (the background); work: allocated less idle × seconds, per pod bound;")
	fmt.Fprintln(w, "heap in flight: scheduler_perf's heap_memory_usage, HeapInuse sampled during the phase, garbage not yet collected")
	fmt.Fprintln(w, "included: it grows with the rate at which the process works (docs/performance.md, \"Heap\");")
	fmt.Fprintln(w, "CPU: user and system time of the benchmark process (API server, scheduler, pod creators) and of the whole machine")
	fmt.Fprintln(w, "(/proc/stat, etcd included) from the phase's start to its end, per pod bound: a cost that does not depend on how")
	fmt.Fprintln(w, "the pods/s samples were spread over the phase; scheduler: the part of the process's a CPU profile of the phase")
	fmt.Fprintln(w, "attributes to the scheduler's packages, upstream's and ours (docs/performance.md, \"What a pod costs the machine\").")
	fmt.Fprintln(w)
}
