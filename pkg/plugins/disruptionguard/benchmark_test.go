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
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	fwk "k8s.io/kube-scheduler/framework"
	schedconfig "k8s.io/kubernetes/pkg/scheduler/apis/config"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultpreemption"
	plfeature "k8s.io/kubernetes/pkg/scheduler/framework/plugins/feature"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
)

// benchSize is the cluster of one benchmark case.
type benchSize struct {
	nodes, trustedPods, userPods int
}

func (s benchSize) String() string {
	return fmt.Sprintf("nodes=%d/trustedPods=%d/userPods=%d", s.nodes, s.trustedPods, s.userPods)
}

// benchCluster is a full cluster of workers, each running userPods/nodes
// user pods of 1 CPU (no CPU left) at the lowest priority, in 20
// namespaces and 100 ReplicaSets with a PodDisruptionBudget each; and
// trustedPods pods of kube-system at system priority requesting nothing:
// three replicas each of kube-scheduler, kube-controller-manager and an
// etcd StatefulSet (the disruption-controlled groups), the rest kube-proxy
// and flannel DaemonSet pods and plain pods of 50 ReplicaSets. Pods are
// spread round-robin over the nodes.
func benchCluster(s benchSize) ([]*v1.Node, []*v1.Pod, []*policyv1.PodDisruptionBudget, []runtime.Object) {
	const namespaces, userApps, helperApps = 20, 100, 50
	cpu := fmt.Sprint((s.userPods + s.nodes - 1) / s.nodes)
	nodes := make([]*v1.Node, s.nodes)
	for i := range nodes {
		nodes[i] = node(fmt.Sprintf("w-%05d", i), cpu)
	}
	nodeOf := func(i int) string { return nodes[i%len(nodes)].Name }
	var pods []*v1.Pod
	controllers := []runtime.Object{statefulSet("kube-system", "etcd", 3)}
	for i := range s.trustedPods {
		name := fmt.Sprintf("sys-%06d", i)
		w := running("kube-system", name, nodeOf(i), system, "0", 1)
		switch {
		case i < 3:
			w = w.Label("component", "kube-scheduler")
		case i < 6:
			w = w.Label("component", "kube-controller-manager")
		case i < 9:
			w = ownedBy(w.Label("component", "etcd"), "etcd", "StatefulSet")
		case i%3 == 0:
			w = ownedBy(w.Label("k8s-app", "kube-proxy"), "kube-proxy", "DaemonSet")
		case i%3 == 1:
			w = ownedBy(w.Label("app", "flannel"), "kube-flannel", "DaemonSet")
		default:
			app := fmt.Sprintf("helper-%d", i%helperApps)
			w = ownedBy(w.Label("app", app), app, "ReplicaSet")
		}
		pods = append(pods, w.Obj())
	}
	for a := range helperApps {
		app := fmt.Sprintf("helper-%d", a)
		controllers = append(controllers, deploymentReplicaSet("kube-system", app, app, 1, 1))
	}
	var pdbs []*policyv1.PodDisruptionBudget
	for a := range userApps {
		ns, app := fmt.Sprintf("team-%d", a%namespaces), fmt.Sprintf("svc-%d", a)
		controllers = append(controllers, deploymentReplicaSet(ns, app, app, 1, 1))
		pdbs = append(pdbs, pdb(ns, app, int32(s.userPods), "app", app))
	}
	for i := range s.userPods {
		// svc-a lives in team-(a mod 20) only, as its PDB expects.
		a := i % userApps
		ns, app := fmt.Sprintf("team-%d", a%namespaces), fmt.Sprintf("svc-%d", a)
		pods = append(pods, ownedBy(running(ns, fmt.Sprintf("%s-%06d", app, i), nodeOf(i), userLow, "1", int64(i)).Label("app", app), app, "ReplicaSet").Obj())
	}
	return nodes, pods, pdbs, controllers
}

// clear forgets the victims earlier attempts chose, so that every
// attempt of a benchmark starts from the same cluster.
func (f *inFlight) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.until)
}

// BenchmarkPreemptionAttempt measures what one PostFilter attempt of the
// plugin costs in a real framework handle (NodeResourcesFit as the only
// filter, so upstream's dry runs are as cheap as they get), against
// upstream's DefaultPreemption on the same cycle (measure=defaultPreemption,
// what the plugin replaces; the ratio is the guard's price): measure=attempt
// is the whole PostFilter, upstream's candidate search with the guarded
// victim selection and the (fake) API calls; measure=guardState is the
// guard's fixed part alone, newGuardState and its budgets (compute), which
// every attempt pays once. preemptor=user is a user pod preempting user
// pods (the trusted pods, of higher priority, are no candidates);
// preemptor=component a trusted component of higher priority than every
// pod, for which each trusted victim has the preemptor classified (rule
// 3). policy=userWorkloadsControlled makes user groups
// disruption-controlled, so that their members span the cluster.
func BenchmarkPreemptionAttempt(b *testing.B) {
	policies := map[string]config.PolicyArgs{
		"default": {},
		"userWorkloadsControlled": {UserWorkloads: &config.RuleArgs{
			Placement:  "Worker",
			Disruption: &config.DisruptionArgs{MinAvailable: ptr.To[int32](1)},
		}},
	}
	type benchCase struct {
		policy    string
		preemptor string
		size      benchSize
	}
	var cases []benchCase
	for _, size := range []benchSize{
		{nodes: 1000, trustedPods: 1000, userPods: 10000},
		{nodes: 1000, trustedPods: 5000, userPods: 10000},
		{nodes: 1000, trustedPods: 20000, userPods: 10000},
		{nodes: 1000, trustedPods: 5000, userPods: 30000},
	} {
		for _, p := range []string{"user", "component"} {
			cases = append(cases, benchCase{policy: "default", preemptor: p, size: size})
		}
		if size.trustedPods == 5000 {
			cases = append(cases, benchCase{policy: "userWorkloadsControlled", preemptor: "user", size: size})
		}
	}
	for _, bc := range cases {
		b.Run(fmt.Sprintf("policy=%s/preemptor=%s/%s", bc.policy, bc.preemptor, bc.size), func(b *testing.B) {
			// klog's global logger at its default verbosity, as in a
			// scheduler run without -v: ktesting's would log every dry run
			// and measure the logging.
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pa := testutil.LoadedPolicy(b, policies[bc.policy])
			pod := preemptor("default", "web", userHigh, "1")
			if bc.preemptor == "component" {
				pod = addon("heapster", systemHigher, "1")
			}
			nodes, pods, pdbs, controllers := benchCluster(bc.size)
			e := newCluster(b, nodes, pods, pdbs, controllers, pod).guard(b, ctx, testProfile, config.Policies{testProfile: pa}, nil, false)

			// The cycle's PreFilter and Filter verdict, once: the scheduler
			// pays them before PostFilter.
			state := framework.NewCycleState()
			_, s, _ := e.fw.RunPreFilterPlugins(ctx, state, pod)
			require.True(b, s.IsSuccess(), "PreFilter: %v", s)
			m := framework.NewDefaultNodeToStatus()
			for _, n := range nodes {
				m.Set(n.Name, fwk.NewStatus(fwk.Unschedulable))
			}
			res, s := e.pl.PostFilter(ctx, state, pod, m)
			require.True(b, s.IsSuccess(), "PostFilter: %v", s)
			require.NotEmpty(b, res.NominatedNodeName)

			// Upstream's DefaultPreemption on the same cycle: the attempt
			// the guard replaces, for the ratio.
			upstream, err := defaultpreemption.New(ctx, &schedconfig.DefaultPreemptionArgs{
				MinCandidateNodesPercentage: 10, MinCandidateNodesAbsolute: 100,
			}, e.fw, plfeature.Features{})
			require.NoError(b, err)
			b.Run("measure=defaultPreemption", func(b *testing.B) {
				loopReportingCPU(b, func() {
					if _, s := upstream.PostFilter(ctx, state, pod, m); !s.IsSuccess() {
						b.Fatalf("DefaultPreemption PostFilter: %v", s)
					}
				})
			})
			b.Run("measure=attempt", func(b *testing.B) {
				loopReportingCPU(b, func() {
					e.pl.inFlight.clear()
					if _, s := e.pl.PostFilter(ctx, state, pod, m); !s.IsSuccess() {
						b.Fatalf("PostFilter: %v", s)
					}
				})
			})
			b.Run("measure=guardState", func(b *testing.B) {
				e.pl.inFlight.clear()
				b.ReportAllocs()
				for b.Loop() {
					if err := e.pl.newGuardState(pod).init(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
