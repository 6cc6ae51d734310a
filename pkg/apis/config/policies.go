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

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Policies are the policies of a scheduler configuration's profiles, by
// schedulerName. The ha-scheduler command loads them from --config before
// the scheduler builds its profiles, and each plugin factory takes its own
// profile's (fwk.Handle.ProfileName), so a profile's policy is written once
// and read by all of its plugins.
type Policies map[string]*PolicyArgs

// For returns the policy of the profile: the one loaded for it, or the
// default policy for a profile that has no HAPolicy entry.
func (ps Policies) For(profile string) *PolicyArgs {
	if a, ok := ps[profile]; ok {
		return a
	}
	a := &PolicyArgs{}
	SetDefaultsPolicyArgs(a)
	return a
}

// Compile returns the profile's policy as written and as the plugin named
// plugin enforces it; the error names both.
func (ps Policies) Compile(plugin, profile string) (*PolicyArgs, *policy.Policy, error) {
	a := ps.For(profile)
	p, err := a.Policy()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: profile %q: %w", plugin, profile, err)
	}
	return a, p, nil
}
