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
	"strings"
)

// Mode is the comparison of the stock cluster with one ha cluster
// (replacement or secondary mode).
type Mode struct {
	Name string
	Rows []Row
}

// regressions counts the mode's tests that passed on stock only.
func (m Mode) regressions() int { return m.count(StockOnly) }

func (m Mode) count(v Verdict) int {
	n := 0
	for _, row := range m.Rows {
		if row.Verdict == v {
			n++
		}
	}
	return n
}

// writeMarkdown writes the comparison: a summary per mode, one table with
// every test's outcome in every cluster, then each test that did not pass
// on both, with why.
func writeMarkdown(w io.Writer, modes []Mode) error {
	p := &printer{w: w}
	p.line("| mode | tests | " + joinVerdicts(" | ") + " |")
	p.line("|---|---:|" + strings.Repeat("---:|", len(Verdicts)))
	for _, m := range modes {
		counts := make([]string, len(Verdicts))
		for i, v := range Verdicts {
			counts[i] = fmt.Sprint(m.count(v))
		}
		p.line(fmt.Sprintf("| %s | %d | %s |", m.Name, len(m.Rows), strings.Join(counts, " | ")))
	}
	p.line("")

	// One row per test, whatever mode it ran in.
	var names []string
	byMode := make([]map[string]Row, len(modes))
	seen := map[string]bool{}
	for i, m := range modes {
		byMode[i] = map[string]Row{}
		for _, row := range m.Rows {
			byMode[i][row.Name] = row
			if !seen[row.Name] {
				seen[row.Name] = true
				names = append(names, row.Name)
			}
		}
	}
	header := "| test | stock |"
	rule := "|---|---|"
	for _, m := range modes {
		header += " ha, " + m.Name + " |"
		rule += "---|"
	}
	p.line(header)
	p.line(rule)
	for _, name := range names {
		stock := "-"
		cells := make([]string, len(modes))
		for i := range modes {
			row, ok := byMode[i][name]
			if !ok {
				cells[i] = "-"
				continue
			}
			stock = row.Stock[0].State
			cells[i] = cell(row)
		}
		p.line(fmt.Sprintf("| %s | %s | %s |", escape(name), stock, strings.Join(cells, " | ")))
	}

	for _, m := range modes {
		for _, v := range Verdicts[1:] {
			var rows []Row
			for _, row := range m.Rows {
				if row.Verdict == v {
					rows = append(rows, row)
				}
			}
			if len(rows) == 0 {
				continue
			}
			p.line("")
			p.line(fmt.Sprintf("%s, %s (%d):", m.Name, v, len(rows)))
			p.line("")
			for _, row := range rows {
				p.line("- " + escape(row.Name))
				p.line("  - stock: " + outcomes(row.Stock))
				p.line("  - ha: " + outcomes(row.HA))
			}
		}
	}
	return p.err
}

// cell is the ha outcome of a test and, where it was run again, the
// re-runs' outcomes and the verdict.
func cell(row Row) string {
	c := row.HA[0].State
	if len(row.HA) > 1 || len(row.Stock) > 1 {
		c += fmt.Sprintf(" (re-run: ha %s, stock %s: %s)", states(row.HA[1:]), states(row.Stock[1:]), row.Verdict)
	}
	return c
}

func states(os []Outcome) string {
	if len(os) == 0 {
		return "not run"
	}
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = o.State
	}
	return strings.Join(s, ", ")
}

// outcomes lists the runs' outcomes with the first line of each message.
func outcomes(os []Outcome) string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = o.State
		if msg := firstLine(o.Message); msg != "" {
			s[i] += ": " + escape(truncate(msg, 300))
		}
	}
	return strings.Join(s, "; re-run ")
}

func joinVerdicts(sep string) string {
	s := make([]string, len(Verdicts))
	for i, v := range Verdicts {
		s[i] = string(v)
	}
	return strings.Join(s, sep)
}

// escape keeps a test name or message from breaking the table or the list.
func escape(s string) string {
	return strings.NewReplacer("|", `\|`, "`", "'").Replace(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// printer writes lines and keeps the first error.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(s string) {
	if p.err == nil {
		_, p.err = fmt.Fprintln(p.w, s)
	}
}
