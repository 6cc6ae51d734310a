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
	"bytes"
	"fmt"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// schedulerPackages are the code of the scheduler (with the packages
// below them): upstream's framework,
// plugins, cache, queue and event handlers, and ours. A CPU sample with a
// frame of one of them is the scheduler's, allocation and the garbage
// collection it assists included; the API server, etcd's client, the pod
// creators and the collector's background marking are not.
var schedulerPackages = []string{
	"k8s.io/kubernetes/pkg/scheduler",
	"github.com/ha-scheduler/ha-scheduler/pkg",
}

// phaseProfile is the CPU profile of one measured phase, in memory.
type phaseProfile struct {
	buf bytes.Buffer
	on  bool
}

// start starts the profile. Go runs one CPU profile at a time: under
// `go test -cpuprofile` it does not start, and the phase has no figure.
func (p *phaseProfile) start() {
	p.buf.Reset()
	p.on = pprof.StartCPUProfile(&p.buf) == nil
}

// stop stops the profile and returns the CPU seconds it attributes to the
// scheduler; ok is false where it did not run.
func (p *phaseProfile) stop() (seconds float64, ok bool, err error) {
	if !p.on {
		return 0, false, nil
	}
	pprof.StopCPUProfile()
	p.on = false
	prof, err := profile.Parse(&p.buf)
	if err != nil {
		return 0, false, fmt.Errorf("the phase's CPU profile: %w", err)
	}
	d, err := schedulerCPU(prof)
	return d.Seconds(), err == nil, err
}

// schedulerCPU sums the CPU time of the samples with a frame in
// schedulerPackages.
func schedulerCPU(prof *profile.Profile) (time.Duration, error) {
	idx := -1
	for i, st := range prof.SampleType {
		if st.Type == "cpu" && st.Unit == "nanoseconds" {
			idx = i
		}
	}
	if idx < 0 {
		return 0, fmt.Errorf("the CPU profile has no cpu/nanoseconds sample type")
	}
	var total int64
	for _, s := range prof.Sample {
		if schedulerSample(s) {
			total += s.Value[idx]
		}
	}
	return time.Duration(total), nil
}

func schedulerSample(s *profile.Sample) bool {
	for _, loc := range s.Location {
		for _, line := range loc.Line {
			if line.Function == nil {
				continue
			}
			for _, pkg := range schedulerPackages {
				// The package or one below it: a function's name is
				// its package path, a dot, and the function.
				if rest, ok := strings.CutPrefix(line.Function.Name, pkg); ok && (strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, "/")) {
					return true
				}
			}
		}
	}
	return false
}
