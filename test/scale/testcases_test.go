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
	"strings"
	"sync"

	"sigs.k8s.io/yaml"
)

// testCases are the test cases of configFile as plain YAML, read once.
var testCases = sync.OnceValues(func() ([]map[string]any, error) {
	data, err := os.ReadFile(configFile)
	if err != nil {
		return nil, err
	}
	var cases []map[string]any
	if err := yaml.UnmarshalStrict(data, &cases); err != nil {
		return nil, fmt.Errorf("%s: %w", configFile, err)
	}
	return cases, nil
})

// phasesOf returns a test case's measured phases in order: the names of its
// startCollectingMetrics ops. A phase boundary marker sits before the first
// and after each (TestConfig checks it).
func phasesOf(testCase map[string]any) []string {
	var out []string
	ops, _ := testCase["workloadTemplate"].([]any)
	for _, item := range ops {
		op, _ := item.(map[string]any)
		if op["opcode"] == "startCollectingMetrics" {
			name, _ := op["name"].(string)
			out = append(out, name)
		}
	}
	return out
}

// measuredPhases returns the measured phases of the named test case of
// configFile.
func measuredPhases(testCase string) ([]string, error) {
	cases, err := testCases()
	if err != nil {
		return nil, err
	}
	for _, tc := range cases {
		if tc["name"] == testCase {
			return phasesOf(tc), nil
		}
	}
	return nil, fmt.Errorf("%s has no test case %q", configFile, testCase)
}

// preemptionPrefix starts the names of the preemption workload's test
// cases: Preemption<profile>, the profile being that of the test case
// <profile> (config/performance-config.yaml).
const preemptionPrefix = "Preemption"

// benchName is a workload's test name, BenchmarkPerfScheduling/<test
// case>/<workload>, split.
type benchName struct {
	testCase, workload string
	// profile is the test case's profile: the test case itself, or for a
	// preemption test case the name after preemptionPrefix.
	profile    string
	preemption bool
}

func parseBenchName(name string) (benchName, error) {
	parts := strings.Split(name, "/")
	if len(parts) < 3 {
		return benchName{}, fmt.Errorf("unexpected test name %q", name)
	}
	n := benchName{testCase: parts[1], workload: parts[2], profile: parts[1]}
	if p, ok := strings.CutPrefix(n.testCase, preemptionPrefix); ok && p != "" {
		n.profile, n.preemption = p, true
	}
	return n, nil
}
