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

	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// runPolicy is `ha-check policy`: it prints the policy the checker would
// audit with (the scheduler's), every default filled in, as the HAPolicy
// entry of a profile's pluginConfig, ready to be edited and written back.
func runPolicy(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flagSet("ha-check policy", stderr, &o)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ha-check policy [flags]\n\nPrints the effective policy, every default filled in, as the HAPolicy entry of\nthe profile's pluginConfig. Exit code 0, or 1 on error.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	src, err := resolvePolicy(ctx, &o, &connection{o: &o})
	if err != nil {
		fmt.Fprintf(stderr, "ha-check policy: %v\n", err)
		return exitError
	}
	out, err := policyYAML(src)
	if err == nil {
		_, err = io.WriteString(stdout, out)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ha-check policy: %v\n", err)
		return exitError
	}
	return exitPass
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
