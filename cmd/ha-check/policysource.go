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
	"errors"
	"fmt"
	"os"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// policySource is the policy the cluster is audited with, as written (args,
// every default filled in) and compiled, and where it came from, in words.
type policySource struct {
	args   *config.PolicyArgs
	policy *policy.Policy
	text   string
	// profile is the configuration's profile (schedulerName) the policy is
	// of; empty for the default policy.
	profile string
}

// resolvePolicy returns the policy to audit with: --config's, else the
// ha-scheduler ConfigMap's, else the default adjusted by the default-policy
// flags. The cluster is contacted only for the ConfigMap.
func resolvePolicy(ctx context.Context, o *common) (*policySource, error) {
	if slices.Contains(o.trusted, "") {
		return nil, errors.New("--trusted-namespace: empty namespace")
	}
	defaultPolicyFlags := len(o.trusted) > 0 || o.allowCP
	if o.configFile != "" {
		if defaultPolicyFlags {
			return nil, errors.New("--trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy; with --config the policy is the configuration's: set them there")
		}
		data, err := os.ReadFile(o.configFile)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		res, err := policysource.Load(data, o.profile)
		if err != nil {
			return nil, fmt.Errorf("--config %s: %w", o.configFile, err)
		}
		return &policySource{args: res.Args, policy: res.Policy, text: fmt.Sprintf("file %s, profile %s", o.configFile, res.Profile), profile: res.Profile}, nil
	}
	cs, _, err := o.client()
	if err != nil {
		return nil, err
	}
	src, err := findConfigMap(ctx, cs, o.namespace(), o.profile)
	if err != nil {
		return nil, err
	}
	if src.args != nil {
		if defaultPolicyFlags {
			return nil, fmt.Errorf("--trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy, but the policy is the scheduler's (%s): set them in its configuration", src.text)
		}
		return src, nil
	}
	args := &config.PolicyArgs{AllowUserWorkloadsOnControlPlane: o.allowCP}
	config.SetDefaultsPolicyArgs(args)
	for _, ns := range o.trusted {
		if !slices.Contains(args.TrustedNamespaces, ns) {
			args.TrustedNamespaces = append(args.TrustedNamespaces, ns)
		}
	}
	if err := validation.ValidatePolicyArgs(field.NewPath("--trusted-namespace"), args).ToAggregate(); err != nil {
		return nil, err
	}
	if src.policy, err = args.Policy(); err != nil {
		return nil, err
	}
	src.args = args
	return src, nil
}

// findConfigMap reads the policy from the cluster (policysource.Discover).
func findConfigMap(ctx context.Context, cs kubernetes.Interface, namespace, profile string) (*policySource, error) {
	found, err := policysource.Discover(ctx, cs, namespace, profile)
	if err != nil {
		return nil, err
	}
	src := &policySource{text: found.Source}
	if found.Result != nil {
		src.args, src.policy, src.profile = found.Args, found.Policy, found.Profile
	}
	return src, nil
}
