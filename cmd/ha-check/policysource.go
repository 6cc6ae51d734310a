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
	"strings"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/pager"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// The ConfigMap the manifests install holds the scheduler configuration
// under ConfigKey; ConfigSelector finds it (manifests/secondary's
// configMapGenerator sets both labels).
const (
	ConfigSelector = "app.kubernetes.io/part-of=ha-scheduler,app.kubernetes.io/component=scheduler-config"
	ConfigKey      = "config.yaml"
	// preferredNamespace is where the manifests install the scheduler.
	preferredNamespace = "kube-system"
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

// findConfigMap looks for the ha-scheduler configuration in the cluster, in
// namespace ("" for every namespace). It returns a source without policy,
// saying why, when listing ConfigMaps is forbidden or none carries the
// configuration: the caller uses the default policy. A configuration that
// does not load is an error, as it is for the scheduler.
func findConfigMap(ctx context.Context, cs kubernetes.Interface, namespace, profile string) (*policySource, error) {
	where := ""
	if namespace != "" {
		where = " in namespace " + namespace
	}
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return cs.CoreV1().ConfigMaps(namespace).List(ctx, opts)
	})
	list, _, err := p.List(ctx, metav1.ListOptions{LabelSelector: ConfigSelector})
	if apierrors.IsForbidden(err) {
		if profile != "" {
			return nil, fmt.Errorf("--profile %s: listing ConfigMaps%s is forbidden, no ha-scheduler configuration to take it from; pass --config", profile, where)
		}
		return &policySource{text: "default policy (listing ConfigMaps" + where + " is forbidden: the ha-scheduler configuration could not be read)"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing ConfigMaps%s (%s): %w", where, ConfigSelector, err)
	}
	var found []*v1.ConfigMap
	err = meta.EachListItem(list, func(obj runtime.Object) error {
		cm, ok := obj.(*v1.ConfigMap)
		if !ok {
			return fmt.Errorf("listing ConfigMaps%s: a %T in the list", where, obj)
		}
		if _, ok := cm.Data[ConfigKey]; ok {
			found = append(found, cm)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		if profile != "" {
			return nil, fmt.Errorf("--profile %s: no ha-scheduler configuration found%s (no ConfigMap labelled %s with %s); pass --config", profile, where, ConfigSelector, ConfigKey)
		}
		return &policySource{text: "default policy (no ha-scheduler configuration found" + where + ")"}, nil
	}
	// kube-system first, then the newest, then by name.
	slices.SortStableFunc(found, func(a, b *v1.ConfigMap) int {
		if ak, bk := a.Namespace == preferredNamespace, b.Namespace == preferredNamespace; ak != bk {
			if ak {
				return -1
			}
			return 1
		}
		if c := b.CreationTimestamp.Compare(a.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	cm := found[0]
	name := cm.Namespace + "/" + cm.Name
	res, err := policysource.Load([]byte(cm.Data[ConfigKey]), profile)
	if err != nil {
		return nil, fmt.Errorf("ConfigMap %s, key %s: %w", name, ConfigKey, err)
	}
	text := fmt.Sprintf("ConfigMap %s, profile %s", name, res.Profile)
	if len(found) > 1 {
		var others []string
		for _, o := range found[1:] {
			others = append(others, o.Namespace+"/"+o.Name)
		}
		text += fmt.Sprintf(" (of %d found, %s preferred, then the newest; not used: %s)", len(found), preferredNamespace, strings.Join(others, ", "))
	}
	return &policySource{args: res.Args, policy: res.Policy, text: text, profile: res.Profile}, nil
}
