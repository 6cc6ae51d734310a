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

package policysource

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
)

// Options say where ha-check takes the policy it audits with from: its
// flags.
type Options struct {
	// ConfigFile is a KubeSchedulerConfiguration file (--config), Profile
	// the profile of the configuration to read (--profile).
	ConfigFile, Profile string
	// Namespace is where to look for the configuration ConfigMap
	// (--namespace); "" is AdminNamespace only (Discover).
	Namespace string
	// TrustedNamespaces and AllowUserWorkloadsOnControlPlane adjust the
	// default policy (--trusted-namespace,
	// --allow-user-workloads-on-control-plane); a configuration's policy is
	// its own, and they are an error with one.
	TrustedNamespaces                []string
	AllowUserWorkloadsOnControlPlane bool
}

// Resolve returns the policy to audit with, and where it came from: the
// configuration file's, else the cluster's configuration ConfigMap's
// (Discover), else the default policy adjusted by the options. The
// returned Found always has a Result; its Profile is "" for the default
// policy. client is called only to look for the ConfigMap, so a policy
// from a file needs no cluster.
func Resolve(ctx context.Context, o Options, client func() (kubernetes.Interface, error)) (*Found, error) {
	if slices.Contains(o.TrustedNamespaces, "") {
		return nil, errors.New("--trusted-namespace: empty namespace")
	}
	adjusted := len(o.TrustedNamespaces) > 0 || o.AllowUserWorkloadsOnControlPlane
	if o.ConfigFile != "" {
		if adjusted {
			return nil, errors.New("--trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy; with --config the policy is the configuration's: set them there")
		}
		data, err := os.ReadFile(o.ConfigFile)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		res, err := Load(data, o.Profile)
		if err != nil {
			return nil, fmt.Errorf("--config %s: %w", o.ConfigFile, err)
		}
		return &Found{Result: res, Source: fmt.Sprintf("file %s, profile %s", o.ConfigFile, res.Profile)}, nil
	}
	cs, err := client()
	if err != nil {
		return nil, err
	}
	found, err := Discover(ctx, cs, o.Namespace, o.Profile)
	if err != nil {
		return nil, err
	}
	if found.Result != nil {
		if adjusted {
			return nil, fmt.Errorf("--trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy, but the policy is the scheduler's (%s): set them in its configuration", found.Source)
		}
		return found, nil
	}
	args := &config.PolicyArgs{AllowUserWorkloadsOnControlPlane: o.AllowUserWorkloadsOnControlPlane}
	config.SetDefaultsPolicyArgs(args)
	for _, ns := range o.TrustedNamespaces {
		if !slices.Contains(args.TrustedNamespaces, ns) {
			args.TrustedNamespaces = append(args.TrustedNamespaces, ns)
		}
	}
	if err := validation.ValidatePolicyArgs(field.NewPath("--trusted-namespace"), args).ToAggregate(); err != nil {
		return nil, err
	}
	p, err := args.Policy()
	if err != nil {
		return nil, err
	}
	found.Result = &Result{Args: args, Policy: p}
	return found, nil
}
