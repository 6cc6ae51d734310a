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
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Defaults of DisruptionGuardArgs, the same as DefaultPreemption's.
const (
	DefaultMinCandidateNodesPercentage int32 = 10
	DefaultMinCandidateNodesAbsolute   int32 = 100
)

// SetDefaultsPolicyArgs fills what is unset with the default policy of
// SPEC §3.
func SetDefaultsPolicyArgs(a *PolicyArgs) {
	if a.TrustedNamespaces == nil {
		a.TrustedNamespaces = []string{policy.DefaultTrustedNamespace}
	}
	if a.Components == nil {
		a.Components = DefaultComponentArgs()
	}
	for i := range a.Components {
		setDefaultsRule(&a.Components[i].RuleArgs)
	}
	if a.OtherTrustedPods == nil {
		a.OtherTrustedPods = ruleArgsOf(policy.DefaultOtherTrusted())
	}
	setDefaultsRule(a.OtherTrustedPods)
	if a.UserWorkloads == nil {
		a.UserWorkloads = ruleArgsOf(policy.DefaultUserWorkloads())
	}
	setDefaultsRule(a.UserWorkloads)
	if a.Levels == nil {
		a.Levels = slices.Clone(policy.DefaultLevels)
	}
	if a.RequiredLevels == nil {
		a.RequiredLevels = slices.Clone(policy.DefaultRequiredLevels)
	}
	if a.ReservedPriority == nil {
		a.ReservedPriority = ptr.To(DefaultReservedPriority)
	}
}

func setDefaultsRule(r *RuleArgs) {
	if r.Spread == "" {
		r.Spread = policy.SpreadPreferred
	}
	if d := r.Disruption; d != nil && !d.Quorum && d.MinAvailable == nil {
		d.MinAvailable = ptr.To[int32](1)
	}
}

// SetDefaultsDisruptionGuardArgs sets the defaults of the args.
func SetDefaultsDisruptionGuardArgs(a *DisruptionGuardArgs) {
	if a.Mode == "" {
		a.Mode = ModeStrict
	}
	if a.MinCandidateNodesPercentage == nil {
		a.MinCandidateNodesPercentage = ptr.To(DefaultMinCandidateNodesPercentage)
	}
	if a.MinCandidateNodesAbsolute == nil {
		a.MinCandidateNodesAbsolute = ptr.To(DefaultMinCandidateNodesAbsolute)
	}
}

// DefaultComponentArgs is policy.DefaultComponents written as args.
func DefaultComponentArgs() []ComponentArgs {
	specs := policy.DefaultComponents()
	out := make([]ComponentArgs, 0, len(specs))
	for _, s := range specs {
		c := ComponentArgs{Name: s.Name, RuleArgs: *ruleArgsOf(s.Rule)}
		for _, m := range s.MatchLabels {
			c.Selectors = append(c.Selectors, metav1.LabelSelector{MatchLabels: m})
		}
		out = append(out, c)
	}
	return out
}

func ruleArgsOf(r policy.Rule) *RuleArgs {
	a := &RuleArgs{Placement: r.Placement, Spread: r.Spread}
	switch {
	case r.Disruption.Quorum:
		a.Disruption = &DisruptionArgs{Quorum: true}
	case r.Disruption.MinAvailable > 0:
		a.Disruption = &DisruptionArgs{MinAvailable: ptr.To(r.Disruption.MinAvailable)}
	}
	return a
}
