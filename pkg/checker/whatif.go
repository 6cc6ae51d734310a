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
	"io"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Failure is the failure WhatIf assesses: exactly one zone, physical host
// or node. Zones and hosts are as the rest of the checker reads them
// (policy.DomainOf): a node without a host-id is its own host (its
// hostname), nodes without a zone label are the zone "<unlabelled>".
type Failure struct {
	Zone string `json:"zone,omitempty"`
	Host string `json:"host,omitempty"`
	Node string `json:"node,omitempty"`
	// Domain is a domain of any of the policy's levels, LEVEL=VALUE: the
	// level by its name ("rack", "region", "zone", "host") or its label
	// ("topology.kubernetes.io/region=eu-1").
	Domain string `json:"domain,omitempty"`
}

// Levels of WhatIfReport.Level.
const (
	LevelZone = "zone"
	LevelHost = "host"
	LevelNode = "node"
)

// WhatIfReport is what one failure would take down, counted as the
// survival phase counts it: the replicas available now on the failed nodes
// against those available elsewhere and, for quorums and minimums, the
// group's desired size. Components that run on every node by design
// (kube-proxy) are not assessed, as in the survival phase.
type WhatIfReport struct {
	Failure Failure `json:"failure"`
	// Level is LevelZone, LevelHost or LevelNode, Domain the failed one.
	Level  string `json:"level"`
	Domain string `json:"domain"`
	// Nodes are the nodes that fail, by name; NodesNotReady those of them
	// not Ready already (their replicas are not available now: the failure
	// takes nothing more from them).
	Nodes         []string `json:"nodes"`
	NodesNotReady []string `json:"nodesNotReady,omitempty"`
	// ComponentsLost are the component groups the failure leaves without
	// an available replica.
	ComponentsLost []GroupLoss `json:"componentsLost"`
	// QuorumLost are the quorum groups (etcd) left with some members, but
	// no more than half of their desired size.
	QuorumLost []QuorumLoss `json:"quorumLost"`
	// BelowMinimum are the other disruption-controlled groups left with
	// some replicas, but fewer than their minimum available.
	BelowMinimum []MinimumLoss `json:"belowMinimum"`
	// UserGroupsLost are the groups of pods no component matches (user
	// workloads, and the other pods of trusted namespaces) that lose every
	// available replica.
	UserGroupsLost []GroupLoss `json:"userGroupsLost"`
	// ComponentsDownAlready are the component groups with no replica
	// available before the failure: it takes nothing from them, but they
	// are down all the same.
	ComponentsDownAlready []string `json:"componentsDownAlready,omitempty"`
}

// Survives reports whether the failure takes no component, quorum,
// minimum or user group.
func (r *WhatIfReport) Survives() bool {
	return len(r.ComponentsLost) == 0 && len(r.QuorumLost) == 0 && len(r.BelowMinimum) == 0 && len(r.UserGroupsLost) == 0
}

// GroupLoss is a group whose every available replica fails.
type GroupLoss struct {
	Group string `json:"group"`
	// Lost are the replicas available now that the failure takes: all of
	// them. Desired is the group's desired size.
	Lost    int `json:"lost"`
	Desired int `json:"desired"`
	// Protected: a disruption-controlled or Required-spread component,
	// whose loss the survival phase reports as a fail.
	Protected bool `json:"protected,omitempty"`
}

// MinimumLoss is a disruption-controlled group left with fewer available
// replicas than its minimum.
type MinimumLoss struct {
	Group        string `json:"group"`
	Desired      int    `json:"desired"`
	Survivors    int    `json:"survivors"`
	MinAvailable int    `json:"minAvailable"`
}

// WhatIf assesses the failure of one zone, host, node or domain of another
// of the policy's levels under the policy (policy.Default() when nil). It
// is an error to name none or several, an unknown level, or a domain that
// holds no node.
func WhatIf(p *policy.Policy, c Cluster, f Failure) (*WhatIfReport, error) {
	if p == nil {
		p = policy.Default()
	}
	level, domain, key, err := f.level(p)
	if err != nil {
		return nil, err
	}
	r := &WhatIfReport{
		Failure: f, Level: level, Domain: domain,
		Nodes: []string{}, ComponentsLost: []GroupLoss{}, QuorumLost: []QuorumLoss{},
		BelowMinimum: []MinimumLoss{}, UserGroupsLost: []GroupLoss{},
	}
	failed := sets.New[string]()
	known := sets.New[string]()
	for _, n := range c.Nodes {
		d := n.Name
		if key != "" {
			d = policy.DomainOf(n.Name, n.Labels, key)
		}
		known.Insert(d)
		if d != domain {
			continue
		}
		failed.Insert(n.Name)
		if !policy.NodeCanRunPods(n) {
			r.NodesNotReady = append(r.NodesNotReady, n.Name)
		}
	}
	if failed.Len() == 0 {
		return nil, fmt.Errorf("%s %q matches no node; the cluster's %ss: %s", level, domain, level, orNone(nameList(sets.List(known))))
	}
	r.Nodes = sets.List(failed)
	sort.Strings(r.NodesNotReady)

	nodes := nodesByName(c.Nodes)
	for _, g := range podGroups(p, c, nodes) {
		if g.onEveryNode() {
			continue
		}
		avail, in := 0, 0
		for _, pod := range g.members {
			if g.state[pod] != stateAvailable {
				continue
			}
			avail++
			if failed.Has(pod.Spec.NodeName) {
				in++
			}
		}
		component := g.class.Component != ""
		if in == 0 {
			if component && avail == 0 {
				r.ComponentsDownAlready = append(r.ComponentsDownAlready, g.key)
			}
			continue
		}
		impact := failureOf(g, avail, in)
		switch {
		case impact.lostAll:
			loss := GroupLoss{Group: g.key, Lost: in, Desired: g.desired(),
				Protected: g.class.Disruption.Controlled() || g.class.Spread == policy.SpreadRequired}
			if component {
				r.ComponentsLost = append(r.ComponentsLost, loss)
			} else {
				r.UserGroupsLost = append(r.UserGroupsLost, loss)
			}
		case impact.quorumLost != nil:
			r.QuorumLost = append(r.QuorumLost, *impact.quorumLost)
		case impact.belowMinimum != nil:
			r.BelowMinimum = append(r.BelowMinimum, *impact.belowMinimum)
		}
	}
	return r, nil
}

// level returns the failure's level, domain and node label ("" for a
// node), or an error unless exactly one is set.
func (f Failure) level(p *policy.Policy) (level, domain, key string, err error) {
	var set []string
	if f.Zone != "" {
		set = append(set, fmt.Sprintf("zone %q", f.Zone))
		level, domain, key = LevelZone, f.Zone, policy.LabelZone
	}
	if f.Host != "" {
		set = append(set, fmt.Sprintf("host %q", f.Host))
		level, domain, key = LevelHost, f.Host, policy.LabelHostID
	}
	if f.Node != "" {
		set = append(set, fmt.Sprintf("node %q", f.Node))
		level, domain, key = LevelNode, f.Node, ""
	}
	if f.Domain != "" {
		set = append(set, fmt.Sprintf("domain %q", f.Domain))
		name, value, ok := strings.Cut(f.Domain, "=")
		if !ok || name == "" || value == "" {
			return "", "", "", fmt.Errorf("domain %q: write it LEVEL=VALUE, the level by name or label (%s)", f.Domain, levelNames(p))
		}
		l, known := findLevel(p, name)
		if !known {
			return "", "", "", fmt.Errorf("domain %q: no level %q in the policy's levels (%s)", f.Domain, name, levelNames(p))
		}
		level, domain, key = l.name, value, l.key
	}
	switch len(set) {
	case 0:
		return "", "", "", fmt.Errorf("name the failure: one zone, host, node or domain")
	case 1:
		return level, domain, key, nil
	}
	return "", "", "", fmt.Errorf("name one failure, not %s", strings.Join(set, " and "))
}

// findLevel finds an audited level by name or label.
func findLevel(p *policy.Policy, name string) (auditLevel, bool) {
	for _, l := range auditLevels(p) {
		if l.name == name || l.key == name {
			return l, true
		}
	}
	return auditLevel{}, false
}

// levelNames lists the audited levels as "zone (topology.kubernetes.io/zone), ...".
func levelNames(p *policy.Policy) string {
	var out []string
	for _, l := range auditLevels(p) {
		out = append(out, l.name+" ("+l.key+")")
	}
	return strings.Join(out, ", ")
}

// WriteWhatIfText writes the report for people.
func WriteWhatIfText(w io.Writer, r *WhatIfReport) error {
	b := &strings.Builder{}
	fmt.Fprintf(b, "If %s %s failed: %s lost (%s)\n", r.Level, r.Domain, count(len(r.Nodes), "node"), nameList(r.Nodes))
	if len(r.NodesNotReady) > 0 {
		fmt.Fprintf(b, "  not Ready already: %s\n", nameList(r.NodesNotReady))
	}
	if r.Survives() {
		fmt.Fprintf(b, "\nNothing is lost: every component keeps an available replica, every quorum and minimum holds, every user workload keeps a replica.\n")
	}
	if len(r.ComponentsLost) > 0 {
		fmt.Fprintf(b, "\nComponents left without an available replica:\n")
		for _, l := range r.ComponentsLost {
			fmt.Fprintf(b, "  %s: loses %s%s\n", l.Group, allOf(l.Lost), protectedNote(l))
		}
	}
	if len(r.QuorumLost) > 0 {
		fmt.Fprintf(b, "\nQuorum lost:\n")
		for _, q := range r.QuorumLost {
			fmt.Fprintf(b, "  %s: keeps %d of %d members, needs %d\n", q.Group, q.Survivors, q.Members, q.Quorum)
		}
	}
	if len(r.BelowMinimum) > 0 {
		fmt.Fprintf(b, "\nBelow their minimum available:\n")
		for _, m := range r.BelowMinimum {
			fmt.Fprintf(b, "  %s: keeps %d of %d, must keep %d\n", m.Group, m.Survivors, m.Desired, m.MinAvailable)
		}
	}
	if len(r.UserGroupsLost) > 0 {
		fmt.Fprintf(b, "\nUser workloads losing every replica:\n")
		for _, l := range r.UserGroupsLost {
			fmt.Fprintf(b, "  %s: loses %s\n", l.Group, allOf(l.Lost))
		}
	}
	if len(r.ComponentsDownAlready) > 0 {
		down := append([]string(nil), r.ComponentsDownAlready...)
		sort.Strings(down)
		fmt.Fprintf(b, "\nDown already (no replica available before the failure): %s\n", nameList(down))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func protectedNote(l GroupLoss) string {
	if l.Protected {
		return " (disruption-controlled or Required spread)"
	}
	return ""
}
