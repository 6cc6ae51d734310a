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
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	metricstestutil "k8s.io/component-base/metrics/testutil"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// TestNew builds the plugin through the registry's factory, with a
// framework of profile testProfile as its handle: the policy is that
// profile's, the args only the preemption settings.
func TestNew(t *testing.T) {
	infra := testutil.LoadedPolicy(t, config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "infra"}})
	other := testutil.LoadedPolicy(t, config.PolicyArgs{TrustedNamespaces: []string{"other"}})
	// Start-up validation rejects it; the factory must not panic on it.
	unknownRole := &config.PolicyArgs{UserWorkloads: &config.RuleArgs{Placement: "Somewhere"}}
	config.SetDefaultsPolicyArgs(unknownRole)

	// got is what New configured: the namespaces among kube-system, infra
	// and other that the plugin's policy trusts.
	type got struct {
		Name    string
		Mode    config.DisruptionGuardMode
		Trusted []string
	}
	tests := []struct {
		name              string
		policies          config.Policies
		args              any
		noInformerFactory bool
		want              got
		wantErr           string
	}{
		{
			name:     "no policy loaded: the default policy, Strict",
			policies: config.Policies{},
			want:     got{Name: "DisruptionGuard", Mode: config.ModeStrict, Trusted: []string{"kube-system"}},
		},
		{
			name:     "the profile's policy",
			policies: config.Policies{testProfile: infra, "other-profile": other},
			want:     got{Name: "DisruptionGuard", Mode: config.ModeStrict, Trusted: []string{"kube-system", "infra"}},
		},
		{
			name:     "only another profile has a policy: this one has the default",
			policies: config.Policies{"other-profile": other},
			want:     got{Name: "DisruptionGuard", Mode: config.ModeStrict, Trusted: []string{"kube-system"}},
		},
		{
			name:     "the mode comes from the args",
			policies: config.Policies{testProfile: infra},
			args:     bestEffort,
			want:     got{Name: "DisruptionGuard", Mode: config.ModeBestEffort, Trusted: []string{"kube-system", "infra"}},
		},
		{
			name:    "unknown mode",
			args:    map[string]any{"mode": "Sometimes"},
			wantErr: `DisruptionGuard.args.mode: Unsupported value: "Sometimes": supported values: "Strict", "BestEffort"`,
		},
		{
			name: "a policy field in the plugin's args says where the policy is written",
			args: map[string]any{"trustedNamespaces": []string{"infra"}},
			wantErr: `DisruptionGuard.args: Forbidden: unknown field "trustedNamespaces": ` +
				"the policy is written once per profile, as the args of the pluginConfig entry named HAPolicy (docs/policy.md)",
		},
		{
			name:     "a profile's policy that does not convert",
			policies: config.Policies{testProfile: unknownRole},
			wantErr:  `DisruptionGuard: profile "ha-scheduler": userWorkloads: unknown nodeRole "Somewhere"`,
		},
		{
			name:              "a handle without an informer factory",
			noInformerFactory: true,
			wantErr:           "DisruptionGuard: the framework handle has no informer factory",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var fw framework.Framework
			if tt.noInformerFactory {
				var err error
				fw, err = tf.NewFramework(ctx, []tf.RegisterPluginFunc{
					tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
					tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
				}, testProfile)
				require.NoError(t, err)
			} else {
				fw = newCluster(t, []*v1.Node{node("n", "1")}, nil, nil, nil).newFramework(t, ctx, testProfile)
			}

			p, err := New(tt.policies)(ctx, rawArgs(t, tt.args), fw)
			if tt.wantErr != "" {
				require.Error(t, err)
				if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				return
			}
			require.NoError(t, err)
			pl := p.(*DisruptionGuard)
			g := got{Name: pl.Name(), Mode: pl.mode}
			for _, ns := range []string{"kube-system", "infra", "other"} {
				if pl.policy.IsTrustedNamespace(ns) {
					g.Trusted = append(g.Trusted, ns)
				}
			}
			if diff := cmp.Diff(tt.want, g); diff != "" {
				t.Errorf("plugin (-want +got):\n%s", diff)
			}
		})
	}
}

func refusedCount(t *testing.T, rule string) float64 {
	t.Helper()
	v, err := metricstestutil.GetCounterMetricValue(refusedVictims.WithLabelValues(testProfile, rule))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPostFilter(t *testing.T) {
	cp1, cp2, cp3 := node("cp-1", "1"), node("cp-2", "1"), node("cp-3", "1")
	w1, w2 := node("w-1", "1"), node("w-2", "1")
	infraTrusted := testutil.LoadedPolicy(t, config.PolicyArgs{TrustedNamespaces: []string{"kube-system", "infra"}})
	// api is a component that keeps two replicas; admin one that may
	// preempt it (rule 3 spares components from pods that are not).
	apiKeepsTwo := testutil.LoadedPolicy(t, config.PolicyArgs{Components: []config.ComponentArgs{
		{
			Name:      "api",
			Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "api"}}},
			RuleArgs:  config.RuleArgs{Placement: policy.PlaceAny, Disruption: &config.DisruptionArgs{MinAvailable: ptr.To[int32](2)}},
		},
		{
			Name:      "admin",
			Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "admin"}}},
			RuleArgs:  config.RuleArgs{Placement: policy.PlaceAny},
		},
	}})
	apiPods := []*v1.Pod{
		running("kube-system", "api-1", "cp-1", system, "1", 1).Label("app", "api").Obj(),
		running("kube-system", "api-2", "cp-2", system, "1", 1).Label("app", "api").Obj(),
	}
	admin := preemptor("kube-system", "admin", systemHigher, "1")
	admin.Labels = map[string]string{"app": "admin"}
	tests := []struct {
		name string
		// policy is the profile's (nil: the default policy).
		policy       *config.PolicyArgs
		args         any
		nodes        []*v1.Node
		unresolvable []string
		pods         []*v1.Pod
		pdbs         []*policyv1.PodDisruptionBudget
		controllers  []runtime.Object
		preemptor    *v1.Pod
		// want are the acceptable outcomes: one, or one per node when
		// several tie.
		want        []outcome
		wantRefused map[string]float64
	}{
		{
			name:        "user pod cannot take the only Ready kube-scheduler but takes a low-priority user pod elsewhere",
			nodes:       []*v1.Node{cp1, w1},
			pods:        []*v1.Pod{kubeScheduler("ks-1", "cp-1", userLow).Obj(), running("default", "low", "w-1", userLow, "1", 1).Obj()},
			preemptor:   preemptor("default", "web", userHigh, "1"),
			want:        []outcome{placed("w-1", 1, "low")},
			wantRefused: map[string]float64{RuleTrusted: 1, RuleMinAvailable: 1},
		},
		{
			name:      "user pod with only the kube-scheduler node: trusted and last replica (rules 2 and 3)",
			nodes:     []*v1.Node{cp1},
			pods:      []*v1.Pod{kubeScheduler("ks-1", "cp-1", userLow).Obj()},
			preemptor: preemptor("default", "web", userHigh, "1"),
			want: []outcome{refused("preemption: 0/1 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler, " +
				"1 protected: pods of trusted namespace kube-system are not preempted by pods of untrusted namespaces.")},
			wantRefused: map[string]float64{RuleTrusted: 1, RuleMinAvailable: 1},
		},
		{
			name:        "user pod never takes a trusted pod that is not disruption-controlled (rule 3 alone)",
			nodes:       []*v1.Node{cp1},
			pods:        []*v1.Pod{running("kube-system", "dns", "cp-1", userLow, "1", 1).Label("k8s-app", "kube-dns").Obj()},
			preemptor:   preemptor("default", "web", userHigh, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected: pods of trusted namespace kube-system are not preempted by pods of untrusted namespaces.")},
			wantRefused: map[string]float64{RuleTrusted: 1},
		},
		{
			name:        "trusted pod cannot take the last available kube-scheduler (rule 2 alone)",
			nodes:       []*v1.Node{cp1},
			pods:        []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj()},
			preemptor:   addon("addon", systemHigher, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:        "two replicas, one not Ready: the Ready one is protected, the other may go",
			nodes:       []*v1.Node{cp1, cp2},
			pods:        []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj(), notReady("kube-system", "ks-2", "cp-2", system, "1", 1).Label("component", "kube-scheduler").Obj()},
			preemptor:   addon("addon", systemHigher, "1"),
			want:        []outcome{placed("cp-2", 1, "ks-2")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:      "two Ready replicas on two nodes: one may go",
			nodes:     []*v1.Node{cp1, cp2},
			pods:      []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj(), kubeScheduler("ks-2", "cp-2", system).Obj()},
			preemptor: addon("addon", systemHigher, "1"),
			want:      []outcome{placed("cp-1", 1, "ks-1"), placed("cp-2", 1, "ks-2")},
		},
		{
			name:        "two Ready replicas on one node, the preemptor needs both: the set is refused",
			nodes:       []*v1.Node{node("cp-1", "2")},
			pods:        []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj(), kubeScheduler("ks-2", "cp-1", system).Obj()},
			preemptor:   addon("addon", systemHigher, "2"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:  "a refused set is retried: one replica is spared and another pod taken in its place",
			nodes: []*v1.Node{node("cp-1", "5")},
			pods: []*v1.Pod{
				// helper is the oldest, hence the most important: upstream
				// spares it first and picks both replicas, which the guard
				// refuses; the retry picks helper and one replica.
				running("kube-system", "helper", "cp-1", system, "1", 0).Label("app", "helper").Obj(),
				running("kube-system", "kcm-1", "cp-1", system, "2", 1).Label("component", "kube-controller-manager").Obj(),
				running("kube-system", "kcm-2", "cp-1", system, "2", 2).Label("component", "kube-controller-manager").Obj(),
			},
			preemptor:   addon("addon", systemHigher, "3"),
			want:        []outcome{placed("cp-1", 2, "helper", "kcm-2")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:  "etcd quorum: one of 3 available members may go",
			nodes: []*v1.Node{cp1, cp2, cp3},
			pods: []*v1.Pod{
				running("kube-system", "etcd-1", "cp-1", system, "1", 1).Label("component", "etcd").Obj(),
				running("kube-system", "etcd-2", "cp-2", system, "1", 1).Label("component", "etcd").Obj(),
				running("kube-system", "etcd-3", "cp-3", system, "1", 1).Label("component", "etcd").Obj(),
			},
			preemptor: addon("addon", systemHigher, "1"),
			want:      []outcome{placed("cp-1", 1, "etcd-1"), placed("cp-2", 1, "etcd-2"), placed("cp-3", 1, "etcd-3")},
		},
		{
			name:         "etcd quorum: none of 2 available members of 3 may go",
			nodes:        []*v1.Node{cp1, cp2, cp3},
			unresolvable: []string{"cp-3"},
			pods: []*v1.Pod{
				running("kube-system", "etcd-1", "cp-1", system, "1", 1).Label("component", "etcd").Obj(),
				running("kube-system", "etcd-2", "cp-2", system, "1", 1).Label("component", "etcd").Obj(),
				notReady("kube-system", "etcd-3", "cp-3", system, "1", 1).Label("component", "etcd").Obj(),
			},
			preemptor: addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, " +
				"2 protected: kube-system/etcd must keep 2 of 3 replicas available.")},
			wantRefused: map[string]float64{RuleMinAvailable: 2},
		},
		{
			name:      "trusted component with higher priority preempts a user pod",
			nodes:     []*v1.Node{cp1},
			pods:      []*v1.Pod{running("default", "low", "cp-1", userLow, "1", 1).Obj()},
			preemptor: preemptor("kube-system", "kube-scheduler-2", system, "1"),
			want:      []outcome{placed("cp-1", 1, "low")},
		},
		{
			name:  "mirror pod is never a victim",
			nodes: []*v1.Node{cp1},
			pods: []*v1.Pod{mirrorOf(running("kube-system", "kube-apiserver-cp-1", "cp-1", userLow, "1", 1).
				Label("component", "kube-apiserver")).Obj()},
			preemptor:   addon("addon", systemHigher, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 " + ReasonMirror + ".")},
			wantRefused: map[string]float64{RuleMirror: 1},
		},
		{
			name:        "Strict: a PDB with no disruption allowed is never violated",
			nodes:       []*v1.Node{w1},
			pods:        []*v1.Pod{running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj()},
			pdbs:        []*policyv1.PodDisruptionBudget{pdb("default", "web", 0, "app", "web")},
			preemptor:   preemptor("default", "batch", userHigh, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget default/web.")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			// The tenant's budget binds tenants' preemptors, not the
			// control plane's: kube-proxy (system-node-critical) takes the
			// pod that fills its node.
			name:  "Strict: a tenant's PDB does not keep a kube-system component pending",
			nodes: []*v1.Node{w1},
			pods:  []*v1.Pod{running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj()},
			pdbs:  []*policyv1.PodDisruptionBudget{pdb("default", "web", 0, "app", "web")},
			preemptor: func() *v1.Pod {
				p := preemptor("kube-system", "kube-proxy-w-1", system, "1")
				p.Labels = map[string]string{"k8s-app": "kube-proxy"}
				return p
			}(),
			want: []outcome{placed("w-1", 1, "web-1")},
		},
		{
			name:        "Strict: a tenant's PDB binds another tenant's preemptor",
			nodes:       []*v1.Node{w1},
			pods:        []*v1.Pod{running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj()},
			pdbs:        []*policyv1.PodDisruptionBudget{pdb("default", "web", 0, "app", "web")},
			preemptor:   preemptor("other-tenant", "batch", userHigh, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget default/web.")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			name:        "Strict: a budget of a trusted namespace binds the control plane too",
			nodes:       []*v1.Node{w1},
			pods:        []*v1.Pod{running("kube-system", "metrics-1", "w-1", userLow, "1", 1).Label("k8s-app", "metrics-server").Obj()},
			pdbs:        []*policyv1.PodDisruptionBudget{pdb("kube-system", "metrics", 0, "k8s-app", "metrics-server")},
			preemptor:   addon("heapster", system, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget kube-system/metrics.")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			// Taken last, not never: the node whose victims no budget
			// covers is chosen first.
			name:  "Strict: a tenant's budget still orders the control plane's choice",
			nodes: []*v1.Node{w1, w2},
			pods: []*v1.Pod{
				running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "low", "w-2", userLow, "1", 1).Obj(),
			},
			pdbs:      []*policyv1.PodDisruptionBudget{pdb("default", "web", 0, "app", "web")},
			preemptor: addon("heapster", system, "1"),
			want:      []outcome{placed("w-2", 1, "low")},
		},
		{
			name:      "BestEffort: the PDB is violated as upstream would",
			args:      bestEffort,
			nodes:     []*v1.Node{w1},
			pods:      []*v1.Pod{running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj()},
			pdbs:      []*policyv1.PodDisruptionBudget{pdb("default", "web", 0, "app", "web")},
			preemptor: preemptor("default", "batch", userHigh, "1"),
			want:      []outcome{placed("w-1", 1, "web-1")},
		},
		{
			name:  "Strict: the node without a PDB violation is chosen",
			nodes: []*v1.Node{w1, w2},
			pods: []*v1.Pod{
				running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "low", "w-2", userLow, "1", 1).Obj(),
			},
			pdbs:        []*policyv1.PodDisruptionBudget{pdb("default", "web", 0, "app", "web")},
			preemptor:   preemptor("default", "batch", userHigh, "1"),
			want:        []outcome{placed("w-2", 1, "low")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			name:  "Strict: a PDB allowing one disruption, the preemptor needs two of its pods",
			nodes: []*v1.Node{node("w-1", "2")},
			pods: []*v1.Pod{
				running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "web-2", "w-1", userLow, "1", 2).Label("app", "web").Obj(),
			},
			pdbs:        []*policyv1.PodDisruptionBudget{pdb("default", "web", 1, "app", "web")},
			preemptor:   preemptor("default", "batch", userHigh, "2"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget default/web.")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			name:  "BestEffort: the same PDB is violated",
			args:  bestEffort,
			nodes: []*v1.Node{node("w-1", "2")},
			pods: []*v1.Pod{
				running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "web-2", "w-1", userLow, "1", 2).Label("app", "web").Obj(),
			},
			pdbs:      []*policyv1.PodDisruptionBudget{pdb("default", "web", 1, "app", "web")},
			preemptor: preemptor("default", "batch", userHigh, "2"),
			want:      []outcome{placed("w-1", 2, "web-1", "web-2")},
		},
		{
			name:  "Strict: a PDB allowing one disruption, the preemptor needs one",
			nodes: []*v1.Node{node("w-1", "2")},
			pods: []*v1.Pod{
				running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web").Obj(),
				running("default", "web-2", "w-1", userLow, "1", 2).Label("app", "web").Obj(),
			},
			pdbs:      []*policyv1.PodDisruptionBudget{pdb("default", "web", 1, "app", "web")},
			preemptor: preemptor("default", "batch", userHigh, "1"),
			// Upstream counts the allowance in order of importance: web-2
			// is the one beyond it, so it is reprieved first.
			want: []outcome{placed("w-1", 1, "web-1")},
		},
		{
			name:  "BestEffort still keeps the last replica of a component (rule 2 in both modes)",
			args:  bestEffort,
			nodes: []*v1.Node{cp1},
			pods:  []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Obj()},
			pdbs: []*policyv1.PodDisruptionBudget{
				pdb("kube-system", "ks", 1, "component", "kube-scheduler"),
			},
			preemptor:   addon("addon", systemHigher, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:         "a replica marked by a disruption in progress counts as lost",
			nodes:        []*v1.Node{cp1, cp2},
			unresolvable: []string{"cp-1"},
			pods: []*v1.Pod{
				disruptionTarget(kubeScheduler("ks-1", "cp-1", system)).Obj(),
				kubeScheduler("ks-2", "cp-2", system).Obj(),
			},
			preemptor: addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/2 nodes are available: 1 Preemption is not helpful for scheduling, " +
				"1 protected: last available replica of kube-system/kube-scheduler.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:         "Strict: a PDB pod marked by a disruption in progress uses up the allowance",
			nodes:        []*v1.Node{w1, w2},
			unresolvable: []string{"w-1"},
			pods: []*v1.Pod{
				disruptionTarget(running("default", "web-1", "w-1", userLow, "1", 1).Label("app", "web")).Obj(),
				running("default", "web-2", "w-2", userLow, "1", 1).Label("app", "web").Obj(),
			},
			pdbs:      []*policyv1.PodDisruptionBudget{pdb("default", "web", 1, "app", "web")},
			preemptor: preemptor("default", "batch", userHigh, "1"),
			want: []outcome{refused("preemption: 0/2 nodes are available: 1 Preemption is not helpful for scheduling, " +
				"1 protected by PodDisruptionBudget default/web.")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			name:      "a terminating replica may be taken again at no cost",
			nodes:     []*v1.Node{cp1},
			pods:      []*v1.Pod{kubeScheduler("ks-1", "cp-1", system).Terminating().Obj()},
			preemptor: addon("addon", systemHigher, "1"),
			// Already being deleted: no new API call.
			want: []outcome{placed("cp-1", 1)},
		},
		// Issue 11: the guard counts what a group should have.
		{
			name:         "etcd StatefulSet of 5 with 2 members pending: the 3 available are its quorum, none may go",
			nodes:        []*v1.Node{cp1, cp2, cp3},
			unresolvable: []string{"cp-2", "cp-3"},
			pods: append(etcdMembers("etcd", 3, "cp-1", "cp-2", "cp-3"),
				pendingEtcdMember("etcd", 3), pendingEtcdMember("etcd", 4)),
			controllers: []runtime.Object{statefulSet("kube-system", "etcd", 5)},
			preemptor:   addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/3 nodes are available: 1 protected: kube-system/etcd (StatefulSet etcd) must keep 3 of 5 replicas available, " +
				"2 Preemption is not helpful for scheduling.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:         "etcd StatefulSet of 5 whose 2 members an earlier preemption deleted: the desired size still counts",
			nodes:        []*v1.Node{cp1, cp2, cp3},
			unresolvable: []string{"cp-2", "cp-3"},
			pods:         etcdMembers("etcd", 3, "cp-1", "cp-2", "cp-3"),
			controllers:  []runtime.Object{statefulSet("kube-system", "etcd", 5)},
			preemptor:    addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/3 nodes are available: 1 protected: kube-system/etcd (StatefulSet etcd) must keep 3 of 5 replicas available, " +
				"2 Preemption is not helpful for scheduling.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:         "quorum group of a Deployment: its desired replicas come through the ReplicaSet",
			nodes:        []*v1.Node{cp1, cp2, cp3},
			unresolvable: []string{"cp-2", "cp-3"},
			pods: []*v1.Pod{
				ownedBy(running("kube-system", "etcd-a", "cp-1", system, "1", 1).Label("app", "etcd"), "etcd-7d9", "ReplicaSet").Obj(),
				ownedBy(running("kube-system", "etcd-b", "cp-2", system, "1", 1).Label("app", "etcd"), "etcd-7d9", "ReplicaSet").Obj(),
				ownedBy(running("kube-system", "etcd-c", "cp-3", system, "1", 1).Label("app", "etcd"), "etcd-7d9", "ReplicaSet").Obj(),
			},
			controllers: []runtime.Object{deploymentReplicaSet("kube-system", "etcd-7d9", "etcd", 3, 5)},
			preemptor:   addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/3 nodes are available: 1 protected: kube-system/etcd (Deployment etcd) must keep 3 of 5 replicas available, " +
				"2 Preemption is not helpful for scheduling.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:        "the desired size never lowers the budget below the pods: 3 Ready members of a StatefulSet scaled to 1 keep 2",
			nodes:       []*v1.Node{cp1, cp2, cp3},
			pods:        etcdMembers("etcd", 3, "cp-1", "cp-2", "cp-3"),
			controllers: []runtime.Object{statefulSet("kube-system", "etcd", 1)},
			preemptor:   addon("addon", systemHigher, "1"),
			want:        []outcome{placed("cp-1", 1, "etcd-0"), placed("cp-2", 1, "etcd-1"), placed("cp-3", 1, "etcd-2")},
		},
		{
			name:        "Strict: a PDB with an empty selector covers every pod of its namespace",
			nodes:       []*v1.Node{w1},
			pods:        []*v1.Pod{running("default", "batch-1", "w-1", userLow, "1", 1).Label("app", "batch").Obj()},
			pdbs:        []*policyv1.PodDisruptionBudget{namespacePDB("default", "everything", 0)},
			preemptor:   preemptor("default", "web", userHigh, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget default/everything.")},
			wantRefused: map[string]float64{RulePDB: 1},
		},
		{
			name:  "BestEffort: upstream sees the namespace-wide PDB and picks the node that does not break it",
			args:  bestEffort,
			nodes: []*v1.Node{w1, w2},
			pods: []*v1.Pod{
				// batch-1 started last: without the PDB upstream would take it.
				running("default", "batch-1", "w-1", userLow, "1", 5).Label("app", "batch").Obj(),
				running("other", "batch-2", "w-2", userLow, "1", 1).Label("app", "batch").Obj(),
			},
			pdbs:      []*policyv1.PodDisruptionBudget{namespacePDB("default", "everything", 0)},
			preemptor: preemptor("default", "web", userHigh, "1"),
			want:      []outcome{placed("w-2", 1, "batch-2")},
		},
		{
			name:      "a PDB with no selector covers nothing",
			nodes:     []*v1.Node{w1},
			pods:      []*v1.Pod{running("default", "batch-1", "w-1", userLow, "1", 1).Label("app", "batch").Obj()},
			pdbs:      []*policyv1.PodDisruptionBudget{pdb("default", "nothing", 0)},
			preemptor: preemptor("default", "web", userHigh, "1"),
			want:      []outcome{placed("w-1", 1, "batch-1")},
		},
		{
			name:  "rule 3: a plain pod of a trusted namespace never preempts a component (kube-dns)",
			nodes: []*v1.Node{cp1, cp2},
			pods: []*v1.Pod{
				running("kube-system", "coredns-1", "cp-1", userLow, "1", 1).Label("k8s-app", "kube-dns").Obj(),
				running("kube-system", "coredns-2", "cp-2", userLow, "1", 1).Label("k8s-app", "kube-dns").Obj(),
			},
			preemptor:   preemptor("kube-system", "debug", systemHigher, "1"),
			want:        []outcome{refused("preemption: 0/2 nodes are available: 2 protected: component kube-system/kube-dns is not preempted by pods that are not components.")},
			wantRefused: map[string]float64{RuleTrusted: 2},
		},
		{
			name:      "rule 3: a plain pod of a trusted namespace may preempt another plain pod there",
			nodes:     []*v1.Node{cp1},
			pods:      []*v1.Pod{running("kube-system", "helper", "cp-1", userLow, "1", 1).Label("app", "helper").Obj()},
			preemptor: preemptor("kube-system", "debug", systemHigher, "1"),
			want:      []outcome{placed("cp-1", 1, "helper")},
		},
		{
			name:         "one budget per owner: the events etcd keeps its own quorum beside a healthy main cluster",
			nodes:        []*v1.Node{cp1, cp2, cp3, w1},
			unresolvable: []string{"cp-1", "cp-2", "cp-3"},
			pods: append(etcdMembers("etcd-main", 3, "cp-1", "cp-2", "cp-3"),
				ownedBy(running("kube-system", "etcd-events-0", "w-1", system, "1", 1).Label("component", "etcd"), "etcd-events", "StatefulSet").Obj(),
				ownedBy(running("kube-system", "etcd-events-1", "cp-1", system, "0", 1).Label("component", "etcd"), "etcd-events", "StatefulSet").Obj(),
				ownedBy(notReady("kube-system", "etcd-events-2", "cp-2", system, "0", 1).Label("component", "etcd"), "etcd-events", "StatefulSet").Obj()),
			controllers: []runtime.Object{statefulSet("kube-system", "etcd-main", 3), statefulSet("kube-system", "etcd-events", 3)},
			preemptor:   addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/4 nodes are available: 1 protected: kube-system/etcd (StatefulSet etcd-events) must keep 2 of 3 replicas available, " +
				"3 Preemption is not helpful for scheduling.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:         "mirror pods do not pad the budget of the members preemption can take",
			nodes:        []*v1.Node{cp1, cp2, cp3},
			unresolvable: []string{"cp-1", "cp-2"},
			pods: []*v1.Pod{
				mirrorOf(kubeScheduler("kube-scheduler-cp-1", "cp-1", system)).Obj(),
				mirrorOf(kubeScheduler("kube-scheduler-cp-2", "cp-2", system)).Obj(),
				kubeScheduler("ks-extra", "cp-3", system).Obj(),
			},
			preemptor: addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/3 nodes are available: 1 protected: last available replica of kube-system/kube-scheduler, " +
				"2 Preemption is not helpful for scheduling.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name: "a replica on a node that stopped reporting is not available, whatever its stale Ready condition says",
			nodes: []*v1.Node{
				st.MakeNode().Name("cp-down").Capacity(map[v1.ResourceName]string{v1.ResourceCPU: "1", v1.ResourcePods: "100"}).
					Condition(v1.NodeReady, v1.ConditionUnknown, "Kubelet stopped posting node status.", "NodeStatusUnknown").Obj(),
				cp2,
			},
			unresolvable: []string{"cp-down"},
			pods:         []*v1.Pod{kubeScheduler("ks-1", "cp-down", system).Obj(), kubeScheduler("ks-2", "cp-2", system).Obj()},
			preemptor:    addon("addon", systemHigher, "1"),
			want: []outcome{refused("preemption: 0/2 nodes are available: 1 Preemption is not helpful for scheduling, " +
				"1 protected: last available replica of kube-system/kube-scheduler.")},
			wantRefused: map[string]float64{RuleMinAvailable: 1},
		},
		{
			name:      "a user pod with the mirror annotation but no Node owner gets no exemption",
			nodes:     []*v1.Node{w1},
			pods:      []*v1.Pod{running("default", "fake-mirror", "w-1", userLow, "1", 1).Annotation(policy.MirrorPodAnnotation, "x").Obj()},
			preemptor: preemptor("default", "web", userHigh, "1"),
			want:      []outcome{placed("w-1", 1, "fake-mirror")},
		},
		{
			// Everything a tenant can write: the annotation, spec.nodeName
			// and an owner reference naming the Node, but not the Node's
			// UID, which only the kubelet copies from its Node.
			name:  "a user pod claiming to be a static pod (annotation, nodeName, a Node owner of another UID) gets no exemption",
			nodes: []*v1.Node{w1},
			pods: []*v1.Pod{func() *v1.Pod {
				p := mirrorOf(running("default", "fake-mirror", "w-1", userLow, "1", 1)).Obj()
				p.OwnerReferences[0].UID = "forged"
				return p
			}()},
			preemptor: preemptor("default", "web", userHigh, "1"),
			want:      []outcome{placed("w-1", 1, "fake-mirror")},
		},
		// The policy is the profile's.
		{
			name:        "the profile's policy trusts namespace infra: a user pod does not preempt its pods",
			policy:      infraTrusted,
			nodes:       []*v1.Node{w1},
			pods:        []*v1.Pod{running("infra", "log-agent", "w-1", userLow, "1", 1).Obj()},
			preemptor:   preemptor("default", "web", userHigh, "1"),
			want:        []outcome{refused("preemption: 0/1 nodes are available: 1 protected: pods of trusted namespace infra are not preempted by pods of untrusted namespaces.")},
			wantRefused: map[string]float64{RuleTrusted: 1},
		},
		{
			name:      "the default policy does not trust namespace infra: the same pod may go",
			nodes:     []*v1.Node{w1},
			pods:      []*v1.Pod{running("infra", "log-agent", "w-1", userLow, "1", 1).Obj()},
			preemptor: preemptor("default", "web", userHigh, "1"),
			want:      []outcome{placed("w-1", 1, "log-agent")},
		},
		{
			name:        "the profile's components: api keeps two replicas available",
			policy:      apiKeepsTwo,
			nodes:       []*v1.Node{cp1, cp2},
			pods:        apiPods,
			preemptor:   admin,
			want:        []outcome{refused("preemption: 0/2 nodes are available: 2 protected: kube-system/api must keep 2 of 2 replicas available.")},
			wantRefused: map[string]float64{RuleMinAvailable: 2},
		},
		{
			name:      "the default components: the same api pods are not disruption-controlled",
			nodes:     []*v1.Node{cp1, cp2},
			pods:      apiPods,
			preemptor: admin,
			want:      []outcome{placed("cp-1", 1, "api-1"), placed("cp-2", 1, "api-2")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			e := newEnv(t, ctx, tt.policy, tt.args, false, tt.nodes, tt.pods, tt.pdbs, tt.controllers, tt.preemptor)
			before := map[string]float64{}
			for _, r := range Rules {
				before[r] = refusedCount(t, r)
			}

			res, status := e.postFilter(t, ctx, tt.preemptor, tt.nodes, tt.unresolvable...)
			e.checkOutcome(t, res, status, tt.want...)
			gotRefused := map[string]float64{}
			for _, r := range Rules {
				if n := refusedCount(t, r) - before[r]; n != 0 {
					gotRefused[r] = n
				}
			}
			if diff := cmp.Diff(tt.wantRefused, gotRefused, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("refused victims by rule (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPreEnqueue: DefaultPreemption's gate is kept; a pod that is not
// running a preemption passes it.
func TestPreEnqueue(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(map[bool]string{false: "sync", true: "async"}[async], func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			e := newEnv(t, ctx, nil, nil, async, []*v1.Node{node("n", "1")}, nil, nil, nil)
			if diff := cmp.Diff((*fwk.Status)(nil), e.pl.PreEnqueue(ctx, preemptor("default", "p", 1, "1"))); diff != "" {
				t.Errorf("PreEnqueue (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEventsToRegister: DefaultPreemption's events are kept: with
// asynchronous preemption the gate lifts on assigned pod deletions, and the
// hint leaves requeueing to the plugins that rejected the pod.
func TestEventsToRegister(t *testing.T) {
	tests := []struct {
		name      string
		async     bool
		want      []fwk.ClusterEventWithHint
		wantHints []fwk.QueueingHint
	}{
		{
			name:      "async",
			async:     true,
			want:      []fwk.ClusterEventWithHint{{Event: fwk.ClusterEvent{Resource: fwk.AssignedPod, ActionType: fwk.Delete}}},
			wantHints: []fwk.QueueingHint{fwk.QueueSkip},
		},
		{
			name: "sync: the gate never holds a pod",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, ctx := ktesting.NewTestContext(t)
			e := newEnv(t, ctx, nil, nil, tt.async, []*v1.Node{node("n", "1")}, nil, nil, nil)
			got, err := e.pl.EventsToRegister(ctx)
			require.NoError(t, err)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(fwk.ClusterEventWithHint{}, "QueueingHintFn")); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			var hints []fwk.QueueingHint
			deleted := running("default", "gone", "n", userLow, "1", 1).Obj()
			for _, ev := range got {
				require.NotNil(t, ev.QueueingHintFn, "hint of %v", ev.Event)
				h, err := ev.QueueingHintFn(logger, preemptor("default", "p", 1, "1"), deleted, nil)
				require.NoError(t, err)
				hints = append(hints, h)
			}
			if diff := cmp.Diff(tt.wantHints, hints); diff != "" {
				t.Errorf("hints (-want +got):\n%s", diff)
			}
		})
	}
}
