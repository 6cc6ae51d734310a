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
// (--ginkgo.json-report).
//
//	compare differing STOCK.json HA.json
//	    prints, one per line, a ginkgo focus for each test that passed on
//	    one cluster only: the tests to run again.
//	compare check REPORT.json
//	    lists the run's tests and outcomes; exits 1 when one did not pass
//	    (make test-conformance).
//	compare report STOCK.json MODE=DIR...
//	    writes the comparison as Markdown. DIR holds the mode's run,
//	    report.json, and the re-runs of the tests that differed:
//	    rerun/stock/*.json and rerun/ha/*.json. Exits 2 when a test passed
//	    on stock only, on the first run and the re-run (a regression).
package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// exitRegression is the exit code of a comparison with a regression.
const exitRegression = 2

func main() {
	code, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(args []string) (int, error) {
	if len(args) == 0 {
		return 0, errors.New("usage: compare differing STOCK.json HA.json | compare check REPORT.json | compare report STOCK.json MODE=DIR...")
	}
	switch args[0] {
	case "check":
		if len(args) != 2 {
			return 0, errors.New("usage: compare check REPORT.json")
		}
		r, err := readRun(args[1])
		if err != nil {
			return 0, err
		}
		if !check(os.Stdout, r) {
			return 1, nil
		}
		return 0, nil
	case "differing":
		if len(args) != 3 {
			return 0, errors.New("usage: compare differing STOCK.json HA.json")
		}
		stock, err := readRun(args[1])
		if err != nil {
			return 0, err
		}
		ha, err := readRun(args[2])
		if err != nil {
			return 0, err
		}
		for _, name := range differing(stock, ha) {
			fmt.Println(focusOf(name))
		}
		return 0, nil
	case "report":
		if len(args) < 3 {
			return 0, errors.New("usage: compare report STOCK.json MODE=DIR...")
		}
		stock, err := readRun(args[1])
		if err != nil {
			return 0, err
		}
		var modes []Mode
		regressions := 0
		for _, arg := range args[2:] {
			name, dir, ok := strings.Cut(arg, "=")
			if !ok || name == "" || dir == "" {
				return 0, fmt.Errorf("%q: want MODE=DIR", arg)
			}
			m, err := readMode(name, dir, stock)
			if err != nil {
				return 0, err
			}
			regressions += m.regressions()
			modes = append(modes, m)
		}
		if err := writeMarkdown(os.Stdout, modes); err != nil {
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
	ha, err := readRun(filepath.Join(dir, "report.json"))
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
