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

package hacheck

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// policyOptions are the flags of `ha-check policy`: the common ones only.
type policyOptions struct {
	*commonOptions
}

// newCmdPolicy is `ha-check policy`: it prints the policy the checker
// would audit with (the scheduler's), every default filled in, as the
// HAPolicy entry of a profile's pluginConfig, ready to be edited and
// written back.
func newCmdPolicy(c *commonOptions) *cobra.Command {
	o := &policyOptions{commonOptions: c}
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
			return o.Run(cmd.Context())
		},
	}
}

// Run resolves the policy and prints it: it reads no more of the cluster
// than the policy's ConfigMap.
func (o *policyOptions) Run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	src, err := o.resolvePolicy(ctx)
	if err != nil {
		return err
	}
	out, err := policyYAML(src)
	if err != nil {
		return err
	}
	_, err = io.WriteString(o.streams.Out, out)
	return err
}

// policyYAML writes the policy as it is written in a configuration, under a
// comment that names its source.
func policyYAML(src *policysource.Found) (string, error) {
	data, err := yaml.Marshal(src.Args)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Effective policy: %s.\n", src.Source)
	b.WriteString("# Every default is filled in. This is the HAPolicy entry of the profile's\n# pluginConfig (docs/policy.md).\n")
	fmt.Fprintf(&b, "pluginConfig:\n- name: %s\n  args:\n", config.PolicyName)
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line != "" {
			b.WriteString("    " + line)
		}
	}
	return b.String(), nil
}
