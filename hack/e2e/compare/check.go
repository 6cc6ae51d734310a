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
	"fmt"
	"io"
	"slices"
)

// check lists the run's tests, sorted, each with its outcome (and the first
// line of its message when it did not pass), and tells whether none failed
// (a test may skip itself). A run without a test that passed fails.
func check(w io.Writer, r Run) bool {
	names := make([]string, 0, len(r))
	for name := range r {
		names = append(names, name)
	}
	slices.Sort(names)
	passed, skipped := 0, 0
	for _, name := range names {
		o := r[name]
		line := fmt.Sprintf("%-8s %s", o.State, name)
		switch {
		case o.Passed():
			passed++
		case o.State == skippedState:
			skipped++
		}
		if msg := firstLine(o.Message); msg != "" && !o.Passed() {
			line += "\n         " + truncate(msg, 300)
		}
		_, _ = fmt.Fprintln(w, line)
	}
	_, _ = fmt.Fprintf(w, "%d tests: %d passed, %d skipped, %d failed\n", len(names), passed, skipped, len(names)-passed-skipped)
	return passed > 0 && passed+skipped == len(names)
}
