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

// Package validation validates the plugin args, collecting every problem as
// a field.ErrorList with the path of the field, as kube-scheduler does for
// its in-tree args.
package validation

import (
	"fmt"

	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// ValidatePolicyArgs validates defaulted policy args.
func ValidatePolicyArgs(path *field.Path, a *config.PolicyArgs) field.ErrorList {
	var errs field.ErrorList
	seenNS := sets.New[string]()
	nsPath := path.Child("trustedNamespaces")
	if a.TrustedNamespaces != nil && len(a.TrustedNamespaces) == 0 {
		errs = append(errs, field.Required(nsPath, "at least one namespace: with none, kube-proxy, the CNI and CoreDNS become user workloads kept off control-plane nodes; leave the field out for the default ["+policy.DefaultTrustedNamespace+"]"))
	}
	for i, ns := range a.TrustedNamespaces {
		p := nsPath.Index(i)
		switch {
		case ns == "":
			errs = append(errs, field.Required(p, "namespace name must not be empty"))
		case seenNS.Has(ns):
			errs = append(errs, field.Duplicate(p, ns))
		default:
			for _, msg := range utilvalidation.IsDNS1123Label(ns) {
				errs = append(errs, field.Invalid(p, ns, msg))
			}
		}
		seenNS.Insert(ns)
	}
	seenNames := sets.New[string]()
	cPath := path.Child("components")
	for i := range a.Components {
		c := &a.Components[i]
		p := cPath.Index(i)
		switch {
		case c.Name == "":
			errs = append(errs, field.Required(p.Child("name"), "component name must not be empty"))
		case seenNames.Has(c.Name):
			errs = append(errs, field.Duplicate(p.Child("name"), c.Name))
		default:
			// A DNS subdomain holds neither "/" nor "=", so a component's
			// group key ("ns/name") never collides with a label group's
			// ("ns/app=web") or a controller's ("ns/Kind/name").
			for _, msg := range utilvalidation.IsDNS1123Subdomain(c.Name) {
				errs = append(errs, field.Invalid(p.Child("name"), c.Name, msg))
			}
		}
		seenNames.Insert(c.Name)
		if len(c.Selectors) == 0 {
			errs = append(errs, field.Required(p.Child("selectors"), "at least one label selector must match the component's pods"))
		}
		for j := range c.Selectors {
			sp := p.Child("selectors").Index(j)
			sel := &c.Selectors[j]
			if len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0 {
				errs = append(errs, field.Invalid(sp, sel, "an empty selector would match every pod of the trusted namespaces"))
				continue
			}
			errs = append(errs, metav1validation.ValidateLabelSelector(sel, metav1validation.LabelSelectorValidationOptions{}, sp)...)
		}
		errs = append(errs, validateRule(p, &c.RuleArgs)...)
	}
	errs = append(errs, validateRuleRequired(path.Child("otherTrustedPods"), a.OtherTrustedPods)...)
	errs = append(errs, validateRuleRequired(path.Child("userWorkloads"), a.UserWorkloads)...)
	errs = append(errs, validateLevels(path, a)...)
	if r := a.ReservedPriority; r != nil && (*r < 1 || *r > config.DefaultReservedPriority) {
		errs = append(errs, field.Invalid(path.Child("reservedPriority"), *r,
			fmt.Sprintf("must be from 1 to %d (system-cluster-critical): untrusted namespaces' pods at or above it are refused, so it must be above every priority class tenants use, and at most the control plane's own", config.DefaultReservedPriority)))
	}
	return errs
}

func validateRuleRequired(path *field.Path, r *config.RuleArgs) field.ErrorList {
	if r == nil {
		return field.ErrorList{field.Required(path, "")}
	}
	return validateRule(path, r)
}

func validateRule(path *field.Path, r *config.RuleArgs) field.ErrorList {
	var errs field.ErrorList
	if !r.Placement.Valid() {
		if r.Placement == "" {
			errs = append(errs, field.Required(path.Child("nodeRole"), "one of "+joinQuoted(policy.Placements)))
		} else {
			errs = append(errs, field.NotSupported(path.Child("nodeRole"), r.Placement, policy.Placements))
		}
	}
	if !contains(policy.Spreads, r.Spread) {
		errs = append(errs, field.NotSupported(path.Child("spread"), r.Spread, policy.Spreads))
	}
	if d := r.Disruption; d != nil {
		dp := path.Child("disruption")
		if d.Quorum && d.MinAvailable != nil {
			errs = append(errs, field.Invalid(dp.Child("minAvailable"), *d.MinAvailable, "set either quorum or minAvailable, not both"))
		}
		if d.MinAvailable != nil && *d.MinAvailable < 1 {
			errs = append(errs, field.Invalid(dp.Child("minAvailable"), *d.MinAvailable, "must be at least 1; leave disruption unset for a group that is not disruption-controlled"))
		}
	}
	return errs
}

// validateLevels validates the failure-domain levels of a policy.
func validateLevels(path *field.Path, a *config.PolicyArgs) field.ErrorList {
	var errs field.ErrorList
	levels := sets.New[string]()
	if len(a.Levels) == 0 {
		errs = append(errs, field.Required(path.Child("levels"), "at least one topology key"))
	}
	for i, l := range a.Levels {
		p := path.Child("levels").Index(i)
		errs = append(errs, validateTopologyKey(p, l, levels)...)
		levels.Insert(l)
	}
	required := sets.New[string]()
	for i, l := range a.RequiredLevels {
		p := path.Child("requiredLevels").Index(i)
		if errs2 := validateTopologyKey(p, l, required); len(errs2) > 0 {
			errs = append(errs, errs2...)
		} else if !levels.Has(l) {
			errs = append(errs, field.Invalid(p, l, "must be one of levels"))
		}
		required.Insert(l)
	}
	return errs
}

func validateTopologyKey(p *field.Path, key string, seen sets.Set[string]) field.ErrorList {
	switch {
	case key == "":
		return field.ErrorList{field.Required(p, "topology key must not be empty")}
	case seen.Has(key):
		return field.ErrorList{field.Duplicate(p, key)}
	}
	var errs field.ErrorList
	for _, msg := range utilvalidation.IsQualifiedName(key) {
		errs = append(errs, field.Invalid(p, key, msg))
	}
	return errs
}

// ValidateDisruptionGuardArgs validates defaulted args.
func ValidateDisruptionGuardArgs(path *field.Path, a *config.DisruptionGuardArgs) field.ErrorList {
	var errs field.ErrorList
	if a.Mode != config.ModeStrict && a.Mode != config.ModeBestEffort {
		errs = append(errs, field.NotSupported(path.Child("mode"), a.Mode, []config.DisruptionGuardMode{config.ModeStrict, config.ModeBestEffort}))
	}
	if p := a.MinCandidateNodesPercentage; p != nil && (*p < 0 || *p > 100) {
		errs = append(errs, field.Invalid(path.Child("minCandidateNodesPercentage"), *p, "not in valid range [0, 100]"))
	}
	if n := a.MinCandidateNodesAbsolute; n != nil && *n < 0 {
		errs = append(errs, field.Invalid(path.Child("minCandidateNodesAbsolute"), *n, "not in valid range [0, inf)"))
	}
	if a.MinCandidateNodesPercentage != nil && a.MinCandidateNodesAbsolute != nil &&
		*a.MinCandidateNodesPercentage == 0 && *a.MinCandidateNodesAbsolute == 0 {
		errs = append(errs, field.Invalid(path.Child("minCandidateNodesAbsolute"), 0, "cannot be zero at the same time as minCandidateNodesPercentage"))
	}
	return errs
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func joinQuoted[T ~string](list []T) string {
	s := ""
	for i, v := range list {
		if i > 0 {
			s += ", "
		}
		s += `"` + string(v) + `"`
	}
	return s
}
