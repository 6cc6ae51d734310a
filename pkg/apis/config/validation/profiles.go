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

package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// DefaultPreemptionName is the upstream preemption plugin DisruptionGuard
// replaces.
const DefaultPreemptionName = "DefaultPreemption"

// LoadPolicies returns the policy of every profile of a configuration and
// checks, with the full field path of each problem:
//   - each profile's HAPolicy entry, strictly (a profile without one has the
//     default policy);
//   - the args of our plugins: DisruptionGuard's, and none for
//     WorkloadSeparation and FailureDomainSpread (a policy field there says
//     where the policy is written now);
//   - DisruptionGuard and DefaultPreemption are not both enabled in a profile
//     (a factory cannot see the rest of its profile).
//
// cfg is the defaulted configuration from options.LoadConfigFromFile.
func LoadPolicies(cfg *schedconfig.KubeSchedulerConfiguration) (config.Policies, error) {
	policies := config.Policies{}
	var errs field.ErrorList
	for i := range cfg.Profiles {
		prof := &cfg.Profiles[i]
		pa, profErrs := loadProfile(field.NewPath("profiles").Index(i), prof)
		errs = append(errs, profErrs...)
		policies[prof.SchedulerName] = pa
	}
	if len(errs) > 0 {
		return nil, errs.ToAggregate()
	}
	return policies, nil
}

func loadProfile(path *field.Path, prof *schedconfig.KubeSchedulerProfile) (*config.PolicyArgs, field.ErrorList) {
	var errs field.ErrorList
	var pa *config.PolicyArgs
	for j := range prof.PluginConfig {
		pc := &prof.PluginConfig[j]
		argsPath := path.Child("pluginConfig").Index(j).Child("args")
		var argErrs field.ErrorList
		switch pc.Name {
		case config.PolicyName:
			pa, argErrs = load(pc.Args, argsPath, []string{ArgsKind(pc.Name)}, config.SetDefaultsPolicyArgs, ValidatePolicyArgs)
		case config.WorkloadSeparationName, config.FailureDomainSpreadName:
			argErrs = loadNoArgs(pc.Args, argsPath, []string{ArgsKind(pc.Name)})
		case config.DisruptionGuardName:
			_, argErrs = load(pc.Args, argsPath, []string{ArgsKind(pc.Name)}, config.SetDefaultsDisruptionGuardArgs, ValidateDisruptionGuardArgs)
		}
		errs = append(errs, argErrs...)
	}
	if pa == nil {
		pa = &config.PolicyArgs{}
		config.SetDefaultsPolicyArgs(pa)
	}
	if prof.Plugins != nil {
		postFilter := enabledAt(prof.Plugins.MultiPoint, prof.Plugins.PostFilter)
		if postFilter[config.DisruptionGuardName] && postFilter[DefaultPreemptionName] {
			errs = append(errs, field.Invalid(path.Child("plugins"), prof.SchedulerName,
				"DisruptionGuard replaces DefaultPreemption: disable DefaultPreemption in this profile (plugins.multiPoint.disabled or plugins.postFilter.disabled)"))
		}
	}
	return pa, errs
}

// enabledAt returns the plugins the framework runs at one extension point:
// those enabled there, plus those enabled through multiPoint unless the
// extension point disables them (by name or "*"). Defaulting has already
// merged the default plugins into multiPoint and dropped those that
// multiPoint disables.
func enabledAt(multi, point schedconfig.PluginSet) map[string]bool {
	disabled := map[string]bool{}
	for _, p := range point.Disabled {
		disabled[p.Name] = true
	}
	enabled := map[string]bool{}
	for _, p := range point.Enabled {
		enabled[p.Name] = true
	}
	if disabled["*"] {
		return enabled
	}
	for _, p := range multi.Enabled {
		if !disabled[p.Name] {
			enabled[p.Name] = true
		}
	}
	return enabled
}
