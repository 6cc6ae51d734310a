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

// Package policysource builds the policy of one scheduler profile from a
// KubeSchedulerConfiguration, as the ha-scheduler binary does: the
// configuration is decoded and defaulted with kube-scheduler's own scheme
// (what options.LoadConfigFromFile does), checked with
// validation.ValidateSchedulerConfiguration (what the binary's pre-run
// does), and the plugins' args are loaded with validation.Load*Args. A bad
// configuration gives the scheduler's error, with the field path.
package policysource

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/apis/config/scheme"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Plugins are the ha-scheduler plugins whose args carry the policy, in the
// order their args are read.
var Plugins = []string{config.WorkloadSeparationName, config.FailureDomainSpreadName, config.DisruptionGuardName}

// Result is the policy of one profile.
type Result struct {
	// Profile is the profile's schedulerName.
	Profile string
	// Policy is what the profile's plugins enforce.
	Policy *policy.Policy
	// Levels and RequiredLevels are FailureDomainSpread's; nil when the
	// profile does not enable it.
	Levels, RequiredLevels []string
}

// Load decodes, defaults and validates a KubeSchedulerConfiguration and
// returns the policy of the named profile or, when profile is "", of the
// first profile that enables an ha-scheduler plugin. It fails, naming the
// profiles there are, when the named profile does not exist or enables none
// of the plugins, or when no profile enables one.
func Load(data []byte, profile string) (*Result, error) {
	cfg, err := decode(data)
	if err != nil {
		return nil, err
	}
	if err := validation.ValidateSchedulerConfiguration(cfg); err != nil {
		return nil, fmt.Errorf("invalid configuration: %w", err)
	}
	i, err := selectProfile(cfg, profile)
	if err != nil {
		return nil, err
	}
	return profilePolicy(field.NewPath("profiles").Index(i), &cfg.Profiles[i])
}

// decode is kube-scheduler's loadConfig (cmd/kube-scheduler/app/options):
// the universal decoder converts and defaults to the internal type.
func decode(data []byte) (*schedconfig.KubeSchedulerConfiguration, error) {
	obj, gvk, err := scheme.Codecs.UniversalDecoder().Decode(data, nil, nil)
	if err != nil {
		return nil, err
	}
	cfg, ok := obj.(*schedconfig.KubeSchedulerConfiguration)
	if !ok {
		return nil, fmt.Errorf("couldn't decode as KubeSchedulerConfiguration, got %s", gvk)
	}
	cfg.APIVersion = gvk.GroupVersion().String()
	return cfg, nil
}

func selectProfile(cfg *schedconfig.KubeSchedulerConfiguration, name string) (int, error) {
	names := make([]string, 0, len(cfg.Profiles))
	for i := range cfg.Profiles {
		names = append(names, fmt.Sprintf("%s (%s)", cfg.Profiles[i].SchedulerName, describe(enabled(&cfg.Profiles[i]))))
	}
	profiles := "profiles: " + strings.Join(names, ", ")
	if name == "" {
		for i := range cfg.Profiles {
			if len(enabled(&cfg.Profiles[i])) > 0 {
				return i, nil
			}
		}
		return -1, fmt.Errorf("no profile enables %s; %s", strings.Join(Plugins, ", "), profiles)
	}
	for i := range cfg.Profiles {
		if cfg.Profiles[i].SchedulerName != name {
			continue
		}
		if len(enabled(&cfg.Profiles[i])) == 0 {
			return -1, fmt.Errorf("profile %q enables none of %s; %s", name, strings.Join(Plugins, ", "), profiles)
		}
		return i, nil
	}
	return -1, fmt.Errorf("no profile %q; %s", name, profiles)
}

func describe(plugins []string) string {
	if len(plugins) == 0 {
		return "no ha-scheduler plugin"
	}
	return strings.Join(plugins, ", ")
}

// enabled lists the ha-scheduler plugins the profile enables at any
// extension point, in the order of Plugins. Defaulting has merged the
// default plugins into multiPoint.
func enabled(prof *schedconfig.KubeSchedulerProfile) []string {
	if prof.Plugins == nil {
		return nil
	}
	p := prof.Plugins
	sets := []schedconfig.PluginSet{p.MultiPoint, p.PreEnqueue, p.QueueSort, p.PreFilter, p.Filter, p.PostFilter,
		p.PreScore, p.Score, p.Reserve, p.Permit, p.PreBind, p.Bind, p.PostBind}
	var out []string
	for _, name := range Plugins {
		for _, set := range sets {
			if slices.ContainsFunc(set.Enabled, func(pl schedconfig.Plugin) bool { return pl.Name == name }) {
				out = append(out, name)
				break
			}
		}
	}
	return out
}

// profilePolicy loads the args of the profile's enabled ha-scheduler
// plugins (those without pluginConfig get their defaults, as their
// factories do). ValidateSchedulerConfiguration has made sure they agree on
// the policy; the first one's is returned.
func profilePolicy(path *field.Path, prof *schedconfig.KubeSchedulerProfile) (*Result, error) {
	res := &Result{Profile: prof.SchedulerName}
	var pa *config.PolicyArgs
	for _, name := range enabled(prof) {
		var args runtime.Object
		argsPath := path.Child("pluginConfig")
		for j := range prof.PluginConfig {
			if prof.PluginConfig[j].Name == name {
				args, argsPath = prof.PluginConfig[j].Args, argsPath.Index(j).Child("args")
				break
			}
		}
		var got *config.PolicyArgs
		switch name {
		case config.WorkloadSeparationName:
			a, err := validation.LoadWorkloadSeparationArgs(args, argsPath)
			if err != nil {
				return nil, err
			}
			got = &a.PolicyArgs
		case config.FailureDomainSpreadName:
			a, err := validation.LoadFailureDomainSpreadArgs(args, argsPath)
			if err != nil {
				return nil, err
			}
			got = &a.PolicyArgs
			res.Levels, res.RequiredLevels = a.Levels, a.RequiredLevels
		case config.DisruptionGuardName:
			a, err := validation.LoadDisruptionGuardArgs(args, argsPath)
			if err != nil {
				return nil, err
			}
			got = &a.PolicyArgs
		}
		if pa == nil {
			pa = got
		}
	}
	if pa == nil {
		return nil, errors.New("no ha-scheduler plugin enabled")
	}
	p, err := pa.Policy()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	res.Policy = p
	return res, nil
}
