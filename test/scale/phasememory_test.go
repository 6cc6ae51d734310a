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
	"strings"
	"sync"

	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/kubernetes/test/utils/client-go/ktesting"

	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

// measuredPhases are the measured phases of config/performance-config.yaml
// in order. A phase boundary marker (a createNodes op that adds no node,
// after a settle sleep) sits before the first phase and after each one.
var measuredPhases = []string{"user", "controlplane"}

// boundaries is the state of each running workload's phase boundaries.
var boundaries sync.Map // test name -> *boundaryState

type boundaryState struct {
	seen       int    // boundaries passed
	totalAlloc uint64 // the runtime's TotalAlloc at the last boundary
	phases     []result.PhaseMemory
}

// phaseBoundary runs at a phase boundary marker. It measures the phase that
// ended there (result.PhaseMemory: the pods it scheduled, the live heap
// after two forced collections, the bytes allocated since the previous
// boundary), then resets the scheduler's metrics: scheduler_perf does not
// reset the scheduler's histograms when a measurement starts (it resets a
// gathered copy), so without the reset the second phase would report the
// first phase's pods too.
//
// The settle sleep before the marker lets the work of the phase finish
// (bindings' events, informers catching up): the collections then find the
// garbage of the phase unreachable, and what stays is what the process
// keeps for the cluster.
func phaseBoundary(tCtx ktesting.TContext, name string) {
	pods := scheduledPods() // before the reset
	runtime.GC()
	runtime.GC() // the first collection's floating garbage
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	legacyregistry.Reset()

	v, loaded := boundaries.LoadOrStore(name, &boundaryState{})
	b := v.(*boundaryState)
	if !loaded {
		tCtx.Cleanup(func() {
			boundaries.Delete(name)
			if !tCtx.Failed() {
				writePhaseMemory(tCtx, name, b.phases)
			}
		})
	}
	switch {
	case b.seen == 0:
	case b.seen <= len(measuredPhases):
		pm := result.PhaseMemory{
			Phase:         measuredPhases[b.seen-1],
			Pods:          int(pods),
			SettledHeapMB: mb(m.HeapAlloc),
			AllocatedMB:   mb(m.TotalAlloc - b.totalAlloc),
		}
		tCtx.Logf("phase %s: %d pods, settled heap %.0f MB, allocated %.0f MB", pm.Phase, pm.Pods, pm.SettledHeapMB, pm.AllocatedMB)
		b.phases = append(b.phases, pm)
	default:
		tCtx.Errorf("phase boundary %d: the config has more boundaries than the %d measured phases %v", b.seen+1, len(measuredPhases), measuredPhases)
	}
	b.seen++
	b.totalAlloc = m.TotalAlloc
}

func writePhaseMemory(tCtx ktesting.TContext, testName string, phases []result.PhaseMemory) {
	parts := strings.Split(testName, "/")
	if len(parts) < 3 {
		tCtx.Errorf("phase memory: unexpected test name %q", testName)
		return
	}
	if len(phases) != len(measuredPhases) {
		tCtx.Errorf("phase memory: %d of the %d measured phases had an end boundary", len(phases), len(measuredPhases))
		return
	}
	for i := range phases {
		phases[i].Profile, phases[i].Workload = parts[1], parts[2]
	}
	if err := writeResult(fmt.Sprintf("memory_%s_%s.json", parts[1], parts[2]), phases); err != nil {
		tCtx.Errorf("phase memory: writing the result: %v", err)
	}
}
