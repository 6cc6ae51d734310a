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
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/stretchr/testify/require"
)

// spec is a test of a ginkgo report as e2e.test writes it.
func spec(text string, state types.SpecState, runTime time.Duration, message string) types.SpecReport {
	return types.SpecReport{
		ContainerHierarchyTexts: []string{"[sig-scheduling] SchedulerPredicates"},
		LeafNodeType:            types.NodeTypeIt,
		LeafNodeText:            text,
		State:                   state,
		RunTime:                 runTime,
		Failure:                 types.Failure{Message: message},
	}
}

// writeReport writes reports as e2e.test's --ginkgo.json-report does.
func writeReport(t *testing.T, path string, specs ...types.SpecReport) {
	t.Helper()
	data, err := json.Marshal([]types.Report{{SuiteDescription: "Kubernetes e2e suite", SpecReports: specs}})
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func TestReadRun(t *testing.T) {
	dir := t.TempDir()
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed}
	writeReport(t, filepath.Join(dir, "report.json"),
		setup,
		spec("a passes", types.SpecStatePassed, time.Second, ""),
		spec("b fails", types.SpecStateFailed, time.Second, "timed out\nwaiting"),
		spec("c skips itself", types.SpecStateSkipped, time.Millisecond, "Only supported for providers [gce]"),
		spec("d filtered out", types.SpecStateSkipped, 0, ""),
	)
	writeReport(t, filepath.Join(dir, "report-few-nodes.json"),
		spec("e runs in a pass of its own", types.SpecStateTimedout, time.Second, "Timed out after 300s"),
	)
	got, err := readRunDir(dir)
	require.NoError(t, err)
	want := Run{
		"[sig-scheduling] SchedulerPredicates a passes":                    {State: "passed"},
		"[sig-scheduling] SchedulerPredicates b fails":                     {State: "failed", Message: "timed out\nwaiting"},
		"[sig-scheduling] SchedulerPredicates c skips itself":              {State: "skipped", Message: "Only supported for providers [gce]"},
		"[sig-scheduling] SchedulerPredicates e runs in a pass of its own": {State: "timedout", Message: "Timed out after 300s"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readRunDir() mismatch (-want +got):\n%s", diff)
	}
}

func TestReadRunErrors(t *testing.T) {
	dir := t.TempDir()
	failedSetup := filepath.Join(dir, "setup", "report.json")
	writeReport(t, failedSetup,
		types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStateFailed, Failure: types.Failure{Message: "Error waiting for all pods to be running"}},
		spec("a", types.SpecStateSkipped, 0, ""),
	)
	garbage := filepath.Join(dir, "garbage", "report.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(garbage), 0o755))
	require.NoError(t, os.WriteFile(garbage, []byte("Ran 3 of 3206 Specs"), 0o644))
	tests := []struct {
		dir, wantErr string
	}{
		{dir: filepath.Dir(failedSetup), wantErr: "the suite's SynchronizedBeforeSuite failed, no test ran: Error waiting for all pods to be running"},
		{dir: filepath.Dir(garbage), wantErr: "not a ginkgo JSON report"},
		{dir: filepath.Join(dir, "empty"), wantErr: "no report (report*.json)"},
	}
	for _, tt := range tests {
		_, err := readRunDir(tt.dir)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("readRunDir(%s) = %v, want an error with %q", tt.dir, err, tt.wantErr)
		}
	}
}

func TestRunReport(t *testing.T) {
	dir := t.TempDir()
	stock, replacement := filepath.Join(dir, "stock"), filepath.Join(dir, "replacement")
	writeReport(t, filepath.Join(stock, "report.json"),
		spec("a", types.SpecStatePassed, time.Second, ""),
		spec("b", types.SpecStatePassed, time.Second, ""),
		spec("c", types.SpecStateFailed, time.Second, "no ephemeral-storage"),
	)
	writeReport(t, filepath.Join(replacement, "report.json"),
		spec("a", types.SpecStatePassed, time.Second, ""),
		spec("b", types.SpecStateFailed, time.Second, "Timed out after 300s"),
		spec("c", types.SpecStateFailed, time.Second, "no ephemeral-storage"),
	)
	writeReport(t, filepath.Join(replacement, "rerun", "stock", "1.json"), spec("b", types.SpecStatePassed, time.Second, ""))

	// The first runs differ on b: it is to be run again.
	if diff := cmp.Diff([]string{focusOf("[sig-scheduling] SchedulerPredicates b") + "\t[sig-scheduling] SchedulerPredicates b"}, captureLines(t, "differing", stock, replacement)); diff != "" {
		t.Errorf("compare differing mismatch (-want +got):\n%s", diff)
	}

	// Run again, b fails on ha again: a regression.
	writeReport(t, filepath.Join(replacement, "rerun", "ha", "1.json"), spec("b", types.SpecStateFailed, time.Second, "Timed out after 300s"))
	code, out := capture(t, "report", stock, "replacement="+replacement)
	if code != exitRegression {
		t.Errorf("compare report with a regression exited %d, want %d", code, exitRegression)
	}
	wantLines := []string{
		"| replacement | 3 | 1 | 1 | 0 | 1 | 0 | 0 |",
		"| [sig-scheduling] SchedulerPredicates b | passed | failed (re-run: ha failed, stock passed: passed on stock only) |",
		"replacement, passed on stock only (1):",
		"  - stock: passed; re-run passed",
		"  - ha: failed: Timed out after 300s; re-run failed: Timed out after 300s",
		"replacement, failed on both (1):",
		"  - stock: failed: no ephemeral-storage",
	}
	for _, line := range wantLines {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("compare report lacks the line\n%s\nin\n%s", line, out)
		}
	}

	// b passes on ha's re-run: flaky, no regression.
	writeReport(t, filepath.Join(replacement, "rerun", "ha", "1.json"), spec("b", types.SpecStatePassed, time.Second, ""))
	if code, out := capture(t, "report", stock, "replacement="+replacement); code != 0 || !strings.Contains(out, "| replacement | 3 | 1 | 1 | 0 | 0 | 0 | 1 |\n") {
		t.Errorf("compare report with a flaky test exited %d, want 0; output:\n%s", code, out)
	}
}

// capture runs the command and returns its exit code and output.
func capture(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out strings.Builder
	code, err := run(args, &out)
	require.NoError(t, err)
	return code, out.String()
}

func captureLines(t *testing.T, args ...string) []string {
	t.Helper()
	code, out := capture(t, args...)
	require.Equal(t, 0, code)
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}
