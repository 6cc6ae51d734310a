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

package checker

import (
	"fmt"
	"strings"
)

// Options are the choices of an audit that are not policy.
type Options struct {
	// SCSRevision is the revision of scs-0214 the node distribution is
	// judged by; "" is the current one (SCSRevisionCurrent). Parse what an
	// operator types with ParseSCSRevision; Analyze applies the current
	// revision to a name it does not know, and the report names the
	// revision it applied.
	SCSRevision SCSRevision

	// ControlPlaneScheduler is which scheduler the kube-scheduler pods
	// should run; "" is ExpectAuto. Parse what an operator types with
	// ParseSchedulerExpectation.
	ControlPlaneScheduler SchedulerExpectation
	// ControlPlaneSchedulerReason says, in words, why ControlPlaneScheduler
	// expects ha-scheduler or the stock scheduler; the report shows it.
	ControlPlaneSchedulerReason string
}

// SCSRevision names a revision of the SCS node distribution standard
// scs-0214 (../shared/reference/scs-0214 in the project's sources). The
// names are what an operator types (--scs-revision); they are stable.
type SCSRevision string

// The revisions of scs-0214-v2 the checker knows (docs/checker.md says what
// each requires).
const (
	// SCSRevisionV2Draft is the draft of scs-0214-v2 (seeds/003_*.txt):
	// region, zone and topology.scs.community/host-id required on every
	// node, judged as its conformance check k8s-node-distribution-check.py
	// (since retired) judged them.
	SCSRevisionV2Draft SCSRevision = "v2-draft"
	// SCSRevisionV2Stable is scs-0214-v2 as stabilised on 2024-11-21: region
	// and zone required (host-id dropped); the control plane MUST be on
	// multiple physical machines and MUST have a node in each failure zone
	// the cluster uses.
	SCSRevisionV2Stable SCSRevision = "v2-2024-11"
	// SCSRevisionV2Revised is scs-0214-v2 as revised on 2026-04-28: region
	// and zone required; the control plane MUST be on multiple physical
	// machines (confirmed by hand, scs-0214-w1) and SHOULD be over multiple
	// failure zones.
	SCSRevisionV2Revised SCSRevision = "v2-2026-04"

	// SCSRevisionCurrent is the revision operators are audited against
	// today, the default.
	SCSRevisionCurrent = SCSRevisionV2Revised
)

// SCSRevisions lists the revisions the checker knows, the current first,
// then older ones, newest first.
func SCSRevisions() []SCSRevision {
	return []SCSRevision{SCSRevisionV2Revised, SCSRevisionV2Stable, SCSRevisionV2Draft}
}

// ParseSCSRevision parses a revision name as an operator types it; "" is
// the current revision. An unknown name is an error that lists the valid
// ones.
func ParseSCSRevision(s string) (SCSRevision, error) {
	if s == "" {
		return SCSRevisionCurrent, nil
	}
	for _, r := range SCSRevisions() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown SCS revision %q: valid revisions of scs-0214 are %s", s, validRevisions())
}

// validRevisions renders the revisions for a message or a flag's help:
// "v2-2026-04 (current, the default), v2-2024-11 (stable, 2024-11-21),
// v2-draft (draft, host-id required)".
func validRevisions() string {
	parts := make([]string, 0, len(SCSRevisions()))
	for _, r := range SCSRevisions() {
		parts = append(parts, fmt.Sprintf("%s (%s)", r, r.Description()))
	}
	return strings.Join(parts, ", ")
}

// Description says in a few words which text the revision is.
func (r SCSRevision) Description() string {
	switch r {
	case SCSRevisionV2Revised:
		return "revised 2026-04-28, current, the default"
	case SCSRevisionV2Stable:
		return "stable 2024-11-21"
	case SCSRevisionV2Draft:
		return "draft, host-id required"
	}
	return "unknown"
}

// orCurrent is the revision Analyze applies: the current one for "" and for
// a name it does not know.
func (r SCSRevision) orCurrent() SCSRevision {
	for _, known := range SCSRevisions() {
		if r == known {
			return r
		}
	}
	return SCSRevisionCurrent
}
