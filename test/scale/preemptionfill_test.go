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

package scale

import (
	"context"
	"fmt"
	"time"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/kubernetes/pkg/scheduler"
	"k8s.io/kubernetes/test/utils/client-go/ktesting"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// readyTimeout bounds the wait for the scheduler's informers to see the
// fill's statuses.
const readyTimeout = 5 * time.Minute

// readyFill makes the fill what a cluster's running pods and budgets look
// like, since no kubelet and no disruption controller run here: every pod
// Running and Ready (started when it was created), every
// PodDisruptionBudget's status as the disruption controller computes it.
// DisruptionGuard counts only available pods against a group's minimum or
// a budget, and both profiles read the budgets' status. It waits until the
// scheduler's informers have all of it, and returns the fill as the phase
// starts.
func readyFill(tCtx ktesting.TContext, sched *scheduler.Scheduler, nodes []v1.Node) (*clusterState, error) {
	start := time.Now()
	state := &clusterState{nodes: map[string]*v1.Node{}}
	for i := range nodes {
		state.nodes[nodes[i].Name] = &nodes[i]
	}
	pods, err := listPods(tCtx)
	if err != nil {
		return nil, err
	}
	state.pods = make([]*v1.Pod, len(pods))
	errs := make([]error, len(pods))
	workqueue.ParallelizeUntil(tCtx, 16, len(pods), func(i int) {
		pod := &pods[i]
		now := metav1.Now()
		pod.Status.Phase = v1.PodRunning
		pod.Status.StartTime = &pod.CreationTimestamp
		pod.Status.Conditions = []v1.PodCondition{
			{Type: v1.PodScheduled, Status: v1.ConditionTrue, LastTransitionTime: now},
			{Type: v1.PodInitialized, Status: v1.ConditionTrue, LastTransitionTime: now},
			{Type: v1.ContainersReady, Status: v1.ConditionTrue, LastTransitionTime: now},
			{Type: v1.PodReady, Status: v1.ConditionTrue, LastTransitionTime: now},
		}
		state.pods[i], errs[i] = tCtx.Client().CoreV1().Pods(pod.Namespace).UpdateStatus(tCtx, pod, metav1.UpdateOptions{})
		if errs[i] != nil {
			errs[i] = fmt.Errorf("marking pod %s/%s Ready: %w", pod.Namespace, pod.Name, errs[i])
		}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for _, pod := range state.pods {
		pod.ManagedFields = nil // only the check reads these copies
	}

	for _, ns := range fillNamespaces {
		list, err := tCtx.Client().PolicyV1().PodDisruptionBudgets(ns).List(tCtx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing the PodDisruptionBudgets of %s: %w", ns, err)
		}
		for i := range list.Items {
			pdb, err := writeBudgetStatus(tCtx, &list.Items[i], state)
			if err != nil {
				return nil, err
			}
			state.pdbs = append(state.pdbs, pdb)
		}
	}

	f, err := informerFactory(sched)
	if err != nil {
		return nil, err
	}
	if err := waitForInformers(tCtx, f, state); err != nil {
		return nil, err
	}
	tCtx.Logf("preemption: %d fill pods Ready, %d PodDisruptionBudgets with their status, in %.1f s", len(state.pods), len(state.pdbs), time.Since(start).Seconds())
	return state, nil
}

// writeBudgetStatus writes the status the disruption controller would
// compute from the pods the budget covers (all of them expected, as for
// pods of a controller with that many replicas).
func writeBudgetStatus(tCtx ktesting.TContext, pdb *policyv1.PodDisruptionBudget, state *clusterState) (*policyv1.PodDisruptionBudget, error) {
	sel, err := policy.PDBSelector(pdb)
	if err != nil {
		return nil, fmt.Errorf("PodDisruptionBudget %s/%s: spec.selector: %w", pdb.Namespace, pdb.Name, err)
	}
	expected, healthy := 0, 0
	for _, pod := range state.pods {
		if pod.Namespace == pdb.Namespace && sel.Matches(labels.Set(pod.Labels)) {
			expected++
			if state.available(pod) {
				healthy++
			}
		}
	}
	desired, err := desiredHealthy(pdb, expected)
	if err != nil {
		return nil, err
	}
	pdb.Status = policyv1.PodDisruptionBudgetStatus{
		ObservedGeneration: pdb.Generation,
		DisruptionsAllowed: int32(max(healthy-desired, 0)),
		CurrentHealthy:     int32(healthy),
		DesiredHealthy:     int32(desired),
		ExpectedPods:       int32(expected),
	}
	updated, err := tCtx.Client().PolicyV1().PodDisruptionBudgets(pdb.Namespace).UpdateStatus(tCtx, pdb, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("writing the status of PodDisruptionBudget %s/%s: %w", pdb.Namespace, pdb.Name, err)
	}
	return updated, nil
}

// informerFactory is the scheduler's informer factory (every profile of
// one scheduler shares it).
func informerFactory(sched *scheduler.Scheduler) (informers.SharedInformerFactory, error) {
	for _, fw := range sched.Profiles {
		if f := fw.SharedInformerFactory(); f != nil {
			return f, nil
		}
	}
	return nil, fmt.Errorf("the scheduler has no profile with an informer factory")
}

// waitForInformers waits until the scheduler's pod and
// PodDisruptionBudget informers hold the state's objects at their
// versions or later: the first preemption must see the fill Ready and the
// budgets computed. Both informers run already (both profiles' preemption
// plugins read PodDisruptionBudgets).
func waitForInformers(tCtx ktesting.TContext, f informers.SharedInformerFactory, state *clusterState) error {
	pods, pdbs := f.Core().V1().Pods().Lister(), f.Policy().V1().PodDisruptionBudgets().Lister()
	err := wait.PollUntilContextTimeout(tCtx, 200*time.Millisecond, readyTimeout, true, func(context.Context) (bool, error) {
		for _, want := range state.pods {
			got, err := pods.Pods(want.Namespace).Get(want.Name)
			if err != nil || !policy.IsAvailable(got) {
				return false, nil
			}
		}
		for _, want := range state.pdbs {
			got, err := pdbs.PodDisruptionBudgets(want.Namespace).Get(want.Name)
			if err != nil || got.Status.ObservedGeneration != want.Generation {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the scheduler's informers to see the fill Ready and the budgets' status: %w", err)
	}
	return nil
}

// listPods lists the pods of the fill's namespaces.
func listPods(tCtx ktesting.TContext) ([]v1.Pod, error) {
	var out []v1.Pod
	for _, ns := range fillNamespaces {
		list, err := tCtx.Client().CoreV1().Pods(ns).List(tCtx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing the pods of %s: %w", ns, err)
		}
		out = append(out, list.Items...)
	}
	return out, nil
}
