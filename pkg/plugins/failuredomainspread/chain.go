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

package failuredomainspread

import (
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// levelReasons are the Filter reasons of a state's required levels, one
// constant string per level and cycle (so the scheduler aggregates it over
// the nodes), formatted from the filter's emptiest domains.
type levelReasons struct {
	// of is what each reason was formatted from.
	of      []policy.Emptiest
	reasons []string
}

// update formats the reasons again where the emptiest domain or its count
// changed: dry runs re-chain per victim, mostly without a change.
func (r *levelReasons) update(group string, f *policy.SpreadFilter) {
	if r.of == nil {
		r.of, r.reasons = make([]policy.Emptiest, len(f.Required)), make([]string, len(f.Required))
	}
	for i, e := range f.Emptiest {
		if e == r.of[i] && (r.reasons[i] != "" || e.Domain == "") {
			continue
		}
		r.of[i], r.reasons[i] = e, ""
		if e.Domain != "" {
			r.reasons[i] = spreadReason(group, f.Levels[f.Required[i]], e.Domain, e.Replicas)
		}
	}
}

func (r levelReasons) clone() levelReasons {
	return levelReasons{of: append([]policy.Emptiest(nil), r.of...), reasons: append([]string(nil), r.reasons...)}
}
