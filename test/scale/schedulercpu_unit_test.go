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
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/stretchr/testify/require"
)

// TestSchedulerCPU counts the samples with a frame of the scheduler's
// packages, wherever in the stack, and no other.
func TestSchedulerCPU(t *testing.T) {
	fn := func(id uint64, name string) *profile.Location {
		return &profile.Location{ID: id, Line: []profile.Line{{Function: &profile.Function{ID: id, Name: name}}}}
	}
	filter := fn(1, "k8s.io/kubernetes/pkg/scheduler/framework/runtime.(*frameworkImpl).RunFilterPlugins")
	ours := fn(2, "github.com/ha-scheduler/ha-scheduler/pkg/plugins/workloadseparation.(*WorkloadSeparation).Filter")
	malloc := fn(3, "runtime.mallocgc")
	apiserver := fn(4, "k8s.io/apiserver/pkg/endpoints/handlers.CreateResource")
	gc := fn(5, "runtime.gcBgMarkWorker")
	// A package whose path starts like the scheduler's, but is another.
	lookalike := fn(6, "k8s.io/kubernetes/pkg/schedulerlike.Do")
	prof := &profile.Profile{
		SampleType: []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		PeriodType: &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:     int64(10 * time.Millisecond),
		Sample: []*profile.Sample{
			{Location: []*profile.Location{filter}, Value: []int64{1, int64(10 * time.Millisecond)}},
			{Location: []*profile.Location{malloc, ours, filter}, Value: []int64{2, int64(20 * time.Millisecond)}},
			{Location: []*profile.Location{malloc, apiserver}, Value: []int64{4, int64(40 * time.Millisecond)}},
			{Location: []*profile.Location{gc}, Value: []int64{8, int64(80 * time.Millisecond)}},
			{Location: []*profile.Location{lookalike}, Value: []int64{16, int64(160 * time.Millisecond)}},
		},
		Location: []*profile.Location{filter, ours, malloc, apiserver, gc, lookalike},
	}
	for _, l := range prof.Location {
		prof.Function = append(prof.Function, l.Line[0].Function)
	}
	require.NoError(t, prof.CheckValid())
	// Through the encoding StopCPUProfile writes, as phaseProfile reads it.
	var buf bytes.Buffer
	require.NoError(t, prof.Write(&buf))
	parsed, err := profile.Parse(&buf)
	require.NoError(t, err)
	got, err := schedulerCPU(parsed)
	require.NoError(t, err)
	if want := 30 * time.Millisecond; got != want {
		t.Errorf("schedulerCPU = %v, want %v (the filter sample and the allocation under our plugin)", got, want)
	}

	prof.SampleType = prof.SampleType[:1]
	for _, s := range prof.Sample {
		s.Value = s.Value[:1]
	}
	if _, err := schedulerCPU(prof); err == nil {
		t.Errorf("schedulerCPU of a profile without cpu/nanoseconds samples: no error")
	}
}
