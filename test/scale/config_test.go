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
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/apis/config/scheme"
	"k8s.io/kubernetes/pkg/scheduler/apis/config/validation"
	"sigs.k8s.io/yaml"

	haconfig "github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/app"
)

// shippedConfig is the configuration the benchmark's ha profile must match.
const shippedConfig = "../../manifests/secondary/config.yaml"

// TestConfig checks, without starting anything, that the scheduler
// configurations load and validate as scheduler_perf loads them, and that
// the ha profile is the shipped one: the same plugins, weights and args,
// but for the profile name and the benchmark's extra trusted namespace.
func TestConfig(t *testing.T) {
	for _, file := range []string{"config/scheduler-ha.yaml", "config/scheduler-upstream.yaml", shippedConfig} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		obj, _, err := scheme.Codecs.UniversalDecoder().Decode(data, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		cfg, ok := obj.(*config.KubeSchedulerConfiguration)
		if !ok {
			t.Fatalf("%s: decoded a %T", file, obj)
		}
		if err := validation.ValidateKubeSchedulerConfiguration(cfg); err != nil {
			t.Errorf("%s: %v", file, err)
		}
		// And as the ha-scheduler binary (and BenchmarkPerfScheduling)
		// loads the policies.
		if _, err := app.LoadPolicies(file); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}

	ha, shipped := profileOf(t, "config/scheduler-ha.yaml"), profileOf(t, shippedConfig)
	if !reflect.DeepEqual(ha["plugins"], shipped["plugins"]) {
		t.Errorf("plugins differ from %s:\n%v\n%v", shippedConfig, ha["plugins"], shipped["plugins"])
	}
	haArgs, shippedArgs := argsByPlugin(t, ha), argsByPlugin(t, shipped)
	if policy := haArgs[haconfig.PolicyName]; policy != nil {
		ns, _ := policy["trustedNamespaces"].([]any)
		policy["trustedNamespaces"] = slices.DeleteFunc(slices.Clone(ns), func(v any) bool { return v == cpNamespace })
	}
	if !reflect.DeepEqual(haArgs, shippedArgs) {
		t.Errorf("pluginConfig differs from %s (besides %s in trustedNamespaces):\n%v\n%v", shippedConfig, cpNamespace, haArgs, shippedArgs)
	}

	cases, err := testCases()
	if err != nil {
		t.Fatal(err)
	}
	// The test cases and their measured phases, as the report reads them.
	scheduling, preemption := []string{"user", "controlplane"}, []string{"preemption"}
	wantPhases := map[string][]string{"Default": scheduling, "HAScheduler": scheduling, "UpstreamEquivalent": scheduling,
		"PreemptionDefault": preemption, "PreemptionHAScheduler": preemption}
	gotPhases := map[string][]string{}
	byName := map[string]map[string]any{}
	for _, tc := range cases {
		name, _ := tc["name"].(string)
		gotPhases[name] = phasesOf(tc)
		byName[name] = tc
	}
	if diff := cmp.Diff(wantPhases, gotPhases); diff != "" {
		t.Errorf("%s: test cases and their measured phases (-want +got):\n%s", configFile, diff)
	}
	for _, tc := range cases {
		if diff := cmp.Diff(wantPhaseOps(phasesOf(tc)), phaseOps(tc)); diff != "" {
			t.Errorf("%s: test case %v: measured phases and their boundaries (-want +got):\n%s", configFile, tc["name"], diff)
		}
		for _, err := range nodeCountsZero(tc) {
			t.Errorf("%s: test case %v: %v", configFile, tc["name"], err)
		}
		// A preemption test case runs its profile's scheduler configuration.
		name, _ := tc["name"].(string)
		if bn, _ := parseBenchName("BenchmarkPerfScheduling/" + name + "/w"); bn.preemption {
			if profile := byName[bn.profile]; profile == nil || profile["schedulerConfigPath"] != tc["schedulerConfigPath"] {
				t.Errorf("%s: test case %s: schedulerConfigPath %v, want that of test case %s", configFile, name, tc["schedulerConfigPath"], bn.profile)
			}
			for _, err := range preemptionParams(tc) {
				t.Errorf("%s: test case %s: %v", configFile, name, err)
			}
		}
	}
}

// nodeCountsZero reports the workloads whose params give a createNodes op
// with a countParam no node: at run time that op would be a phase boundary
// marker (phaseBoundary), and the phases would shift.
func nodeCountsZero(testCase map[string]any) []error {
	var params []string
	ops, _ := testCase["workloadTemplate"].([]any)
	for _, item := range ops {
		op, _ := item.(map[string]any)
		if p, ok := op["countParam"].(string); ok && op["opcode"] == "createNodes" {
			params = append(params, strings.TrimPrefix(p, "$"))
		}
	}
	var errs []error
	workloads, _ := testCase["workloads"].([]any)
	for _, item := range workloads {
		w, _ := item.(map[string]any)
		values, _ := w["params"].(map[string]any)
		for _, p := range params {
			if n, _ := values[p].(float64); n < 1 {
				errs = append(errs, fmt.Errorf("workload %v: %s is %v: a createNodes op must add nodes (one that adds none is a phase boundary marker)", w["name"], p, values[p]))
			}
		}
	}
	return errs
}

// preemptionParams checks the derived params of a preemption test case's
// workloads (config/performance-config.yaml says what they are), and that
// every preemptor has a worker where ha-scheduler may take all the victims
// it needs whatever the preemptors before it took: the workers without a
// trusted pod (untrustedWorkers). Without that the two profiles would not
// schedule the same pods.
func preemptionParams(testCase map[string]any) []error {
	var errs []error
	workloads, _ := testCase["workloads"].([]any)
	for _, item := range workloads {
		w, _ := item.(map[string]any)
		values, _ := w["params"].(map[string]any)
		get := func(name string) int {
			v, ok := values[name].(float64)
			if !ok || v < 1 {
				errs = append(errs, fmt.Errorf("workload %v: param %s is %v, want a positive number", w["name"], name, values[name]))
			}
			return int(v)
		}
		workers, every, group := get("workerNodes"), get("trustedEvery"), get("groupSize")
		trusted, untrusted, pdbs, preemptors := get("trustedWorkers"), get("untrustedWorkers"), get("pdbs"), get("preemptors")
		if every == 0 || group == 0 {
			continue
		}
		for _, c := range []struct {
			name      string
			got, want int
		}{
			{"trustedWorkers (ceil(workerNodes / trustedEvery))", trusted, (workers + every - 1) / every},
			{"untrustedWorkers (workerNodes - trustedWorkers)", untrusted, workers - trusted},
			{"pdbs (ceil(workerNodes / groupSize))", pdbs, (workers + group - 1) / group},
		} {
			if c.got != c.want {
				errs = append(errs, fmt.Errorf("workload %v: %s is %d, want %d", w["name"], c.name, c.got, c.want))
			}
		}
		if preemptors > untrusted {
			errs = append(errs, fmt.Errorf("workload %v: %d preemptors, but only %d workers where ha-scheduler may take the victims", w["name"], preemptors, untrusted))
		}
	}
	return errs
}

// phaseOps lists a test case's ops that delimit its measured phases: the
// phase boundary markers (a createNodes op that adds no node, phaseBoundary)
// as "boundary", and each startCollectingMetrics as its phase name.
func phaseOps(testCase map[string]any) []string {
	var out []string
	ops, _ := testCase["workloadTemplate"].([]any)
	for _, item := range ops {
		op, _ := item.(map[string]any)
		switch op["opcode"] {
		case "createNodes":
			if count, ok := op["count"].(float64); ok && count == 0 {
				out = append(out, "boundary")
			}
		case "startCollectingMetrics":
			name, _ := op["name"].(string)
			out = append(out, name)
		}
	}
	return out
}

// wantPhaseOps is what phaseOps must find: a boundary before the first
// measured phase and after each one, so that phaseBoundary measures each.
func wantPhaseOps(phases []string) []string {
	out := []string{"boundary"}
	for _, phase := range phases {
		out = append(out, phase, "boundary")
	}
	return out
}

// profileOf returns the only profile of a KubeSchedulerConfiguration file, as
// plain YAML.
func profileOf(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Profiles []map[string]any `json:"profiles"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(cfg.Profiles) != 1 {
		t.Fatalf("%s: want one profile, got %d", file, len(cfg.Profiles))
	}
	return cfg.Profiles[0]
}

func argsByPlugin(t *testing.T, profile map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	list, _ := profile["pluginConfig"].([]any)
	for _, item := range list {
		pc, _ := item.(map[string]any)
		name, _ := pc["name"].(string)
		args, _ := pc["args"].(map[string]any)
		out[name] = args
	}
	return out
}
