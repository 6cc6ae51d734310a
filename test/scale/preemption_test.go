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
	"fmt"
	"sync"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/component-base/metrics/testutil"
	"k8s.io/kubernetes/pkg/scheduler"
	schedmetrics "k8s.io/kubernetes/pkg/scheduler/metrics"
	"k8s.io/kubernetes/test/utils/client-go/ktesting"

	"github.com/ha-scheduler/ha-scheduler/pkg/app"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
)

// The preemption workload's pods (config/performance-config.yaml): the
// fill lives in both namespaces, the preemptors in the user namespace with
// this label (config/templates/pod-preemptor.yaml).
var (
	fillNamespaces  = []string{userNamespace, cpNamespace}
	preemptorLabels = labels.Set{"app": "preemptor"}
)

// preemptionStates are the running preemption workloads, by test name.
var preemptionStates sync.Map // test name -> *preemptionState

type preemptionState struct {
	seen   int // boundaries passed
	before *clusterState
	// victimsBefore is scheduler_preemption_victims before the phase: a
	// plain histogram, which legacyregistry.Reset does not reset (only
	// vectors and counters are resettable), so it holds every earlier
	// test case's preemptions too.
	victimsBefore victimHistogram
}

// victimHistogram is scheduler_preemption_victims: its samples (one per
// preemption that chose victims) and their sum (the victims).
type victimHistogram struct{ preemptions, victims int }

func gatherVictims() (victimHistogram, error) {
	vec, err := testutil.GetHistogramVecFromGatherer(legacyregistry.DefaultGatherer, "scheduler_preemption_victims", nil)
	if err != nil {
		return victimHistogram{}, fmt.Errorf("scheduler_preemption_victims: %w", err)
	}
	var h victimHistogram
	for _, m := range vec {
		h.preemptions += int(m.GetSampleCount())
		h.victims += int(m.GetSampleSum())
	}
	return h, nil
}

// preemptionBoundary runs at a phase boundary marker of a preemption test
// case, before phaseBoundary (which resets the scheduler's metrics). At the
// first, before the phase, it readies the fill (readyFill) and records it;
// at the second, after the phase, it measures the phase and checks its
// victims (measurePreemption).
func preemptionBoundary(tCtx ktesting.TContext, sched *scheduler.Scheduler, name string, bn benchName, nodes []v1.Node) {
	v, loaded := preemptionStates.LoadOrStore(name, &preemptionState{})
	s := v.(*preemptionState)
	if !loaded {
		tCtx.Cleanup(func() { preemptionStates.Delete(name) })
	}
	defer func() { s.seen++ }()
	switch s.seen {
	case 0:
		before, err := readyFill(tCtx, sched, nodes)
		if err != nil {
			tCtx.Errorf("preemption: readying the fill: %v", err)
			return
		}
		if s.victimsBefore, err = gatherVictims(); err != nil {
			tCtx.Errorf("preemption: %v", err)
			return
		}
		s.before = before
	case 1:
		if s.before == nil {
			return // the first boundary failed and said so
		}
		if err := measurePreemption(tCtx, bn, s.before, s.victimsBefore); err != nil {
			tCtx.Errorf("preemption: %v", err)
		}
	default:
		tCtx.Errorf("preemption: phase boundary %d: the workload has one measured phase", s.seen+1)
	}
}

// measurePreemption measures the preemption phase that just ended: the
// preemptors bound and pending, the scheduler's preemption attempts and
// victims (read before phaseBoundary resets the metrics), the pods gone
// since the phase began and the guarantees they broke (checkVictims,
// judged by the ha profile's policy whatever the profile). It writes
// preemption_<profile>_<workload>.json. For a profile that promises the
// guarantees (guaranteed) a broken one fails the benchmark; the default
// profile's are counted, as what DisruptionGuard prevents.
func measurePreemption(tCtx ktesting.TContext, bn benchName, before *clusterState, victimsBefore victimHistogram) error {
	r := result.Preemption{Profile: bn.profile, TestCase: bn.testCase, Workload: bn.workload}
	// A counter: phaseBoundary reset it at the boundary before the phase.
	attempts, err := testutil.GetCounterMetricValue(schedmetrics.PreemptionAttempts)
	if err != nil {
		return fmt.Errorf("scheduler_preemption_attempts_total: %w", err)
	}
	victims, err := gatherVictims()
	if err != nil {
		return err
	}
	r.Attempts = int(attempts)
	r.Preemptions, r.VictimsChosen = victims.preemptions-victimsBefore.preemptions, victims.victims-victimsBefore.victims
	// Only a profile with DisruptionGuard has the series, and only those
	// of rules that refused a victim since the last reset.
	if refused, err := testutil.GetCounterValuesFromGatherer(legacyregistry.DefaultGatherer, disruptionguard.MetricRefusedVictims,
		map[string]string{"profile": haProfileName}, "rule"); err == nil {
		r.RefusedVictims = map[string]int{}
		for rule, n := range refused {
			if n > 0 {
				r.RefusedVictims[rule] = int(n)
			}
		}
	}

	pods, err := listPods(tCtx)
	if err != nil {
		return err
	}
	survivors := map[types.UID]bool{}
	isPreemptor := preemptorLabels.AsSelector()
	var preemptor *v1.Pod
	var first, last metav1.Time
	for i := range pods {
		pod := &pods[i]
		if pod.DeletionTimestamp == nil {
			survivors[pod.UID] = true
		}
		if pod.Namespace != userNamespace || !isPreemptor.Matches(labels.Set(pod.Labels)) {
			continue
		}
		preemptor = pod
		r.Preemptors++
		if first.IsZero() || pod.CreationTimestamp.Before(&first) {
			first = pod.CreationTimestamp
		}
		if pod.Spec.NodeName == "" {
			r.Pending++
			continue
		}
		r.Scheduled++
		for _, c := range pod.Status.Conditions {
			// Set True by the binding.
			if c.Type == v1.PodScheduled && c.Status == v1.ConditionTrue && last.Before(&c.LastTransitionTime) {
				last = c.LastTransitionTime
			}
		}
	}
	if preemptor == nil {
		return fmt.Errorf("no preemptor (%s in namespace %s) found", preemptorLabels, userNamespace)
	}
	r.Seconds = max(int(last.Sub(first.Time).Seconds()), 1)

	p, err := haPolicy()
	if err != nil {
		return err
	}
	taken, violations, err := checkVictims(p, before, survivors, preemptor)
	if err != nil {
		return err
	}
	r.Victims = len(taken)
	examples := map[string]int{}
	for _, v := range violations {
		if r.ViolationsByRule == nil {
			r.ViolationsByRule = map[string]int{}
		}
		r.ViolationsByRule[v.rule] += v.count
		r.Violations += v.count
		if examples[v.rule]++; examples[v.rule] <= examplesPerRule {
			r.Examples = append(r.Examples, v.String())
		}
	}
	tCtx.Logf("preemption: %+v", r)
	if guaranteed(bn.profile) {
		for _, v := range violations {
			tCtx.Errorf("preemption: a victim broke a guarantee: %s", v)
		}
	}
	if err := writeResult(fmt.Sprintf("preemption_%s_%s.json", bn.profile, bn.workload), r); err != nil {
		return fmt.Errorf("writing the result: %w", err)
	}
	return nil
}

// examplesPerRule is how many violations of each rule the result spells
// out.
const examplesPerRule = 5

// haPolicy is the policy of the ha profile (config/scheduler-ha.yaml),
// which the guarantees are judged by in every profile.
var haPolicy = sync.OnceValues(func() (*policy.Policy, error) {
	policies, err := app.LoadPolicies(haSchedulerConfig)
	if err != nil {
		return nil, err
	}
	_, p, err := policies.Compile("scale", haProfileName)
	return p, err
})

// haProfileName is the profile of config/scheduler-ha.yaml.
const haProfileName = "default-scheduler"
