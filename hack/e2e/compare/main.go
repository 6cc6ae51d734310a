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

// Command compare compares runs of upstream's e2e tests on a cluster
// scheduled by the stock kube-scheduler and on one scheduled by ha-scheduler
// (make e2e, hack/e2e/run.sh). It reads the JSON reports e2e.test writes
// (--ginkgo.json-report). A run is a directory: its tests are those of
// every report*.json in it (a lab's tests may run in several passes); its
// subdirectory rerun holds the tests run again, rerun/stock/*.json and
// rerun/ha/*.json.
//
//	compare differing STOCK HA
//	    prints, one per line, a ginkgo focus and (after a tab) the name of
//	    each test that passed on one lab only: the tests to run again.
//	compare check RUN
//	    lists the run's tests and outcomes; exits 1 when one failed
//	    (make test-conformance).
//	compare report STOCK MODE=HA...
//	    writes the comparison of the stock run with each mode's run as
//	    Markdown. Exits 2 when a test passed on stock only, on the first run
//	    and on the re-run (a regression).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// exitRegression is the exit code of a comparison with a regression.
const exitRegression = 2

func main() {
	code, err := run(os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(args []string, stdout io.Writer) (int, error) {
	if len(args) == 0 {
		return 0, errors.New("usage: compare differing STOCK HA | compare check RUN | compare report STOCK MODE=HA [MODE=HA]")
	}
	switch args[0] {
	case "check":
		if len(args) != 2 {
			return 0, errors.New("usage: compare check RUN")
		}
		r, err := readRunDir(args[1])
		if err != nil {
			return 0, err
		}
		if !check(stdout, r) {
			return 1, nil
		}
		return 0, nil
	case "differing":
		if len(args) != 3 {
			return 0, errors.New("usage: compare differing STOCK HA")
		}
		stock, err := readRunDir(args[1])
		if err != nil {
			return 0, err
		}
		ha, err := readRunDir(args[2])
		if err != nil {
			return 0, err
		}
		for _, name := range differing(stock, ha) {
			if _, err := fmt.Fprintf(stdout, "%s\t%s\n", focusOf(name), name); err != nil {
				return 0, err
			}
		}
		return 0, nil
	case "report":
		if len(args) < 3 {
			return 0, errors.New("usage: compare report STOCK MODE=HA [MODE=HA]")
		}
		stock, err := readRunDir(args[1])
		if err != nil {
			return 0, err
		}
		var modes []Mode
		regressions := 0
		for _, arg := range args[2:] {
			name, dir, ok := strings.Cut(arg, "=")
			if !ok || name == "" || dir == "" {
				return 0, fmt.Errorf("%q: want MODE=HA (a run's directory)", arg)
			}
			m, err := readMode(name, dir, stock)
			if err != nil {
				return 0, err
			}
			regressions += m.regressions()
			modes = append(modes, m)
		}
		if err := writeMarkdown(stdout, modes); err != nil {
			return 0, err
		}
		if regressions > 0 {
			return exitRegression, nil
		}
		return 0, nil
	}
	return 0, fmt.Errorf("unknown command %q: want differing, check or report", args[0])
}

// readMode reads a mode's run and re-runs from its directory and compares
// them with the stock run.
func readMode(name, dir string, stock Run) (Mode, error) {
	ha, err := readRunDir(dir)
	if err != nil {
		return Mode{}, err
	}
	var rerun Rerun
	if rerun.Stock, err = readRuns(filepath.Join(dir, "rerun", "stock", "*.json")); err != nil {
		return Mode{}, err
	}
	if rerun.HA, err = readRuns(filepath.Join(dir, "rerun", "ha", "*.json")); err != nil {
		return Mode{}, err
	}
	return Mode{Name: name, Rows: compare(stock, ha, rerun)}, nil
}

// readRunDir reads the run of a directory: its report*.json files, at
// least one.
func readRunDir(dir string) (Run, error) {
	pattern := filepath.Join(dir, "report*.json")
	if paths, _ := filepath.Glob(pattern); len(paths) == 0 {
		return nil, fmt.Errorf("%s: no report (report*.json)", dir)
	}
	return readRuns(pattern)
}

// readRuns merges the runs of the files that match pattern (none: an empty
// run).
func readRuns(pattern string) (Run, error) {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	all := Run{}
	for _, path := range paths {
		run, err := readRun(path)
		if err != nil {
			return nil, err
		}
		for name, o := range run {
			all[name] = o
		}
	}
	return all, nil
}
