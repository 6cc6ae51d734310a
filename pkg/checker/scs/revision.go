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

// Package scs judges a cluster's node distribution by a revision of the
// SCS standard scs-0214-v2 (the draft, the stable text of 2024-11, the
// revision of 2026-04), each rule from its text (docs/checker.md), and
// adds ha-scheduler's own warnings about the topology labels that hold
// whatever the revision.
package scs

import (
	"fmt"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
)

// Current is the revision operators are audited against today, the
// default.
const Current = v1alpha1.SCSRevisionV2Revised

// Revisions lists the revisions the checker knows, the current first,
// then older ones, newest first.
func Revisions() []v1alpha1.SCSRevision {
	return []v1alpha1.SCSRevision{v1alpha1.SCSRevisionV2Revised, v1alpha1.SCSRevisionV2Stable, v1alpha1.SCSRevisionV2Draft}
}

// Parse parses a revision name as an operator types it; "" is
// the current revision. An unknown name is an error that lists the valid
// ones.
func Parse(s string) (v1alpha1.SCSRevision, error) {
	if s == "" {
		return Current, nil
	}
	for _, r := range Revisions() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown SCS revision %q: valid revisions of scs-0214 are %s", s, Described())
}

// Described lists the revisions for a message or a flag's help:
// "v2-2026-04 (current, the default), v2-2024-11 (stable, 2024-11-21),
// v2-draft (draft, host-id required)".
func Described() string {
	parts := make([]string, 0, len(Revisions()))
	for _, r := range Revisions() {
		parts = append(parts, fmt.Sprintf("%s (%s)", r, Description(r)))
	}
	return strings.Join(parts, ", ")
}

// Description says in a few words which text the revision is.
func Description(r v1alpha1.SCSRevision) string {
	switch r {
	case v1alpha1.SCSRevisionV2Revised:
		return "revised 2026-04-28, current, the default"
	case v1alpha1.SCSRevisionV2Stable:
		return "stable 2024-11-21"
	case v1alpha1.SCSRevisionV2Draft:
		return "draft, host-id required"
	}
	return "unknown"
}

// Applied is the revision a report applies when asked for r: r, or the
// current one for "" and for a name the checker does not know.
func Applied(r v1alpha1.SCSRevision) v1alpha1.SCSRevision {
	for _, known := range Revisions() {
		if r == known {
			return r
		}
	}
	return Current
}
