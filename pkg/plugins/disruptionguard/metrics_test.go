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

package disruptionguard

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/klog/v2/ktesting"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
)

// refusalSeries gathers the refusal counter from the process registry (as
// /metrics serves it): "profile/rule" -> value, for the given profiles only
// (other tests of the package count refusals of their own profiles).
func refusalSeries(t *testing.T, profiles ...string) map[string]float64 {
	t.Helper()
	families, err := legacyregistry.DefaultGatherer.Gather()
	require.NoError(t, err)
	want := map[string]bool{}
	for _, p := range profiles {
		want[p] = true
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != MetricRefusedVictims {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if want[labels["profile"]] {
				out[labels["profile"]+"/"+labels["rule"]] = m.GetCounter().GetValue()
			}
		}
	}
	return out
}

// The counter's series exist at zero for every profile and rule as soon as
// the plugin is created (rate() and alerts need a series before the first
// refusal), and a refusal counts in its own profile's series only.
func TestRefusalCounterStartsAtZeroPerProfileAndRule(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	nodes := []*v1.Node{node("cp-1", "1")}
	pods := []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj()}
	pre := addon("addon-1", systemHigher, "1")
	c := newCluster(t, nodes, pods, nil, nil, pre)
	policies := config.Policies{
		"metrics-a": testutil.LoadedPolicy(t, config.PolicyArgs{}),
		"metrics-b": testutil.LoadedPolicy(t, config.PolicyArgs{}),
	}
	a := c.guard(t, ctx, "metrics-a", policies, nil, false)
	c.guard(t, ctx, "metrics-b", policies, nil, false)

	want := map[string]float64{}
	for _, p := range []string{"metrics-a", "metrics-b"} {
		for _, r := range []string{"pdb", "min-available", "trusted", "mirror"} {
			want[p+"/"+r] = 0
		}
	}
	if diff := cmp.Diff(want, refusalSeries(t, "metrics-a", "metrics-b")); diff != "" {
		t.Errorf("%s series after creating the plugins (-want +got):\n%s", MetricRefusedVictims, diff)
	}

	// The only kube-scheduler replica is the last available one: profile
	// metrics-a refuses it.
	res, status := a.postFilter(t, ctx, pre, nodes)
	c.checkOutcome(t, res, status, outcome{
		msg: "preemption: 0/1 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler.",
	})
	want["metrics-a/min-available"] = 1
	if diff := cmp.Diff(want, refusalSeries(t, "metrics-a", "metrics-b")); diff != "" {
		t.Errorf("%s series after one refusal in profile metrics-a (-want +got):\n%s", MetricRefusedVictims, diff)
	}
}
