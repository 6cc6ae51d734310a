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

// Package scale is the scale benchmark of ha-scheduler: upstream's
// scheduler_perf (a real etcd and an in-process kube-apiserver and
// scheduler) with our plugins as the out-of-tree registry, on clusters of
// 500 and 5,000 nodes with the seed topology (zones, physical hosts,
// control-plane, infra and worker nodes).
//
// Each workload runs under three profiles (config/performance-config.yaml):
// the default profile, the ha-scheduler profile (config/scheduler-ha.yaml,
// the shipped plugin configuration) and an upstream-only profile whose pods
// carry PodTopologySpread constraints, tolerations and node affinity that
// give the same guarantees. `go test -bench` writes scheduler_perf's data
// items; report/ prints the table with the ratios (make bench-scale).
//
// Without -bench nothing heavy runs: TestConfig only checks the
// configuration files.
package scale

import (
	"fmt"
	"os"
	"testing"
	"time"

	_ "k8s.io/component-base/logs/json/register"
	perf "k8s.io/kubernetes/test/integration/scheduler_perf"

	"github.com/ha-scheduler/ha-scheduler/pkg/app"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins"
)

// configFile holds the test cases, relative to this package (go test runs
// in the package directory).
const configFile = "config/performance-config.yaml"

// haSchedulerConfig is the configuration of the HAScheduler workloads.
const haSchedulerConfig = "config/scheduler-ha.yaml"

// topic names the data-items file: BenchmarkPerfScheduling_benchmark_<topic>_<time>.json.
const topic = "hascheduler"

func TestMain(m *testing.M) {
	if err := perf.InitTests(); err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// BenchmarkPerfScheduling runs the workloads selected by
// -perf-scheduling-label-filter (default "performance": the 500- and
// 5,000-node workloads). Run with -benchtime=1x.
func BenchmarkPerfScheduling(b *testing.B) {
	// scheduler_perf builds the scheduler itself, without the command's
	// pre-run that loads each profile's policy: load it here.
	policies, err := app.LoadPolicies(haSchedulerConfig)
	if err != nil {
		b.Fatal(err)
	}
	stopTrace, err := startMemTrace()
	if err != nil {
		b.Fatal(err)
	}
	defer stopTrace()
	perf.RunBenchmarkPerfScheduling(b, configFile, topic, plugins.Registry(policies),
		perf.WithNodeUpdateFn(onCreateNodes), perf.WithPodsSchedulingTimeout(podsSchedulingTimeout))
}

// podsSchedulingTimeout is how long a barrier (or a createPods op) waits
// for its pods, 10 minutes by default: the preemption phase binds its
// preemptors only after it has tried each once (a preemptor waits for its
// victims behind those not yet tried), which at 5,000 nodes on a loaded
// 2-core machine can take longer.
const podsSchedulingTimeout = 30 * time.Minute

// The smoke workloads (8 nodes, label integration-test) run through the
// benchmark too, since only RunBenchmarkPerfScheduling takes an out-of-tree
// registry:
//
//	go test ./test/scale -run '^$' -bench . -benchtime=1x \
//	    -perf-scheduling-label-filter=integration-test
