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

// Package failuredomainspread implements the FailureDomainSpread plugin: the
// replicas of a group spread over zones first, then physical hosts
// (topology.scs.community/host-id), then nodes. Groups whose spread is
// Required are also filtered, so that two VMs on one hypervisor never hold
// two replicas while another eligible host holds none.
package failuredomainspread

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/klog/v2"
	fwk "k8s.io/kube-scheduler/framework"
	plfeature "k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/roleindex"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/services"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/topology"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Name is the plugin's name in the registry and in configurations.
const Name = config.FailureDomainSpreadName

// FailureDomainSpread spreads the replicas of a group over failure domains.
type FailureDomainSpread struct {
	policy *policy.Policy
	// levels are the failure-domain label keys, widest first.
	levels []string
	// required are the indexes in levels of the levels Filter balances for
	// Required groups (validation guarantees each is one of levels).
	required []int
	// lister is the cycle's snapshot. PreScore needs every node, not only
	// the filtered ones, when PreFilter did not count (Preferred groups).
	lister fwk.SharedLister
	// parallelizer spreads the per-node counting over the scheduler's
	// workers.
	parallelizer fwk.Parallelizer
	// replicas counts each group's replicas per node, fed by the pod
	// informer and Reserve/Unreserve.
	replicas *replicaIndex
	// services group the pods without a controller that a Service selects.
	services *policy.ServiceIndex
	// roles narrows the eligible-domain search of control-plane and infra
	// pods to those nodes.
	roles *roleindex.Index
	// topo holds each node's liveness and domains, read once per node
	// change rather than per node, level and pod.
	topo *topology.Index
	// cordons requeues waiting replicas on a cordon, which the scheduler
	// reports no event for; shared by the profiles.
	cordons *cordonWatch
	// activate requeues pods through the profile's handle.
	activate func(klog.Logger, map[string]*v1.Pod)
	// comparisonOps: tolerations may use Lt/Gt (feature
	// TaintTolerationComparisonOperators), as for TaintToleration.
	comparisonOps bool
	// rebalanceGauge counts the groups that could be spread better.
	rebalanceGauge *rebalanceGauge
}

var (
	_ fwk.PreFilterPlugin     = &FailureDomainSpread{}
	_ fwk.PreFilterExtensions = &FailureDomainSpread{}
	_ fwk.FilterPlugin        = &FailureDomainSpread{}
	_ fwk.PreScorePlugin      = &FailureDomainSpread{}
	_ fwk.ScorePlugin         = &FailureDomainSpread{}
	_ fwk.EnqueueExtensions   = &FailureDomainSpread{}
	_ fwk.SignPlugin          = &FailureDomainSpread{}
	_ fwk.ReservePlugin       = &FailureDomainSpread{}
)

// New returns the plugin's factory. The plugin takes no args: it spreads
// over the levels of its profile's policy, taken from policies.
func New(policies config.Policies) frameworkruntime.PluginFactory {
	return func(ctx context.Context, obj runtime.Object, h fwk.Handle) (fwk.Plugin, error) {
		if err := validation.ValidateNoArgs(obj, field.NewPath(Name, "args")); err != nil {
			return nil, err
		}
		args, p, err := policies.Compile(Name, h.ProfileName())
		if err != nil {
			return nil, err
		}
		pl := &FailureDomainSpread{
			policy:        p,
			levels:        p.Levels,
			required:      p.RequiredIndexes(),
			lister:        h.SnapshotSharedLister(),
			parallelizer:  h.Parallelizer(),
			comparisonOps: plfeature.NewSchedulerFeaturesFromGates(utilfeature.DefaultFeatureGate).EnableTaintTolerationComparisonOperators,
			// The framework gets its queue (PodActivator) after New;
			// h.Activate looks it up when called.
			activate: h.Activate,
		}
		f := h.SharedInformerFactory()
		if f == nil {
			return nil, fmt.Errorf("%s: the framework handle has no informer factory", Name)
		}
		if pl.services, err = services.Shared(ctx, f); err != nil {
			return nil, fmt.Errorf("%s: watching services: %w", Name, err)
		}
		if pl.replicas, err = sharedReplicaIndex(ctx, f, args, p, pl.services); err != nil {
			return nil, fmt.Errorf("%s: watching pods: %w", Name, err)
		}
		if pl.topo, err = topology.Shared(ctx, f, p.Levels); err != nil {
			return nil, fmt.Errorf("%s: watching nodes: %w", Name, err)
		}
		if pl.roles, err = roleindex.Shared(ctx, f); err != nil {
			return nil, fmt.Errorf("%s: watching nodes: %w", Name, err)
		}
		if pl.cordons, err = sharedCordonWatch(ctx, f); err != nil {
			return nil, fmt.Errorf("%s: watching cordons: %w", Name, err)
		}
		// What ha-check rebalance would move, counted for the alert
		// HASchedulerRebalancePossible (docs/metrics.md).
		pl.rebalanceGauge = newRebalanceGauge(f, h.ClientSet(), h.ProfileName(), p, pl.services, pl.comparisonOps)
		go pl.rebalanceGauge.run(ctx, rebalanceGaugeInterval)
		klog.FromContext(ctx).V(2).Info("Spread levels loaded", "plugin", Name, "profile", h.ProfileName(), "levels", p.Levels, "requiredLevels", p.RequiredLevels)
		return pl, nil
	}
}

// Reserve counts the pod on its node in the replica index before it is
// bound, as the snapshot counts assumed pods: the next replica of the group,
// scheduled before the binding lands, must see it.
func (pl *FailureDomainSpread) Reserve(_ context.Context, _ fwk.CycleState, pod *v1.Pod, nodeName string) *fwk.Status {
	pl.replicas.assume(pod, nodeName)
	pl.cordons.done(pod)
	return nil
}

// Unreserve forgets a reserved pod that will not be bound.
func (pl *FailureDomainSpread) Unreserve(_ context.Context, _ fwk.CycleState, pod *v1.Pod, _ string) {
	pl.replicas.forget(pod)
}

// Name returns the plugin's name.
func (pl *FailureDomainSpread) Name() string { return Name }

// SignPod opts spread pods out of opportunistic batching, as upstream
// PodTopologySpread does: the best node for the next replica depends on
// where the previous one went, so two replicas must not share one result.
// Pods the plugin ignores are signable and add nothing to the signature.
func (pl *FailureDomainSpread) SignPod(_ context.Context, pod *v1.Pod) ([]fwk.SignFragment, *fwk.Status) {
	if _, spread := pl.classify(pod); !spread {
		return nil, nil
	}
	return nil, fwk.NewStatus(fwk.Unschedulable, "pods spread by "+Name+" are not signable")
}

// classify returns the pod's class and whether the plugin spreads it at
// all: DaemonSet pods (one per node by construction) and groups with
// spread None are left alone.
func (pl *FailureDomainSpread) classify(pod *v1.Pod) (policy.Class, bool) {
	c := pl.policy.Classify(pod)
	return c, c.Spread != policy.SpreadNone && !policy.IsDaemonSetPod(pod)
}

// until runs work for every piece, in parallel on the scheduler's workers.
func (pl *FailureDomainSpread) until(ctx context.Context, pieces int, work func(int)) {
	pl.parallelizer.Until(ctx, pieces, work, Name)
}
