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
	"slices"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// auditLevel is a failure-domain level the checker audits: the replicas
// available per domain, and what the failure of each single domain takes.
type auditLevel struct {
	// name is how reports call the level ("zone", "host", "rack"), key its
	// node label.
	name, key string
	// The findings of the level: a group losing every available replica,
	// a quorum lost, the level not assessed (every node in one domain).
	lostID, quorumID, skipped string
}

// defaultAuditLevels are the levels of the default policy, as the reports
// have always named them.
var defaultAuditLevels = []string{policy.LabelZone, policy.LabelHostID}

// auditLevels are the policy's levels (policy.Levels, widest first) but the
// node level (kubernetes.io/hostname: a node is no failure domain the
// report names). Zone and host keep their names and finding IDs; another
// level (a region, a rack) is named by its label key's last element, its
// findings survival.<name>-loses-component and so on.
func auditLevels(p *policy.Policy) []auditLevel {
	var out []auditLevel
	for _, key := range p.Levels {
		switch key {
		case policy.LabelHostname:
		case policy.LabelZone:
			out = append(out, auditLevel{name: "zone", key: key, lostID: IDZoneLosesComponent, quorumID: IDZoneLosesQuorum, skipped: IDZoneNotAssessed})
		case policy.LabelHostID:
			out = append(out, auditLevel{name: "host", key: key, lostID: IDHostLosesComponent, quorumID: IDHostLosesQuorum, skipped: IDHostNotAssessed})
		default:
			name := levelName(key)
			out = append(out, auditLevel{name: name, key: key,
				lostID: "survival." + name + "-loses-component", quorumID: "survival." + name + "-loses-quorum", skipped: "survival." + name + "-not-assessed"})
		}
	}
	return out
}

// levelName names a custom level by its label key's last element:
// "topology.kubernetes.io/region" is "region", "example.com/rack" "rack".
func levelName(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// customLevels are the audited levels' keys when they are not the default
// policy's (zone, host), for the report to name its columns by; nil for
// the default, whose report is as it always was.
func customLevels(levels []auditLevel) []string {
	keys := make([]string, len(levels))
	for i, l := range levels {
		keys[i] = l.key
	}
	if slices.Equal(keys, defaultAuditLevels) {
		return nil
	}
	return keys
}

// extraLevels are the audited levels' keys besides zone and host: those a
// replica row splits by in PerDomain.
func extraLevels(levels []auditLevel) []string {
	var out []string
	for _, l := range levels {
		if l.key != policy.LabelZone && l.key != policy.LabelHostID {
			out = append(out, l.key)
		}
	}
	return out
}

// availableAt returns a replica row's available replicas per domain of the
// level with key: PerZone, PerHost, or PerDomain[key].
func availableAt(row *ComponentReplica, key string) map[string]int {
	switch key {
	case policy.LabelZone:
		return row.PerZone
	case policy.LabelHostID:
		return row.PerHost
	}
	return row.PerDomain[key]
}

// andList joins words: "zone and host", "region, zone and rack".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// levelTitle is what a report calls a level: its name, "zone" or "host"
// for the default levels.
func levelTitle(key string) string {
	switch key {
	case policy.LabelZone:
		return "zone"
	case policy.LabelHostID:
		return "host"
	}
	return levelName(key)
}
