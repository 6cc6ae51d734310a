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

package result

// PhaseMemory is the benchmark process's memory for one measured phase of
// a workload, taken at the phase boundaries of the config (a createNodes op
// that adds no node, after a settle sleep) rather than sampled while the
// phase runs. scheduler_perf's heap_memory_usage samples HeapInuse during
// the phase: that includes the garbage of the work in flight, which grows
// with the rate at which the process schedules, binds and serves pods, so a
// profile that schedules twice as fast shows more of it for the same pods.
// These two figures do not depend on that rate:
//
//   - SettledHeapMB: the live heap at the end of the phase, after two forced
//     garbage collections with the cluster idle: what the process keeps for
//     the cluster it now holds (API server caches, the scheduler's cache and
//     informers, and our plugins' indexes).
//   - AllocatedMB: what the process allocated during the phase (the runtime's
//     TotalAlloc between the boundaries). Part of it is background that runs
//     whether or not pods are scheduled (API server housekeeping, the
//     benchmark's collectors), and a slower phase pays more of it:
//     WorkAllocatedMB takes out IdleAllocMBPerSecond × Seconds, leaving the
//     work of the phase; divided by Pods it is the allocation per pod.
//
// The benchmark writes a workload's phases as
// memory_<profile>_<workload>.json next to the data items.
type PhaseMemory struct {
	Profile  string `json:"profile"`
	Workload string `json:"workload"`
	Phase    string `json:"phase"`
	// Pods the scheduler bound during the phase
	// (scheduler_schedule_attempts_total{result="scheduled"}).
	Pods          int     `json:"pods"`
	SettledHeapMB float64 `json:"settledHeapMB"`
	AllocatedMB   float64 `json:"allocatedMB"`
	// Seconds from the previous boundary to this one (the phase, its settle
	// sleep and the idle window).
	Seconds float64 `json:"seconds"`
	// IdleAllocMBPerSecond is what the process allocated per second in the
	// idle window at the end of the phase.
	IdleAllocMBPerSecond float64 `json:"idleAllocMBPerSecond"`
	// CPUSeconds is the CPU time, user and system, the whole process used
	// from the previous boundary to this one, its idle window and forced
	// collections left out. Over Seconds it is how many of the machine's
	// cores the phase kept busy; per pod, what a pod cost the process.
	CPUSeconds float64 `json:"cpuSeconds,omitempty"`
	// MachineCPUSeconds is the same for the whole machine (/proc/stat's
	// busy time: the benchmark process, etcd and anything else running),
	// 0 where it cannot be read.
	MachineCPUSeconds float64 `json:"machineCPUSeconds,omitempty"`
	// SchedulerCPUSeconds is the part of CPUSeconds a CPU profile of the
	// phase attributes to the scheduler: the samples with a frame of
	// upstream's scheduler packages or of ours (the allocation and garbage
	// collection they cause in their own goroutines included, the
	// collector's background marking not). 0 where the benchmark ran
	// under go test -cpuprofile (one CPU profile at a time).
	SchedulerCPUSeconds float64 `json:"schedulerCPUSeconds,omitempty"`
}

// WorkAllocatedMB is AllocatedMB less the background the idle process
// allocates in as many seconds (never below zero).
func (m PhaseMemory) WorkAllocatedMB() float64 {
	return max(0, m.AllocatedMB-m.IdleAllocMBPerSecond*m.Seconds)
}
