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

// Package words says numbers and lists in the checker's messages and text
// output, the same way everywhere: "3 nodes", "a, b and 4 more", "a=2 b=1".
package words

import (
	"fmt"
	"sort"
	"strings"
)

// MaxListed bounds the names a message spells out; a finding's subjects
// have them all.
const MaxListed = 10

// List joins names for a message, eliding past MaxListed: "a, b, c", "a,
// b, ... and 3 more".
func List(ss []string) string {
	if len(ss) <= MaxListed {
		return strings.Join(ss, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ss[:MaxListed], ", "), len(ss)-MaxListed)
}

// Count says "1 node", "3 nodes".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Counts says a domain→count map as "a=2 b=1", sorted by domain; "-" when
// it is empty.
func Counts(m map[string]int) string {
	if len(m) == 0 {
		return "-"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

// And joins words: "zone and host", "region, zone and rack".
func And(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// AllOf says "all n available replicas", or "its only available replica".
func AllOf(n int) string {
	if n == 1 {
		return "its only available replica"
	}
	return fmt.Sprintf("all %d available replicas", n)
}

// OrDash is s, or "-" for an empty cell of a table.
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// OrNone is s, or "none".
func OrNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
