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

package config

import (
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Policy builds the policy from defaulted, validated args.
func (a *PolicyArgs) Policy() (*policy.Policy, error) {
	p := &policy.Policy{
		TrustedNamespaces:                sets.New(a.TrustedNamespaces...),
		AllowUserWorkloadsOnControlPlane: a.AllowUserWorkloadsOnControlPlane,
		Levels:                           slices.Clone(a.Levels),
		RequiredLevels:                   slices.Clone(a.RequiredLevels),
	}
	var err error
	if p.OtherTrusted, err = a.OtherTrustedPods.rule(); err != nil {
		return nil, fmt.Errorf("otherTrustedPods: %w", err)
	}
	if p.UserWorkloads, err = a.UserWorkloads.rule(); err != nil {
		return nil, fmt.Errorf("userWorkloads: %w", err)
	}
	for i := range a.Components {
		c := &a.Components[i]
		comp := policy.Component{Name: c.Name}
		if comp.Rule, err = c.rule(); err != nil {
			return nil, fmt.Errorf("components[%d]: %w", i, err)
		}
		for j := range c.Selectors {
			s, err := metav1.LabelSelectorAsSelector(&c.Selectors[j])
			if err != nil {
				return nil, fmt.Errorf("components[%d].selectors[%d]: %w", i, j, err)
			}
			comp.Selectors = append(comp.Selectors, s)
		}
		p.Components = append(p.Components, comp)
	}
	return p.IndexComponents(), nil
}

func (r *RuleArgs) rule() (policy.Rule, error) {
	if r == nil {
		return policy.Rule{}, fmt.Errorf("rule is not set")
	}
	if !r.Placement.Valid() {
		return policy.Rule{}, fmt.Errorf("unknown nodeRole %q", r.Placement)
	}
	out := policy.Rule{Placement: r.Placement, Spread: r.Spread}
	if d := r.Disruption; d != nil {
		out.Disruption.Quorum = d.Quorum
		if d.MinAvailable != nil {
			out.Disruption.MinAvailable = *d.MinAvailable
		}
	}
	return out, nil
}
