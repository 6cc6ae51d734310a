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

// Package app builds the ha-scheduler command: upstream kube-scheduler's
// command with our plugins registered and the --config file validated
// strictly before the scheduler contacts the API server.
package app

import (
	"fmt"
	"maps"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/cmd/kube-scheduler/app"
	"k8s.io/kubernetes/cmd/kube-scheduler/app/options"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins"
)

// NewCommand returns the ha-scheduler command.
func NewCommand() *cobra.Command {
	// Filled by the pre-run from --config, before the scheduler builds its
	// profiles and calls the factories.
	policies := config.Policies{}
	registry := plugins.Registry(policies)
	opts := make([]app.Option, 0, len(registry))
	for name, factory := range registry {
		opts = append(opts, app.WithPlugin(name, factory))
	}
	cmd := app.NewSchedulerCommand(opts...)
	cmd.Use = "ha-scheduler"
	cmd.Short = "kube-scheduler with the ha-scheduler plugins (WorkloadSeparation, FailureDomainSpread, DisruptionGuard)"

	// Plugin factories run inside scheduler.New, after clients and delegated
	// authentication were set up; a bad policy must stop the binary before
	// that, with the path of the field at fault.
	upstreamPreRun := cmd.PersistentPreRunE
	cmd.PersistentPreRunE = func(c *cobra.Command, args []string) error {
		if upstreamPreRun != nil {
			if err := upstreamPreRun(c, args); err != nil {
				return err
			}
		}
		f := c.Flags().Lookup("config")
		if f == nil || f.Value.String() == "" {
			return nil
		}
		loaded, err := LoadPolicies(f.Value.String())
		if err != nil {
			return err
		}
		maps.Copy(policies, loaded)
		return nil
	}
	return cmd
}

// LoadPolicies loads a KubeSchedulerConfiguration file as kube-scheduler
// does, validates what concerns our plugins and returns the policy of each
// profile.
func LoadPolicies(path string) (config.Policies, error) {
	cfg, err := options.LoadConfigFromFile(klog.Background(), path)
	if err != nil {
		return nil, fmt.Errorf("loading config file %q: %w", path, err)
	}
	policies, err := validation.LoadPolicies(cfg)
	if err != nil {
		return nil, fmt.Errorf("invalid configuration in %q: %w", path, err)
	}
	return policies, nil
}
