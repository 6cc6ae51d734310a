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

package integration

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// /metrics of the running binary (shipped secondary configuration): the
// upstream scheduler metrics are there, and DisruptionGuard's counter of
// refused victims counts a refusal (a user pod that would need to preempt
// a kube-system pod, rule 3).
func TestShipMetricsEndpoint(t *testing.T) {
	if _, ok := plugins.Registry(nil)[disruptionguard.Name]; !ok {
		t.Fatalf("%s is not in the plugin registry", disruptionguard.Name)
	}
	s := shipStartSecondary(t, shipWorker("worker-1", "zone-a", "host-1", "1"))

	cluster.CreatePod(t, shipPod("default", "web-0", haScheduler, "100m", map[string]string{"app": "web"}))
	cluster.WaitScheduled(t, "default", "web-0")
	// The scheduler records the attempt after the binding the test already
	// sees (and some metrics through an asynchronous recorder): poll.
	var body string
	var attempts float64
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, harness.Timeout, true, func(context.Context) (bool, error) {
		code, b, err := s.Get("/metrics")
		if err != nil || code != 200 {
			return false, nil
		}
		body = b
		var ok bool
		attempts, ok = shipMetric(body, "scheduler_schedule_attempts_total", map[string]string{"profile": haScheduler, "result": "scheduled"})
		return ok && attempts >= 1 && strings.Contains(body, "scheduler_scheduling_attempt_duration_seconds_count"), nil
	})
	if err != nil {
		t.Errorf("scheduler_schedule_attempts_total{profile=%q,result=\"scheduled\"} = %v, want >= 1 with scheduler_scheduling_attempt_duration_seconds recorded", haScheduler, attempts)
	}
	if !strings.Contains(body, "scheduler_pending_pods") {
		t.Errorf("/metrics lacks scheduler_pending_pods")
	}

	// A kube-system pod (any role) fills the worker; a higher-priority user
	// pod cannot preempt it: DisruptionGuard refuses the victim.
	shipPriorityClass(t, "ship-metrics-high", 1000)
	cluster.CreatePod(t, shipPod("kube-system", "addon-0", haScheduler, "800m", map[string]string{"app": "some-addon"}))
	cluster.WaitScheduled(t, "kube-system", "addon-0")
	pre := shipPod("default", "preemptor", haScheduler, "800m", map[string]string{"app": "preemptor"})
	pre.Spec.PriorityClassName = "ship-metrics-high"
	cluster.CreatePod(t, pre)
	msg := cluster.WaitUnschedulable(t, "default", "preemptor")
	t.Logf("preemptor: %s", msg)

	var refused float64
	err = wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, harness.Timeout, true, func(context.Context) (bool, error) {
		_, body, err = s.Get("/metrics")
		if err != nil {
			return false, nil
		}
		var ok bool
		refused, ok = shipMetric(body, disruptionguard.MetricRefusedVictims, map[string]string{"profile": haScheduler, "rule": disruptionguard.RuleTrusted})
		return ok && refused >= 1, nil
	})
	if err != nil {
		t.Errorf("%s{profile=%q,rule=%q} = %v, want >= 1; the DisruptionGuard lines of /metrics:\n%s", disruptionguard.MetricRefusedVictims,
			haScheduler, disruptionguard.RuleTrusted, refused, shipGrep(body, "disruptionguard"))
	}
	if v, ok := shipMetric(body, "scheduler_preemption_attempts_total", nil); !ok || v < 1 {
		t.Errorf("scheduler_preemption_attempts_total = %v (present %v), want >= 1", v, ok)
	}
}

func shipGrep(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
