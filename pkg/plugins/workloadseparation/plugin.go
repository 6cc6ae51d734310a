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

// Package workloadseparation implements the WorkloadSeparation plugin:
// control-plane and infra nodes run only the components meant for them, and
// user workloads never land there, whatever tolerations they carry.
package workloadseparation

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/roleindex"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/topology"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Name is the plugin's name in the registry and in configurations.
const Name = config.WorkloadSeparationName

// WorkloadSeparation keeps pods on the node roles the policy allows them.
type WorkloadSeparation struct {
	policy *policy.Policy
	// roles indexes control-plane and infra nodes by name, so that PreFilter
	// of a control-plane pod costs the number of masters, not of nodes.
	roles *roleindex.Index
	// topo holds each node's role, read once per node change rather than
	// from its labels per node and pod.
	topo *topology.Index
}

var (
	_ fwk.PreFilterPlugin   = &WorkloadSeparation{}
	_ fwk.FilterPlugin      = &WorkloadSeparation{}
	_ fwk.EnqueueExtensions = &WorkloadSeparation{}
	_ fwk.SignPlugin        = &WorkloadSeparation{}
)

// New returns the plugin's factory. The plugin takes no args: it enforces
// its profile's policy, taken from policies.
func New(policies config.Policies) frameworkruntime.PluginFactory {
	return func(ctx context.Context, obj runtime.Object, h fwk.Handle) (fwk.Plugin, error) {
		if err := validation.ValidateNoArgs(obj, field.NewPath(Name, "args")); err != nil {
			return nil, err
		}
		args, p, err := policies.Compile(Name, h.ProfileName())
		if err != nil {
			return nil, err
		}
		roles, err := roleindex.Shared(ctx, h.SharedInformerFactory())
		if err != nil {
			return nil, fmt.Errorf("%s: watching nodes: %w", Name, err)
		}
		topo, err := topology.Shared(ctx, h.SharedInformerFactory(), p.Levels)
		if err != nil {
			return nil, fmt.Errorf("%s: watching nodes: %w", Name, err)
		}
		klog.FromContext(ctx).V(2).Info("Policy loaded", "plugin", Name, "profile", h.ProfileName(), "trustedNamespaces", args.TrustedNamespaces, "components", len(p.Components))
		return &WorkloadSeparation{policy: p, roles: roles, topo: topo}, nil
	}
}

// Name returns the plugin's name.
func (pl *WorkloadSeparation) Name() string { return Name }

// SignPod lets the scheduler batch pods of the same class: the plugin's
// verdicts depend only on the class and the node's labels.
func (pl *WorkloadSeparation) SignPod(_ context.Context, pod *v1.Pod) ([]fwk.SignFragment, *fwk.Status) {
	c := pl.policy.Classify(pod)
	return []fwk.SignFragment{{
		Key:   "ha-scheduler.WorkloadSeparation(v1.Pod.Namespace,v1.Pod.Labels,v1.Pod.OwnerReferences)",
		Value: fmt.Sprintf("%s|%s|%d|%t", pod.Namespace, c.Component, c.Roles, policy.IsDaemonSetPod(pod)),
	}}, nil
}
