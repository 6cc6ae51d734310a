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

package scale

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/component-base/metrics/testutil"
	"k8s.io/kubernetes/test/utils/client-go/ktesting"

	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

// boundaries is the state of each running workload's phase boundaries.
var boundaries sync.Map // test name -> *boundaryState

type boundaryState struct {
	// measured are the test case's measured phases in order
	// (measuredPhases): a phase boundary marker (a createNodes op that adds
	// no node, after a settle sleep) sits before the first and after each.
	measured   []string
	seen       int          // boundaries passed
	totalAlloc uint64       // the runtime's TotalAlloc at the last boundary
	at         time.Time    // when the last boundary measured
	cpu        cpuSeconds   // CPU seconds used up to the end of the last boundary
	profile    phaseProfile // the CPU profile of the phase under way
	phases     []result.PhaseMemory
}

// idleWindow is how long phaseBoundary watches the idle process allocate,
// after the config's settle sleep: the background (API server
// housekeeping, the benchmark's collectors) that every second of a phase
// also pays, whatever the scheduler does.
const idleWindow = 2 * time.Second

// phaseBoundary runs at a phase boundary marker. It measures the phase that
// ended there (result.PhaseMemory: the pods it scheduled, the live heap
// after two forced collections, the bytes allocated since the previous
// boundary, how long that took, and what the idle process allocates per
// second, over idleWindow), then resets the scheduler's metrics: scheduler_perf does not
// reset the scheduler's histograms when a measurement starts (it resets a
// gathered copy), so without the reset the second phase would report the
// first phase's pods too.
//
// The settle sleep before the marker lets the work of the phase finish
// (bindings' events, informers catching up): the collections then find the
// garbage of the phase unreachable, and what stays is what the process
// keeps for the cluster.
func phaseBoundary(tCtx ktesting.TContext, name string) {
	v, loaded := boundaries.LoadOrStore(name, &boundaryState{})
	b := v.(*boundaryState)
	if !loaded {
		bn, err := parseBenchName(name)
		if err == nil {
			b.measured, err = measuredPhases(bn.testCase)
		}
		if err != nil {
			tCtx.Errorf("phase boundary: %v", err)
		}
		tCtx.Cleanup(func() {
			_, _, _ = b.profile.stop() // a test case that failed mid-phase
			boundaries.Delete(name)
			if !tCtx.Failed() {
				writePhaseMemory(tCtx, name, b.measured, b.phases)
			}
		})
	}
	pods, podsErr := scheduledPods() // before the reset
	// The phase's CPU ends here: the idle window and the forced
	// collections below belong to no phase.
	cpuAtEnd, cpuErr := readCPUSeconds()
	schedCPU, schedOK, schedErr := b.profile.stop()
	scheduledBeforeReset.Add(int64(pods))
	var idleStart, m runtime.MemStats
	runtime.ReadMemStats(&idleStart)
	time.Sleep(idleWindow)
	runtime.ReadMemStats(&m)
	idleRate := mb(m.TotalAlloc-idleStart.TotalAlloc) / idleWindow.Seconds()
	runtime.GC()
	runtime.GC() // the first collection's floating garbage
	runtime.ReadMemStats(&m)
	now := time.Now()
	legacyregistry.Reset()

	switch {
	case b.seen == 0:
	case b.seen <= len(b.measured):
		if podsErr != nil {
			tCtx.Errorf("phase %s: the pods it scheduled: %v", b.measured[b.seen-1], podsErr)
		}
		pm := result.PhaseMemory{
			Phase:                b.measured[b.seen-1],
			Pods:                 int(pods),
			SettledHeapMB:        mb(m.HeapAlloc),
			AllocatedMB:          mb(m.TotalAlloc - b.totalAlloc),
			Seconds:              now.Sub(b.at).Seconds(),
			IdleAllocMBPerSecond: idleRate,
			CPUSeconds:           cpuAtEnd.process - b.cpu.process,
			MachineCPUSeconds:    cpuAtEnd.machine - b.cpu.machine,
		}
		if cpuErr != nil {
			tCtx.Errorf("phase %s: the process's CPU time: %v", pm.Phase, cpuErr)
		} else if pm.Pods > 0 && pm.CPUSeconds <= 0 {
			// Scheduling pods takes CPU: a reading that says otherwise
			// is a broken measure, not a fast scheduler.
			tCtx.Errorf("phase %s: %d pods scheduled with %.3f s of the process's CPU", pm.Phase, pm.Pods, pm.CPUSeconds)
		}
		if schedErr != nil {
			tCtx.Errorf("phase %s: %v", pm.Phase, schedErr)
		}
		if schedOK {
			pm.SchedulerCPUSeconds = schedCPU
		}
		tCtx.Logf("phase %s: %d pods, settled heap %.0f MB, allocated %.0f MB in %.0f s, idle %.1f MB/s, CPU %.1f s (machine %.1f s, scheduler %.1f s)", pm.Phase, pm.Pods, pm.SettledHeapMB, pm.AllocatedMB, pm.Seconds, pm.IdleAllocMBPerSecond, pm.CPUSeconds, pm.MachineCPUSeconds, pm.SchedulerCPUSeconds)
		b.phases = append(b.phases, pm)
	default:
		tCtx.Errorf("phase boundary %d: the config has more boundaries than the %d measured phases %v", b.seen+1, len(b.measured), b.measured)
	}
	b.seen++
	b.totalAlloc, b.at = m.TotalAlloc, now
	b.cpu, _ = readCPUSeconds()    // an error was reported at the phase's end
	if b.seen <= len(b.measured) { // a measured phase starts
		b.profile.start()
	}
}

func writePhaseMemory(tCtx ktesting.TContext, testName string, measured []string, phases []result.PhaseMemory) {
	bn, err := parseBenchName(testName)
	if err != nil {
		tCtx.Errorf("phase memory: %v", err)
		return
	}
	if len(phases) != len(measured) {
		tCtx.Errorf("phase memory: %d of the %d measured phases had an end boundary", len(phases), len(measured))
		return
	}
	// The test case names the file and the profile field: the report
	// reads the memory of the scheduling test cases.
	for i := range phases {
		phases[i].Profile, phases[i].Workload = bn.testCase, bn.workload
	}
	if err := writeResult(fmt.Sprintf("memory_%s_%s.json", bn.testCase, bn.workload), phases); err != nil {
		tCtx.Errorf("phase memory: writing the result: %v", err)
	}
}

// scheduledBeforeReset counts the pods scheduled before the last reset of
// the scheduler's metrics (phaseBoundary), for the memory trace's running
// count.
var scheduledBeforeReset atomic.Int64

// scheduledPods sums scheduler_schedule_attempts_total{result="scheduled"}
// over the profiles since the last reset of the scheduler's metrics. Before
// the first scheduled pod there is no such series: an error.
func scheduledPods() (float64, error) {
	byProfile, err := testutil.GetCounterValuesFromGatherer(legacyregistry.DefaultGatherer,
		"scheduler_schedule_attempts_total", map[string]string{"result": "scheduled"}, "profile")
	if err != nil {
		return 0, err
	}
	var sum float64
	for _, v := range byProfile {
		sum += v
	}
	return sum, nil
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
