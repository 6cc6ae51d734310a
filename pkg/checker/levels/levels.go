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

// Package levels is the failure-domain levels the checker audits: the
// policy's levels but the node level, zone and host by their names and
// finding IDs, any other level (a region, a rack) by its label's last
// element.
package levels

import (
	"slices"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Level is a failure-domain level the checker audits: the replicas
// available per domain, and what the failure of each single domain takes.
type Level struct {
	// Name is how reports call the level ("zone", "host", "rack"), Key its
	// node label.
	Name, Key string
	// The findings of the level: a group losing every available replica,
	// a quorum lost, the level not assessed (every node in one domain).
	LostID, QuorumID, NotAssessedID string
}

// Default are the levels of the default policy, as the reports have always
// named them: a report whose Levels are absent audited these.
var Default = []string{policy.LabelZone, policy.LabelHostID}

// Of returns the policy's levels (policy.Levels, widest first) but the
// node level (kubernetes.io/hostname: a node is no failure domain the
// report names). Zone and host keep their names and finding IDs; another
// level (a region, a rack) is named by its label key's last element, its
// findings survival.<name>-loses-component and so on.
func Of(p *policy.Policy) []Level {
	var out []Level
	for _, key := range p.Levels {
		switch key {
		case policy.LabelHostname:
		case policy.LabelZone:
			out = append(out, Level{Name: "zone", Key: key, LostID: v1alpha1.IDZoneLosesComponent, QuorumID: v1alpha1.IDZoneLosesQuorum, NotAssessedID: v1alpha1.IDZoneNotAssessed})
		case policy.LabelHostID:
			out = append(out, Level{Name: "host", Key: key, LostID: v1alpha1.IDHostLosesComponent, QuorumID: v1alpha1.IDHostLosesQuorum, NotAssessedID: v1alpha1.IDHostNotAssessed})
		default:
			name := LabelName(key)
			out = append(out, Level{Name: name, Key: key,
				LostID: "survival." + name + "-loses-component", QuorumID: "survival." + name + "-loses-quorum", NotAssessedID: "survival." + name + "-not-assessed"})
		}
	}
	return out
}

// LabelName is the last element of a label key, what the reports call a
// custom level (and the SCS labels) by: "topology.kubernetes.io/region" is
// "region", "example.com/rack" "rack", "topology.scs.community/host-id"
// "host-id".
func LabelName(key string) string {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		return key[i+1:]
	}
	return key
}

// Custom are the levels' keys when they are not the default policy's
// (zone, host), for the report to name its columns by; nil for the
// default, whose report is as it always was.
func Custom(levels []Level) []string {
	keys := make([]string, len(levels))
	for i, l := range levels {
		keys[i] = l.Key
	}
	if slices.Equal(keys, Default) {
		return nil
	}
	return keys
}

// Extra are the levels' keys besides zone and host: those a replica row
// splits by in PerDomain.
func Extra(levels []Level) []string {
	var out []string
	for _, l := range levels {
		if l.Key != policy.LabelZone && l.Key != policy.LabelHostID {
			out = append(out, l.Key)
		}
	}
	return out
}

// Find finds a level of the policy by name or label.
func Find(p *policy.Policy, name string) (Level, bool) {
	for _, l := range Of(p) {
		if l.Name == name || l.Key == name {
			return l, true
		}
	}
	return Level{}, false
}

// Names lists the policy's levels as "zone (topology.kubernetes.io/zone), ...".
func Names(p *policy.Policy) string {
	var out []string
	for _, l := range Of(p) {
		out = append(out, l.Name+" ("+l.Key+")")
	}
	return strings.Join(out, ", ")
}

// AvailableAt returns a replica row's available replicas per domain of the
// level with key: PerZone, PerHost, or PerDomain[key].
func AvailableAt(row *v1alpha1.ComponentReplica, key string) map[string]int {
	switch key {
	case policy.LabelZone:
		return row.PerZone
	case policy.LabelHostID:
		return row.PerHost
	}
	return row.PerDomain[key]
}

// Title is what a report calls the level with key: its name, "zone" or
// "host" for the default levels.
func Title(key string) string {
	switch key {
	case policy.LabelZone:
		return "zone"
	case policy.LabelHostID:
		return "host"
	}
	return LabelName(key)
}
