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
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// DefaultPreemptionName is the upstream preemption plugin DisruptionGuard
// replaces.
const DefaultPreemptionName = "DefaultPreemption"

// ValidateSchedulerConfiguration checks what the plugin factories cannot, or
// not early enough (they run after the scheduler has built its clients):
//   - the args of our plugins, strictly, with the full field path;
//   - DisruptionGuard and DefaultPreemption are not both enabled in a profile
//     (a factory cannot see the rest of its profile);
//   - our plugins in one profile share one policy.
//
// cfg is the defaulted configuration from options.LoadConfigFromFile.
func ValidateSchedulerConfiguration(cfg *schedconfig.KubeSchedulerConfiguration) error {
	var errs field.ErrorList
	for i := range cfg.Profiles {
		errs = append(errs, validateProfile(field.NewPath("profiles").Index(i), &cfg.Profiles[i])...)
	}
	return errs.ToAggregate()
}

func validateProfile(path *field.Path, prof *schedconfig.KubeSchedulerProfile) field.ErrorList {
	var errs field.ErrorList
	var first *config.PolicyArgs
	var firstName string
	for j := range prof.PluginConfig {
		pc := &prof.PluginConfig[j]
		argsPath := path.Child("pluginConfig").Index(j).Child("args")
		pa, known, argErrs := loadPolicyArgs(pc.Name, pc.Args, argsPath)
		if !known {
			continue
		}
		if len(argErrs) > 0 {
			errs = append(errs, argErrs...)
			continue
		}
		if first == nil {
			first, firstName = pa, pc.Name
		} else if !equality.Semantic.DeepEqual(first, pa) {
			errs = append(errs, field.Invalid(argsPath, pc.Name, fmt.Sprintf(
				"the policy (trustedNamespaces, components, otherTrustedPods, userWorkloads, allowUserWorkloadsOnControlPlane) differs from %s's in the same profile; give every ha-scheduler plugin of a profile the same policy", firstName)))
		}
	}
	// An enabled plugin without pluginConfig runs with the default policy:
	// it must agree too.
	configured := map[string]bool{}
	for j := range prof.PluginConfig {
		configured[prof.PluginConfig[j].Name] = true
	}
	for _, name := range ourPluginsEnabled(prof.Plugins) {
		if configured[name] || first == nil {
			continue
		}
		pa, _, _ := loadPolicyArgs(name, nil, path)
		if !equality.Semantic.DeepEqual(first, pa) {
			errs = append(errs, field.Required(path.Child("pluginConfig"), fmt.Sprintf(
				"%s is enabled without args and so runs with the default policy, which differs from %s's; give it the same policy", name, firstName)))
		}
	}
	if prof.Plugins != nil {
		postFilter := enabledAt(prof.Plugins.MultiPoint, prof.Plugins.PostFilter)
		if postFilter[config.DisruptionGuardName] && postFilter[DefaultPreemptionName] {
			errs = append(errs, field.Invalid(path.Child("plugins"), prof.SchedulerName,
				"DisruptionGuard replaces DefaultPreemption: disable DefaultPreemption in this profile (plugins.multiPoint.disabled or plugins.postFilter.disabled)"))
		}
	}
	return errs
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

// ourPluginsEnabled lists the ha-scheduler plugins enabled anywhere in the
// profile.
func ourPluginsEnabled(plugins *schedconfig.Plugins) []string {
	if plugins == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, set := range []schedconfig.PluginSet{plugins.MultiPoint, plugins.PreFilter, plugins.Filter, plugins.PostFilter, plugins.PreScore, plugins.Score} {
		for _, p := range set.Enabled {
			switch p.Name {
			case config.WorkloadSeparationName, config.FailureDomainSpreadName, config.DisruptionGuardName:
				if !seen[p.Name] {
					seen[p.Name] = true
					out = append(out, p.Name)
				}
			}
		}
	}
	return out
}
