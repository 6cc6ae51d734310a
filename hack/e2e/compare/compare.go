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
	"regexp"
	"slices"
)

// Verdict is what a test's outcomes on the stock and the ha cluster say.
type Verdict string

// The verdicts, in the order the report lists them.
const (
	BothPassed  Verdict = "passed on both"
	BothFailed  Verdict = "failed on both"
	BothSkipped Verdict = "skipped on both"
	// StockOnly is a regression: passed on stock, failed on ha, and again
	// on the re-run.
	StockOnly Verdict = "passed on stock only"
	HAOnly    Verdict = "passed on ha only"
	// Flaky: the outcomes differed, the re-run did not repeat the difference.
	Flaky Verdict = "flaky"
)

// Verdicts lists every verdict in report order.
var Verdicts = []Verdict{BothPassed, BothFailed, BothSkipped, StockOnly, HAOnly, Flaky}

// Row is one test of a comparison. Stock and HA hold the first run's
// outcome, then the re-run's when the test was run again.
type Row struct {
	Name    string
	Stock   []Outcome
	HA      []Outcome
	Verdict Verdict
}

// Rerun holds the outcomes of the tests run again, on both clusters.
type Rerun struct {
	Stock, HA Run
}

// compare pairs the stock run with the ha run, test by test (every test
// that ran on either side), sorted by name. A test that ran on one side only
// counts as failed on the other (e.g. ha's run ended before it).
func compare(stock, ha Run, rerun Rerun) []Row {
	names := map[string]bool{}
	for name := range stock {
		names[name] = true
	}
	for name := range ha {
		names[name] = true
	}
	rows := make([]Row, 0, len(names))
	for name := range names {
		row := Row{Name: name, Stock: []Outcome{outcomeOf(stock, name)}, HA: []Outcome{outcomeOf(ha, name)}}
		if o, ok := rerun.Stock[name]; ok {
			row.Stock = append(row.Stock, o)
		}
		if o, ok := rerun.HA[name]; ok {
			row.HA = append(row.HA, o)
		}
		row.Verdict = verdictOf(row.Stock, row.HA)
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b Row) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return rows
}

func outcomeOf(run Run, name string) Outcome {
	if o, ok := run[name]; ok {
		return o
	}
	return Outcome{State: "not run", Message: "the test did not run on this cluster"}
}

// verdictOf judges the outcomes of one test. When the first runs agree,
// that is the verdict. When they differ, a difference counts only when
// every run of each side repeats it: a test that passed on stock and failed
// on ha, first and on the re-run, is a regression; one that did not fail
// the same way twice is flaky. A difference not run again stands as it is.
func verdictOf(stock, ha []Outcome) Verdict {
	stockPassed, haPassed := stock[0].Passed(), ha[0].Passed()
	switch {
	case stockPassed && haPassed:
		return BothPassed
	case !stockPassed && !haPassed:
		if stock[0].State == skippedState && ha[0].State == skippedState {
			return BothSkipped
		}
		return BothFailed
	}
	for _, o := range stock[1:] {
		if o.Passed() != stockPassed {
			return Flaky
		}
	}
	for _, o := range ha[1:] {
		if o.Passed() != haPassed {
			return Flaky
		}
	}
	if stockPassed {
		return StockOnly
	}
	return HAOnly
}

// differing lists the tests whose first outcomes differ: the ones to run
// again.
func differing(stock, ha Run) []string {
	var names []string
	for _, row := range compare(stock, ha, Rerun{}) {
		if row.Verdict == StockOnly || row.Verdict == HAOnly {
			names = append(names, row.Name)
		}
	}
	return names
}

// focusOf is a ginkgo focus that selects exactly the named test: ginkgo
// matches it against the suite's description, a space and the test's full
// text.
func focusOf(name string) string {
	return " " + regexp.QuoteMeta(name) + "$"
}
