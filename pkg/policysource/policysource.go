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
// (what options.LoadConfigFromFile does), and checked and each profile's
// policy loaded from its HAPolicy entry with validation.LoadPolicies, what
// the binary's pre-run does. A bad configuration gives the scheduler's
// error, with the field path. Resolve is where ha-check takes its policy
// from: a file, the cluster's configuration ConfigMap, or the default.
package policysource

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/apis/config/scheme"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Plugins are the ha-scheduler plugins that enforce a profile's policy.
var Plugins = []string{config.WorkloadSeparationName, config.FailureDomainSpreadName, config.DisruptionGuardName}

// Result is the policy of one profile.
type Result struct {
	// Profile is the profile's schedulerName.
	Profile string
	// Args is the policy as written, with every default filled in.
	Args *config.PolicyArgs
	// Policy is what the profile's plugins enforce.
	Policy *policy.Policy
	// Written says whether the profile has an HAPolicy entry; without one
	// its plugins enforce the default policy.
	Written bool
}

// Load decodes, defaults and validates a KubeSchedulerConfiguration and
// returns the policy of the named profile or, when profile is "", of the
// first profile that enables an ha-scheduler plugin. It fails, naming the
// profiles there are, when the named profile does not exist or enables none
// of the plugins, or when no profile enables one.
func Load(data []byte, profile string) (*Result, error) {
	cfg, policies, err := load(data)
	if err != nil {
		return nil, err
	}
	i, err := selectProfile(cfg, profile)
	if err != nil {
		return nil, err
	}
	return result(field.NewPath("profiles").Index(i), &cfg.Profiles[i], policies)
}

// LoadAll returns the policy of every profile that enables an ha-scheduler
// plugin, in the order of the profiles; it fails when none does.
func LoadAll(data []byte) ([]*Result, error) {
	cfg, policies, err := load(data)
	if err != nil {
		return nil, err
	}
	var out []*Result
	for i := range cfg.Profiles {
		if len(enabled(&cfg.Profiles[i])) == 0 {
			continue
		}
		r, err := result(field.NewPath("profiles").Index(i), &cfg.Profiles[i], policies)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		_, err := selectProfile(cfg, "")
		return nil, err
	}
	return out, nil
}

func load(data []byte) (*schedconfig.KubeSchedulerConfiguration, config.Policies, error) {
	cfg, err := decode(data)
	if err != nil {
		return nil, nil, err
	}
	policies, err := validation.LoadPolicies(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid configuration: %w", err)
	}
	return cfg, policies, nil
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

// result is the policy of one profile, as its plugins' factories take it.
func result(path *field.Path, prof *schedconfig.KubeSchedulerProfile, policies config.Policies) (*Result, error) {
	args := policies.For(prof.SchedulerName)
	p, err := args.Policy()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	written := slices.ContainsFunc(prof.PluginConfig, func(pc schedconfig.PluginConfig) bool { return pc.Name == config.PolicyName })
	return &Result{Profile: prof.SchedulerName, Args: args, Policy: p, Written: written}, nil
}
