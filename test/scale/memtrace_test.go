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
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"time"
)

// memTraceEnv names a directory: when set, the benchmark process writes
// memtrace.tsv there (every second: pods scheduled so far, HeapInuse, the
// live heap the last GC marked, the GC's heap goal, GC cycles) and a heap
// profile each time the scheduled count passes a multiple of
// memTraceProfileEvery. scheduler_perf's heap figure is HeapInuse of the
// whole process (API server included, garbage not yet collected
// included); the trace separates what is live from what is in flight, and
// the scheduled count (all phases together) places each row in its phase.
// It is a diagnostic (docs/performance.md, "Heap"), off by default: run one
// test case per process, or the counts of consecutive cases mix.
const memTraceEnv = "HA_SCALE_MEMTRACE"

// memTraceProfileEvery is the number of pods scheduled (all phases of the
// case together) between two heap profiles: four in the user phase of the
// 5,000- and 15,000-node workloads (10,000 pods), and one in their
// control-plane phase (2,000 more).
const memTraceProfileEvery = 2500

// startMemTrace starts the trace when memTraceEnv is set; the returned
// function stops it.
func startMemTrace() (stop func(), err error) {
	dir := os.Getenv(memTraceEnv)
	if dir == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", memTraceEnv, err)
	}
	f, err := os.Create(filepath.Join(dir, "memtrace.tsv"))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", memTraceEnv, err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "seconds\tscheduled\theap_inuse_mb\theap_live_mb\theap_goal_mb\tgc_cycles")
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		samples := []metrics.Sample{
			{Name: "/gc/heap/live:bytes"},
			{Name: "/gc/heap/goal:bytes"},
			{Name: "/gc/cycles/total:gc-cycles"},
		}
		start := time.Now()
		nextProfile := float64(memTraceProfileEvery)
		ticker := time.NewTicker(time.Second)
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-ticker.C:
			}
			// The phase boundaries reset the scheduler's metrics: add
			// what the earlier phases scheduled.
			current, _ := scheduledPods() // 0 until the first pod
			scheduled := current + float64(scheduledBeforeReset.Load())
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			metrics.Read(samples)
			fmt.Fprintf(w, "%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t%d\n", time.Since(start).Seconds(), scheduled,
				mb(m.HeapInuse), mb(samples[0].Value.Uint64()), mb(samples[1].Value.Uint64()), samples[2].Value.Uint64())
			for scheduled >= nextProfile {
				writeHeapProfile(filepath.Join(dir, fmt.Sprintf("heap-%05.0f.pb.gz", nextProfile)))
				nextProfile += memTraceProfileEvery
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		_ = w.Flush()
		_ = f.Close()
	}, nil
}

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memTraceEnv, err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", memTraceEnv, err)
	}
}
