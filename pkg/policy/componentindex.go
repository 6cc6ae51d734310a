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

package policy

import (
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// componentIndex finds the first component whose selectors match a pod's
// labels without trying every selector: each selector made only of
// "key = value" requirements (what matchLabels compiles to, the shipped
// components' form) is filed under one of its requirements; a pod's labels
// then pick the few selectors that can match. Classify runs for every
// victim of a preemption attempt and every pod of a scheduling cycle, and a
// policy has tens of selectors.
type componentIndex struct {
	// of are the components indexed: an index is used only for the slice
	// it was built from (see Policy.IndexComponents).
	of []Component
	// keys are the label keys selectors are filed under, and byLabel the
	// selectors filed under each key=value.
	keys    []string
	byLabel map[string]map[string][]indexedSelector
}

// indexedSelector is a selector and the position of its component.
type indexedSelector struct {
	component int
	selector  labels.Selector
}

// newComponentIndex indexes the components' selectors; nil when one of
// them is not made of equalities (Classify then tries them in order).
func newComponentIndex(components []Component) *componentIndex {
	ix := &componentIndex{of: components, byLabel: map[string]map[string][]indexedSelector{}}
	for i := range components {
		for _, s := range components[i].Selectors {
			key, value, ok := equalityOf(s)
			if !ok {
				return nil
			}
			values := ix.byLabel[key]
			if values == nil {
				values = map[string][]indexedSelector{}
				ix.byLabel[key] = values
				ix.keys = append(ix.keys, key)
			}
			values[value] = append(values[value], indexedSelector{component: i, selector: s})
		}
	}
	return ix
}

// equalityOf returns the first requirement of a selector made only of
// equalities (=, ==, or in with one value); false for any other selector
// (an empty one included: it matches every pod).
func equalityOf(s labels.Selector) (key, value string, ok bool) {
	reqs, selectable := s.Requirements()
	if !selectable || len(reqs) == 0 {
		return "", "", false
	}
	for _, r := range reqs {
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			if r.Values().Len() != 1 {
				return "", "", false
			}
		default:
			return "", "", false
		}
	}
	return reqs[0].Key(), reqs[0].Values().UnsortedList()[0], true
}

// indexes reports whether the index was built from this slice of
// components (the same array and length): a policy whose components were
// appended to or replaced since is not what the index knows.
func (ix *componentIndex) indexes(components []Component) bool {
	return len(components) == len(ix.of) && (len(components) == 0 || &components[0] == &ix.of[0])
}

// first returns the position of the first component that matches the
// labels, -1 for none.
func (ix *componentIndex) first(podLabels labels.Set) int {
	best := -1
	for _, key := range ix.keys {
		value, ok := podLabels[key]
		if !ok {
			continue
		}
		for _, is := range ix.byLabel[key][value] {
			if best >= 0 && is.component >= best {
				break // filed in component order: no earlier one follows
			}
			if is.selector.Matches(podLabels) {
				best = is.component
			}
		}
	}
	return best
}
