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

// Package disruptionguard implements the DisruptionGuard PostFilter plugin:
// upstream DefaultPreemption's candidate search, with victim sets that never
// take the last available replicas of a disruption-controlled component,
// never break a PodDisruptionBudget (Strict mode) and never let a user
// workload preempt a pod of a trusted namespace.
//
// The upstream plugin is reused, not forked: DisruptionGuard wraps a
// *defaultpreemption.DefaultPreemption, sets its IsEligiblePod hook and runs
// upstream's preemption.Evaluator with its own preemption.Interface, whose
// SelectVictimsOnNode delegates to upstream and checks the resulting set.
package disruptionguard

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/klog/v2"
	extenderv1 "k8s.io/kube-scheduler/extender/v1"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultpreemption"
	plfeature "k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/kubernetes/pkg/scheduler/framework/preemption"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	schedmetrics "k8s.io/kubernetes/pkg/scheduler/metrics"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/services"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Name is the plugin's name in the registry and in configurations.
const Name = config.DisruptionGuardName

// DisruptionGuard is the preemption plugin. It replaces DefaultPreemption in
// a profile (start-up validation rejects both together).
type DisruptionGuard struct {
	handle fwk.Handle
	policy *policy.Policy
	mode   config.DisruptionGuardMode

	// upstream does the candidate search, the per-node victim selection and
	// owns the Executor (async preemption, PreEnqueue gate).
	upstream *defaultpreemption.DefaultPreemption
	// evaluator is upstream's Evaluator driven by this plugin's
	// preemption.Interface and sharing upstream's Executor, so the
	// preemptions it starts are the ones upstream's PreEnqueue waits for.
	evaluator *preemption.Evaluator
	// budgets finds the members of the victims' groups and the pods
	// their PodDisruptionBudgets cover; controllers their owners' desired
	// replicas.
	controllers *owners
	budgets     *budgetIndex
	services    *policy.ServiceIndex
	inFlight    *inFlight
}

var (
	_ fwk.PostFilterPlugin  = &DisruptionGuard{}
	_ fwk.PreEnqueuePlugin  = &DisruptionGuard{}
	_ fwk.EnqueueExtensions = &DisruptionGuard{}
	_ preemption.Interface  = &DisruptionGuard{}
)

// New returns the plugin's factory. Its args are the preemption settings
// (nil: defaults); the policy is its profile's, taken from policies. The
// handle must provide an informer factory: preemption lists pods and PDBs.
func New(policies config.Policies) frameworkruntime.PluginFactory {
	return func(ctx context.Context, obj runtime.Object, h fwk.Handle) (fwk.Plugin, error) {
		// The same feature snapshot upstream's in-tree registry gives
		// DefaultPreemption (async preemption, generic workloads).
		return newWithFeatures(ctx, policies, obj, h, plfeature.NewSchedulerFeaturesFromGates(utilfeature.DefaultFeatureGate))
	}
}

func newWithFeatures(ctx context.Context, policies config.Policies, obj runtime.Object, h fwk.Handle, fts plfeature.Features) (*DisruptionGuard, error) {
	args, err := validation.LoadDisruptionGuardArgs(obj, field.NewPath(Name, "args"))
	if err != nil {
		return nil, err
	}
	pa, p, err := policies.Compile(Name, h.ProfileName())
	if err != nil {
		return nil, err
	}
	if h.SharedInformerFactory() == nil {
		return nil, fmt.Errorf("%s: the framework handle has no informer factory", Name)
	}
	up, err := defaultpreemption.New(ctx, &schedconfig.DefaultPreemptionArgs{
		MinCandidateNodesPercentage: *args.MinCandidateNodesPercentage,
		MinCandidateNodesAbsolute:   *args.MinCandidateNodesAbsolute,
	}, h, fts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	pl := &DisruptionGuard{
		handle:   h,
		policy:   p,
		mode:     args.Mode,
		upstream: up,
	}
	// Rule 3 and static pods are properties of one victim: the hook keeps
	// them out of upstream's candidate victims and out of its "terminating
	// victim on the nominated node" check (PodEligibleToPreemptOthers).
	up.IsEligiblePod = pl.isEligibleVictim
	// A new Evaluator rather than swapping upstream's Interface: it carries
	// our name into events and logs, and upstream's own Evaluator stays
	// untouched. The Executor is upstream's, shared.
	pl.evaluator = preemption.NewEvaluator(Name, h, pl, up.Executor)

	if pl.controllers, err = sharedOwners(ctx, h.SharedInformerFactory(), h.ClientSet(), ownerScope(p)); err != nil {
		return nil, fmt.Errorf("%s: watching ReplicaSets and StatefulSets: %w", Name, err)
	}
	if pl.services, err = services.Shared(ctx, h.SharedInformerFactory()); err != nil {
		return nil, fmt.Errorf("%s: watching services: %w", Name, err)
	}
	if pl.budgets, err = sharedBudgetIndex(ctx, h.SharedInformerFactory(), pa, p, pl.services); err != nil {
		return nil, fmt.Errorf("%s: watching pods and PodDisruptionBudgets: %w", Name, err)
	}
	if pl.inFlight, err = sharedInFlight(ctx, h.SharedInformerFactory()); err != nil {
		return nil, fmt.Errorf("%s: watching pods: %w", Name, err)
	}
	registerMetricsFor(h.ProfileName())
	klog.FromContext(ctx).V(2).Info("Preemption guard configured", "plugin", Name, "profile", h.ProfileName(), "mode", args.Mode,
		"trustedNamespaces", pa.TrustedNamespaces, "asyncPreemption", fts.EnableAsyncPreemption)
	return pl, nil
}

// Name returns the plugin's name.
func (pl *DisruptionGuard) Name() string { return Name }

// lookups are what the policy reads beside a pod, from the informers and
// the cycle's snapshot.
func (pl *DisruptionGuard) lookups() policy.Lookups {
	infos := pl.handle.SnapshotSharedLister().NodeInfos()
	return policy.Lookups{
		Controllers: pl.controllers,
		Services:    pl.services,
		Node: func(name string) *v1.Node {
			if ni, err := infos.Get(name); err == nil {
				return ni.Node()
			}
			return nil
		},
	}
}

// PreEnqueue keeps DefaultPreemption's gate: a preemptor waits in the
// unschedulable pool while its victims are being deleted asynchronously.
func (pl *DisruptionGuard) PreEnqueue(ctx context.Context, p *v1.Pod) *fwk.Status {
	return pl.upstream.PreEnqueue(ctx, p)
}

// EventsToRegister returns upstream's events: the gate above lifts on pod
// deletions.
func (pl *DisruptionGuard) EventsToRegister(ctx context.Context) ([]fwk.ClusterEventWithHint, error) {
	return pl.upstream.EventsToRegister(ctx)
}

// PostFilter runs upstream's preemption with the guarded victim selection.
func (pl *DisruptionGuard) PostFilter(ctx context.Context, state fwk.CycleState, pod *v1.Pod, m fwk.NodeToStatusReader) (*fwk.PostFilterResult, *fwk.Status) {
	// The upstream counter keeps existing dashboards working: this plugin
	// replaces DefaultPreemption.
	defer schedmetrics.PreemptionAttempts.Inc()
	logger := klog.FromContext(ctx)

	// The budgets are computed once per attempt (lazily, on the first node
	// evaluated) and shared by the parallel per-node dry runs through the
	// cycle state, whose Clone keeps the same pointer.
	gs := pl.newGuardState(pod)
	state.Write(stateKey, gs)
	defer state.Delete(stateKey)

	result, status := pl.evaluator.Preempt(ctx, state, pod, m)

	counts := gs.countRefusals()
	recordRefusals(pl.handle.ProfileName(), counts)
	if len(counts) > 0 {
		logger.V(4).Info("Preemption victims refused", "pod", klog.KObj(pod), "refusedByRule", counts)
	}
	if status.IsSuccess() && result != nil && result.NominatingInfo != nil && result.NominatedNodeName != "" {
		// Record before returning: the executor deletes the victims in a
		// goroutine, and the next cycle must already count them as lost.
		victims := gs.chosenOn(result.NominatedNodeName)
		pl.inFlight.add(victims)
		logger.V(4).Info("Victims recorded as in flight", "pod", klog.KObj(pod), "node", result.NominatedNodeName, "victims", klog.KObjSlice(victims))
	}
	if msg := status.Message(); msg != "" {
		return result, fwk.NewStatus(status.Code(), "preemption: "+msg)
	}
	return result, status
}

// isEligibleVictim is upstream's IsEligiblePod hook: static pods are never
// victims, and rule 3 keeps components (and pods of trusted namespaces) from
// the preemptors that may not take them. A PodGroup victim is eligible only
// if all its pods are.
func (pl *DisruptionGuard) isEligibleVictim(nodeInfo fwk.NodeInfo, victim preemption.Victim, preemptor *v1.Pod) bool {
	var preemptorClass *policy.Class // classified when a pod needs it
	for _, pi := range victim.Pods() {
		if !pl.mayBeStatic(pi.GetPod()) {
			continue
		}
		if preemptorClass == nil {
			c := pl.policy.Classify(preemptor)
			preemptorClass = &c
		}
		if len(pl.staticProtections(pi.GetPod(), nodeInfo.Node(), *preemptorClass)) > 0 {
			return false
		}
	}
	return true
}

// mayBeStatic reports whether the victim may have static protections: it
// is in a trusted namespace or claims to be a mirror pod. Anyone may take
// any other pod: the common case spares the classifications.
func (pl *DisruptionGuard) mayBeStatic(victim *v1.Pod) bool {
	return pl.policy.IsTrustedNamespace(victim.Namespace) || victim.Annotations[policy.MirrorPodAnnotation] != ""
}

// staticProtections are the protections of a victim that depend on neither
// the cluster state nor the rest of the victim set (policy.PreemptibleBy and
// Protects, the rule the checker explains with too):
//   - mirror (static) pods: the kubelet owns them (told by their Node's
//     UID: node is the node the victim is bound to);
//   - rule 3, as SPEC §4 states it: a pod that is not a component never
//     preempts one that is, whatever its namespace (a plain pod in a
//     namespace trusted for its DaemonSets must not take kube-dns);
//   - and a pod of an untrusted namespace never preempts any pod of a
//     trusted one: only administrators create pods there (the CNI's and
//     the log agent's DaemonSet pods), and a user must not be able to
//     evict them by setting a priority.
//
// preemptorClass is the preemptor's policy.Class.
func (pl *DisruptionGuard) staticProtections(victim *v1.Pod, node *v1.Node, preemptorClass policy.Class) []refusal {
	if !pl.mayBeStatic(victim) {
		return nil
	}
	vc := pl.policy.Classify(victim)
	switch pl.policy.PreemptibleBy(victim, vc, node).Protects(preemptorClass) {
	case policy.ProtectedStatic:
		return []refusal{{pod: victim.UID, rule: RuleMirror, reason: ReasonMirror}}
	case policy.ProtectedTrustedNamespace:
		return []refusal{{pod: victim.UID, rule: RuleTrusted, reason: reasonTrusted(victim.Namespace)}}
	case policy.ProtectedComponent:
		return []refusal{{pod: victim.UID, rule: RuleTrusted, reason: reasonComponent(victim.Namespace + "/" + vc.Component)}}
	}
	return nil
}

// The rest of preemption.Interface is upstream's.

// GetOffsetAndNumCandidates delegates to upstream (minCandidateNodes*).
func (pl *DisruptionGuard) GetOffsetAndNumCandidates(nodes int32) (int32, int32) {
	return pl.upstream.GetOffsetAndNumCandidates(nodes)
}

// CandidatesToVictimsMap delegates to upstream.
func (pl *DisruptionGuard) CandidatesToVictimsMap(candidates []preemption.Candidate) map[string]*extenderv1.Victims {
	return pl.upstream.CandidatesToVictimsMap(candidates)
}

// PodEligibleToPreemptOthers delegates to upstream (preemptionPolicy Never,
// victims still terminating on the nominated node).
func (pl *DisruptionGuard) PodEligibleToPreemptOthers(ctx context.Context, pod *v1.Pod, nominatedNodeStatus *fwk.Status) (bool, string) {
	return pl.upstream.PodEligibleToPreemptOthers(ctx, pod, nominatedNodeStatus)
}

// OrderedScoreFuncs delegates to upstream (nil: the default ordering, fewest
// PDB violations first).
func (pl *DisruptionGuard) OrderedScoreFuncs(ctx context.Context, nodesToVictims map[string]*extenderv1.Victims) []func(node string) int64 {
	return pl.upstream.OrderedScoreFuncs(ctx, nodesToVictims)
}
