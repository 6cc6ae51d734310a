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

package explain

import (
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/levels"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// WhatIf assesses the failure of one zone, host, node or domain of another
// of the policy's levels in the cluster of the model. It is an error to
// name none or several, an unknown level, or a domain that holds no node.
// The answer has no apiVersion, kind or policy source: the command fills
// them in.
func WhatIf(m *model.Model, f v1alpha1.Failure) (*v1alpha1.WhatIf, error) {
	p, c := m.Policy, m.Cluster
	level, domain, key, err := failureLevel(f, p)
	if err != nil {
		return nil, err
	}
	r := &v1alpha1.WhatIf{
		Failure: f, Level: level, Domain: domain,
		Nodes: []string{}, ComponentsLost: []v1alpha1.GroupLoss{}, QuorumLost: []v1alpha1.QuorumLoss{},
		BelowMinimum: []v1alpha1.MinimumLoss{}, UserGroupsLost: []v1alpha1.GroupLoss{},
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
		return nil, fmt.Errorf("%s %q matches no node; the cluster's %ss: %s", level, domain, level, words.OrNone(words.List(sets.List(known))))
	}
	r.Nodes = sets.List(failed)
	sort.Strings(r.NodesNotReady)

	for _, g := range m.Groups {
		if g.OnEveryNode() {
			continue
		}
		avail, in := 0, 0
		for _, pod := range g.Members {
			if g.State[pod] != model.Available {
				continue
			}
			avail++
			if failed.Has(pod.Spec.NodeName) {
				in++
			}
		}
		component := g.Class.Component != ""
		if in == 0 {
			if component && avail == 0 {
				r.ComponentsDownAlready = append(r.ComponentsDownAlready, g.Key)
			}
			continue
		}
		impact := audit.FailureOf(g, avail, in)
		switch {
		case impact.LostAll:
			loss := v1alpha1.GroupLoss{Group: g.Key, Lost: in, Desired: g.Desired(),
				Protected: g.Class.Disruption.Controlled() || g.Class.Spread == policy.SpreadRequired}
			if component {
				r.ComponentsLost = append(r.ComponentsLost, loss)
			} else {
				r.UserGroupsLost = append(r.UserGroupsLost, loss)
			}
		case impact.QuorumLost != nil:
			r.QuorumLost = append(r.QuorumLost, *impact.QuorumLost)
		case impact.BelowMinimum != nil:
			r.BelowMinimum = append(r.BelowMinimum, *impact.BelowMinimum)
		}
	}
	return r, nil
}

// failureLevel returns the failure's level, domain and node label ("" for
// a node), or an error unless exactly one is set.
func failureLevel(f v1alpha1.Failure, p *policy.Policy) (level, domain, key string, err error) {
	var set []string
	if f.Zone != "" {
		set = append(set, fmt.Sprintf("zone %q", f.Zone))
		level, domain, key = v1alpha1.LevelZone, f.Zone, policy.LabelZone
	}
	if f.Host != "" {
		set = append(set, fmt.Sprintf("host %q", f.Host))
		level, domain, key = v1alpha1.LevelHost, f.Host, policy.LabelHostID
	}
	if f.Node != "" {
		set = append(set, fmt.Sprintf("node %q", f.Node))
		level, domain, key = v1alpha1.LevelNode, f.Node, ""
	}
	if f.Domain != "" {
		set = append(set, fmt.Sprintf("domain %q", f.Domain))
		name, value, ok := strings.Cut(f.Domain, "=")
		if !ok || name == "" || value == "" {
			return "", "", "", fmt.Errorf("domain %q: write it LEVEL=VALUE, the level by name or label (%s)", f.Domain, levels.Names(p))
		}
		l, known := levels.Find(p, name)
		if !known {
			return "", "", "", fmt.Errorf("domain %q: no level %q in the policy's levels (%s)", f.Domain, name, levels.Names(p))
		}
		level, domain, key = l.Name, value, l.Key
	}
	switch len(set) {
	case 0:
		return "", "", "", fmt.Errorf("name the failure: one zone, host, node or domain")
	case 1:
		return level, domain, key, nil
	}
	return "", "", "", fmt.Errorf("name one failure, not %s", strings.Join(set, " and "))
}
