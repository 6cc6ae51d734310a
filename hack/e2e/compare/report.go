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
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// Outcome is one test's result in one run.
type Outcome struct {
	// State is ginkgo's: passed, failed, skipped, timedout, panicked, ...
	State string
	// Message is the failure (or skip) message, empty when it passed.
	Message string
}

// skippedState is ginkgo's state of a test that skipped itself.
var skippedState = types.SpecStateSkipped.String()

// Passed tells whether the test passed.
func (o Outcome) Passed() bool { return o.State == types.SpecStatePassed.String() }

// Run is the outcome of every test of one e2e.test run, by the test's full
// name (ginkgo's full text: "[sig-scheduling] SchedulerPredicates [Serial] ...").
type Run map[string]Outcome

// readRun reads the JSON report that e2e.test writes with
// --ginkgo.json-report. Only the specs that ran are kept: ginkgo lists the
// specs its focus and skip filtered out as skipped, with no message. A run
// whose suite setup failed is an error, not a run in which every test failed.
func readRun(path string) (Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var reports []types.Report
	if err := json.Unmarshal(data, &reports); err != nil {
		return nil, fmt.Errorf("%s: not a ginkgo JSON report: %w", path, err)
	}
	run := Run{}
	for _, report := range reports {
		for _, spec := range report.SpecReports {
			if spec.LeafNodeType != types.NodeTypeIt {
				if spec.State.Is(types.SpecStateFailureStates) {
					return nil, fmt.Errorf("%s: the suite's %s failed, no test ran: %s", path, spec.LeafNodeType, firstLine(spec.Failure.Message))
				}
				continue
			}
			if spec.State == types.SpecStateSkipped && spec.RunTime == 0 && spec.Failure.Message == "" {
				continue
			}
			run[spec.FullText()] = Outcome{State: spec.State.String(), Message: spec.Failure.Message}
		}
	}
	return run, nil
}

// firstLine is the first non-empty line of s, trimmed.
func firstLine(s string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return ""
}
