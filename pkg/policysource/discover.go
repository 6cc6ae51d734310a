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
	"fmt"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/pager"
)

// The ConfigMap the manifests and the chart install holds the scheduler
// configuration under ConfigKey; ConfigSelector finds it (the
// kustomization's configMapGenerator and the chart set both labels).
const (
	ConfigSelector = "app.kubernetes.io/part-of=ha-scheduler,app.kubernetes.io/component=scheduler-config"
	ConfigKey      = "config.yaml"
	// AdminNamespace is the only namespace searched without an explicit
	// one: where the manifests install the scheduler, and where only
	// cluster administrators write.
	AdminNamespace = "kube-system"
)

// Found is the outcome of Discover: the configuration's policy, when one
// was read, and where it came from, in words.
type Found struct {
	// Result is the policy of the profile read; nil when no configuration
	// was read (Source says why).
	*Result
	// Source says where the policy was read, or why none was:
	// "ConfigMap kube-system/ha-scheduler-config, profile ha-scheduler".
	Source string
}

// Discover reads the ha-scheduler configuration from the cluster: the
// labelled ConfigMap of namespace, or, when namespace is "", of
// AdminNamespace only. A policy decides what may run on the control plane
// and what ha-check's plans ask administrators to apply, so it is read only
// from where a cluster administrator wrote it: anyone who may create a
// ConfigMap in their own namespace could write one with the same labels
// (trusting their namespace, or asking for budgets that block every drain),
// and no label tells an administrator's from a tenant's. Labelled
// ConfigMaps elsewhere are named in Source as not used, with the flag that
// reads one. Several in the namespace: the newest, then by name.
//
// It returns a Found without Result, saying why, when listing ConfigMaps is
// forbidden or none carries the configuration (the caller uses the default
// policy); with a profile asked for, those are errors. A configuration that
// does not load is an error, as it is for the scheduler.
func Discover(ctx context.Context, cs kubernetes.Interface, namespace, profile string) (*Found, error) {
	explicit := namespace != ""
	if !explicit {
		namespace = AdminNamespace
	}
	where := " in namespace " + namespace
	found, err := listConfigs(ctx, cs, namespace)
	if apierrors.IsForbidden(err) {
		if profile != "" {
			return nil, fmt.Errorf("--profile %s: listing ConfigMaps%s is forbidden, no ha-scheduler configuration to take it from; pass --config", profile, where)
		}
		return &Found{Source: "default policy (listing ConfigMaps" + where + " is forbidden: the ha-scheduler configuration could not be read)"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing ConfigMaps%s (%s): %w", where, ConfigSelector, err)
	}
	var elsewhere string
	if !explicit {
		elsewhere = ignoredElsewhere(ctx, cs)
	}
	if len(found) == 0 {
		if profile != "" {
			return nil, fmt.Errorf("--profile %s: no ha-scheduler configuration found%s (no ConfigMap labelled %s with %s)%s; pass --config or --namespace", profile, where, ConfigSelector, ConfigKey, elsewhere)
		}
		return &Found{Source: "default policy (no ha-scheduler configuration found" + where + elsewhere + ")"}, nil
	}
	// The newest, then by name.
	slices.SortStableFunc(found, func(a, b *v1.ConfigMap) int {
		if c := b.CreationTimestamp.Compare(a.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	cm := found[0]
	name := cm.Namespace + "/" + cm.Name
	res, err := Load([]byte(cm.Data[ConfigKey]), profile)
	if err != nil {
		return nil, fmt.Errorf("ConfigMap %s, key %s: %w", name, ConfigKey, err)
	}
	source := fmt.Sprintf("ConfigMap %s, profile %s", name, res.Profile)
	if len(found) > 1 {
		var others []string
		for _, o := range found[1:] {
			others = append(others, o.Namespace+"/"+o.Name)
		}
		source += fmt.Sprintf(" (of %d found%s, the newest; not used: %s)", len(found), where, strings.Join(others, ", "))
	}
	if elsewhere != "" {
		source += " (" + strings.TrimPrefix(elsewhere, "; ") + ")"
	}
	return &Found{Result: res, Source: source}, nil
}

// listConfigs lists the labelled ConfigMaps of a namespace ("" for all)
// that hold the configuration.
func listConfigs(ctx context.Context, cs kubernetes.Interface, namespace string) ([]*v1.ConfigMap, error) {
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return cs.CoreV1().ConfigMaps(namespace).List(ctx, opts)
	})
	list, _, err := p.List(ctx, metav1.ListOptions{LabelSelector: ConfigSelector})
	if err != nil {
		return nil, err
	}
	var found []*v1.ConfigMap
	err = meta.EachListItem(list, func(obj runtime.Object) error {
		cm, ok := obj.(*v1.ConfigMap)
		if !ok {
			return fmt.Errorf("a %T in the list of ConfigMaps", obj)
		}
		if _, ok := cm.Data[ConfigKey]; ok {
			found = append(found, cm)
		}
		return nil
	})
	return found, err
}

// ignoredElsewhere names the labelled ConfigMaps outside AdminNamespace,
// which are not read without --namespace: "; not used: shop/x (outside
// kube-system, read only with --namespace)". Empty when there are none or
// they cannot be listed: it only informs.
func ignoredElsewhere(ctx context.Context, cs kubernetes.Interface) string {
	all, err := listConfigs(ctx, cs, metav1.NamespaceAll)
	if err != nil {
		return ""
	}
	var names []string
	for _, cm := range all {
		if cm.Namespace != AdminNamespace {
			names = append(names, cm.Namespace+"/"+cm.Name)
		}
	}
	if len(names) == 0 {
		return ""
	}
	slices.Sort(names)
	return fmt.Sprintf("; not used: %s (outside %s, read only with --namespace: a ConfigMap elsewhere may be a tenant's)", strings.Join(names, ", "), AdminNamespace)
}
