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

package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// newPolicyCommand is `ha-check policy`: it prints the policy the checker
// would audit with (the scheduler's), every default filled in, as the
// HAPolicy entry of a profile's pluginConfig, ready to be edited and
// written back.
func newPolicyCommand(c *common) *cobra.Command {
	return &cobra.Command{
		Use:   "policy",
		Short: "Print the effective policy, every default filled in",
		Long: `Print the policy the check audits with, every default filled in, as the
HAPolicy entry of the profile's pluginConfig (docs/policy.md): from --config
(and --profile), else the ha-scheduler configuration ConfigMap in the
cluster, else the default policy that --trusted-namespace and
--allow-user-workloads-on-control-plane adjust. A comment above it says
which.

Exit code 0, or 1 on error.`,
		Example: `  # The policy of a configuration file
  ha-check policy --config manifests/secondary/config.yaml

  # The policy of the scheduler running in the cluster
  ha-check policy --context prod`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
			defer cancel()
			src, err := resolvePolicy(ctx, c)
			if err != nil {
				return err
			}
			out, err := policyYAML(src)
			if err != nil {
				return err
			}
			_, err = io.WriteString(c.streams.Out, out)
			return err
		},
	}
}

// policyYAML writes the policy as it is written in a configuration, under a
// comment that names its source.
func policyYAML(src *policySource) (string, error) {
	data, err := yaml.Marshal(src.args)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Effective policy: %s.\n", src.text)
	b.WriteString("# Every default is filled in. This is the HAPolicy entry of the profile's\n# pluginConfig (docs/policy.md).\n")
	fmt.Fprintf(&b, "pluginConfig:\n- name: %s\n  args:\n", config.PolicyName)
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
	}
	return b.String(), nil
}
