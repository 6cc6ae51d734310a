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
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The shipped profile turns PodTopologySpread's system-default constraints
// off (FailureDomainSpread spreads every group), not the plugin: a
// constraint the pod writes itself still holds. Rack a holds two tier=db
// pods and almost no load, rack b none and most of it; the pod's
// DoNotSchedule constraint over racks allows only rack b, where nothing but
// the constraint sends it (the resource scores prefer rack a, and the pod
// is the first of its group, so FailureDomainSpread has no preference).
func TestShipProfileKeepsPodsOwnSpreadConstraints(t *testing.T) {
	const rack = "example.com/rack"
	node := func(name, zone, r string) harness.NodeSpec {
		n := shipWorker(name, zone, "host-"+name, "8")
		n.Labels[rack] = r
		return n
	}
	shipStartSecondary(t, node("rack-a-1", "zone-a", "a"), node("rack-b-1", "zone-b", "b"))

	for _, name := range []string{"db-0", "db-1"} {
		p := shipPod("default", name, haScheduler, "100m", map[string]string{"app": name, "tier": "db"})
		p.Spec.NodeName = "rack-a-1"
		cluster.CreatePod(t, p)
	}
	load := shipPod("default", "load", haScheduler, "6", map[string]string{"app": "load"})
	load.Spec.NodeName = "rack-b-1"
	cluster.CreatePod(t, load)

	pod := shipPod("default", "db-new", haScheduler, "100m", map[string]string{"app": "db-new", "tier": "db"})
	pod.Spec.TopologySpreadConstraints = []v1.TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       rack,
		WhenUnsatisfiable: v1.DoNotSchedule,
		LabelSelector:     &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "db"}},
	}}
	cluster.CreatePod(t, pod)
	if got := cluster.WaitScheduled(t, "default", "db-new"); got != "rack-b-1" {
		t.Errorf("db-new bound to %s, want rack-b-1: its own DoNotSchedule constraint over %s allows only rack b", got, rack)
	}
}
