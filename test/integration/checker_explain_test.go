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
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	hccluster "github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/explain"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// "Why" and "what if" on a real cluster, with the policy of the shipped
// secondary configuration and the real ha-scheduler running it: a user pod
// that selects control-plane nodes and a kube-controller-manager replica
// that fits nowhere the spread allows are both left pending by the
// scheduler, and Explain says why in the scheduler's terms (the emptiest
// host it names is the one the scheduler's message names); a placed etcd
// member's protection; what a zone, a host and a node would take down.
//
// Zone zone-a holds cp-1 (hyper-1), cp-2 (hyper-2) and worker-1; zone-b
// cp-3 (hyper-3) and worker-2. kube-scheduler runs on cp-1 and cp-2 (two
// hosts of one zone), etcd on all three, kube-controller-manager on cp-1.
// cp-2 and cp-3 have one CPU: a replica asking for two fits only on cp-1,
// whose host the spread rejects.
func TestCheckerExplainAndWhatIf(t *testing.T) {
	startSecondary(t,
		smallCPU(controlPlaneNode("cp-1", "zone-a", "hyper-1"), "4"),
		smallCPU(controlPlaneNode("cp-2", "zone-a", "hyper-2"), "1"),
		smallCPU(controlPlaneNode("cp-3", "zone-b", "hyper-3"), "1"),
		workerNode("worker-1", "zone-a", "hyper-4"),
		workerNode("worker-2", "zone-b", "hyper-5"),
	)
	placed := func(p *v1.Pod, node string) {
		t.Helper()
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
		cluster.SetReady(t, p.Namespace, p.Name, true)
	}
	placed(componentPod("kube-scheduler-1", map[string]string{"component": "kube-scheduler"}), "cp-1")
	placed(componentPod("kube-scheduler-2", map[string]string{"component": "kube-scheduler"}), "cp-2")
	placed(componentPod("etcd-1", map[string]string{"component": "etcd"}), "cp-1")
	placed(componentPod("etcd-2", map[string]string{"component": "etcd"}), "cp-2")
	placed(componentPod("etcd-3", map[string]string{"component": "etcd"}), "cp-3")
	placed(componentPod("kube-controller-manager-1", map[string]string{"component": "kube-controller-manager"}), "cp-1")
	placed(pod("shop", "api-0", map[string]string{"app": "api"}), "worker-1")
	cluster.CreatePDB(t, "kube-system", "etcd", map[string]string{"component": "etcd"}, 1, 3, 1)

	admin := pod("shop", "admin", map[string]string{"app": "admin"})
	admin.Spec.NodeSelector = map[string]string{policy.LabelControlPlane: ""}
	cluster.CreatePod(t, admin)
	adminMsg := cluster.WaitUnschedulable(t, "shop", "admin")
	kcm := componentPod("kube-controller-manager-2", map[string]string{"component": "kube-controller-manager"})
	kcm.Spec.Containers = []v1.Container{{Name: "main", Resources: v1.ResourceRequirements{
		Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("2")},
	}}}
	cluster.CreatePod(t, kcm)
	kcmMsg := cluster.WaitUnschedulable(t, "kube-system", "kube-controller-manager-2")
	// The scheduler names the emptiest eligible host; so must Explain.
	const emptiest = "topology.scs.community/host-id=hyper-2 holds 0"
	if !strings.Contains(kcmMsg, emptiest) {
		t.Fatalf("the scheduler's message does not name %q: %s", emptiest, kcmMsg)
	}

	raw, err := os.ReadFile(harness.ManifestPath("secondary/config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := policysource.Load(raw, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := hccluster.Load(ctx, cluster.Client, hccluster.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}

	cpReserved := v1alpha1.Rejection{Rule: v1alpha1.RuleWorkloadSeparation, Reason: "control-plane node, reserved for control-plane components"}
	cpTaint := v1alpha1.Rejection{Rule: v1alpha1.RuleNodeUnusable, Reason: "taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated"}
	cpOnly := v1alpha1.Rejection{Rule: v1alpha1.RuleWorkloadSeparation, Reason: "worker node; nodeRole ControlPlane keeps the pod on control-plane nodes"}
	node := func(name, role, zone, host string, rs ...v1alpha1.Rejection) v1alpha1.NodeVerdict {
		return v1alpha1.NodeVerdict{Node: name, Role: role, Zone: zone, Host: host, Rejections: rs}
	}
	cpClass := func(component string, quorum bool) v1alpha1.PodClass {
		c := v1alpha1.PodClass{
			Kind: v1alpha1.ClassComponent, Component: component, TrustedNamespace: true,
			NodeRole: string(policy.PlaceControlPlane), AllowedRoles: []string{"control-plane"},
			Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: quorum,
		}
		if !quorum {
			c.MinAvailable = 1
		}
		return c
	}
	explained := map[string]*v1alpha1.Explanation{
		"shop/admin": {
			Pod: "shop/admin", SchedulerName: haScheduler, State: v1alpha1.PodPending, SchedulerMessage: adminMsg,
			Class: v1alpha1.PodClass{
				Kind: v1alpha1.ClassUserWorkload, NodeRole: string(policy.PlaceWorker), AllowedRoles: []string{"worker"},
				Spread: string(policy.SpreadPreferred),
			},
			Group: v1alpha1.ExplainedGroup{
				ComponentReplica: v1alpha1.ComponentReplica{
					Group: "shop/app=admin", NodeRole: "Worker", Spread: string(policy.SpreadPreferred),
					Desired: 1, Replicas: 1, PerZone: map[string]int{}, PerHost: map[string]int{},
				},
				PerNode: map[string]int{},
				Members: []v1alpha1.GroupMember{{Pod: "shop/admin", State: v1alpha1.PodPending}},
			},
			Spread: []v1alpha1.SpreadLevel{
				{Level: policy.LabelZone, Replicas: map[string]int{}},
				{Level: policy.LabelHostID, Replicas: map[string]int{}},
				{Level: policy.LabelHostname, Replicas: map[string]int{}},
			},
			Nodes: []v1alpha1.NodeVerdict{
				node("cp-1", "control-plane", "zone-a", "hyper-1", cpReserved, cpTaint),
				node("cp-2", "control-plane", "zone-a", "hyper-2", cpReserved, cpTaint),
				node("cp-3", "control-plane", "zone-b", "hyper-3", cpReserved, cpTaint),
				node("worker-1", "worker", "zone-a", "hyper-4"),
				node("worker-2", "worker", "zone-b", "hyper-5"),
			},
			Protection: v1alpha1.Protection{PreemptibleBy: v1alpha1.PreemptibleByAny},
		},
		"kube-system/kube-controller-manager-2": {
			Pod: "kube-system/kube-controller-manager-2", SchedulerName: haScheduler, State: v1alpha1.PodPending, SchedulerMessage: kcmMsg,
			Class: cpClass("kube-controller-manager", false),
			Group: v1alpha1.ExplainedGroup{
				ComponentReplica: v1alpha1.ComponentReplica{
					Group: "kube-system/kube-controller-manager", Component: "kube-controller-manager", NodeRole: "ControlPlane",
					Spread: string(policy.SpreadRequired), DisruptionControlled: true,
					Desired: 2, Replicas: 2, Placed: 1, Available: 1, MinAvailable: 1,
					PerZone: map[string]int{"zone-a": 1}, PerHost: map[string]int{"hyper-1": 1},
				},
				PerNode: map[string]int{"cp-1": 1},
				Members: []v1alpha1.GroupMember{
					{Pod: "kube-system/kube-controller-manager-1", Node: "cp-1", State: v1alpha1.PodAvailable},
					{Pod: "kube-system/kube-controller-manager-2", State: v1alpha1.PodPending},
				},
			},
			Spread: []v1alpha1.SpreadLevel{
				{Level: policy.LabelZone, Replicas: map[string]int{"zone-a": 1}},
				{Level: policy.LabelHostID, Replicas: map[string]int{"hyper-1": 1}, Required: true, Emptiest: &v1alpha1.DomainReplicas{Domain: "hyper-2"}},
				{Level: policy.LabelHostname, Replicas: map[string]int{"cp-1": 1}},
			},
			Nodes: []v1alpha1.NodeVerdict{
				node("cp-1", "control-plane", "zone-a", "hyper-1", v1alpha1.Rejection{Rule: v1alpha1.RuleFailureDomainSpread,
					Reason: "topology.scs.community/host-id hyper-1 holds 1 replica of kube-system/kube-controller-manager, more than the emptiest eligible one (hyper-2 holds 0)"}),
				// Our rules let it run on cp-2 and cp-3; resources (not
				// evaluated) do not.
				node("cp-2", "control-plane", "zone-a", "hyper-2"),
				node("cp-3", "control-plane", "zone-b", "hyper-3"),
				node("worker-1", "worker", "zone-a", "hyper-4", cpOnly),
				node("worker-2", "worker", "zone-b", "hyper-5", cpOnly),
			},
			Protection: v1alpha1.Protection{
				PreemptibleBy: v1alpha1.PreemptibleByComponents,
				Group:         &v1alpha1.GroupBudget{Group: "kube-system/kube-controller-manager", Desired: 2, MinAvailable: 1, Available: 1},
			},
		},
		"kube-system/etcd-3": {
			Pod: "kube-system/etcd-3", SchedulerName: haScheduler, State: v1alpha1.PodAvailable, Node: "cp-3", Zone: "zone-b", Host: "hyper-3",
			Class: cpClass("etcd", true),
			Group: v1alpha1.ExplainedGroup{
				ComponentReplica: v1alpha1.ComponentReplica{
					Group: "kube-system/etcd", Component: "etcd", NodeRole: "ControlPlane",
					Spread: string(policy.SpreadRequired), DisruptionControlled: true, Quorum: true,
					Desired: 3, Replicas: 3, Placed: 3, Available: 3, MinAvailable: 2,
					PerZone: map[string]int{"zone-a": 2, "zone-b": 1},
					PerHost: map[string]int{"hyper-1": 1, "hyper-2": 1, "hyper-3": 1},
				},
				PerNode: map[string]int{"cp-1": 1, "cp-2": 1, "cp-3": 1},
				Members: []v1alpha1.GroupMember{
					{Pod: "kube-system/etcd-1", Node: "cp-1", State: v1alpha1.PodAvailable},
					{Pod: "kube-system/etcd-2", Node: "cp-2", State: v1alpha1.PodAvailable},
					{Pod: "kube-system/etcd-3", Node: "cp-3", State: v1alpha1.PodAvailable},
				},
			},
			Protection: v1alpha1.Protection{
				PreemptibleBy: v1alpha1.PreemptibleByComponents,
				Group:         &v1alpha1.GroupBudget{Group: "kube-system/etcd", Desired: 3, MinAvailable: 2, Available: 3, MayGo: 1},
				PDBs:          []v1alpha1.PDBBudget{{Name: "kube-system/etcd", Spec: "maxUnavailable 1", MayGo: 1}},
			},
		},
	}
	for _, name := range []string{"shop/admin", "kube-system/kube-controller-manager-2", "kube-system/etcd-3"} {
		ns, n, _ := strings.Cut(name, "/")
		got, err := explain.Explain(model.New(src.Policy, c), ns, n)
		if err != nil {
			t.Fatalf("Explain %s: %v", name, err)
		}
		if diff := cmp.Diff(explained[name], got); diff != "" {
			t.Errorf("Explain %s (-want +got):\n%s", name, diff)
		}
		var text strings.Builder
		if err := (printers.Text{}).PrintObj(got, &text); err != nil {
			t.Fatal(err)
		}
		t.Logf("explain %s:\n%s", name, text.String())
	}
	if _, err := explain.Explain(model.New(src.Policy, c), "shop", "gone"); err == nil || err.Error() != "pod shop/gone: not found among the cluster's unfinished pods" {
		t.Errorf("Explain of a pod that does not exist: %v", err)
	}

	empty := func(f v1alpha1.Failure, level, domain string, nodes ...string) *v1alpha1.WhatIf {
		return &v1alpha1.WhatIf{
			Failure: f, Level: level, Domain: domain, Nodes: nodes,
			ComponentsLost: []v1alpha1.GroupLoss{}, QuorumLost: []v1alpha1.QuorumLoss{},
			BelowMinimum: []v1alpha1.MinimumLoss{}, UserGroupsLost: []v1alpha1.GroupLoss{},
		}
	}
	zoneA := empty(v1alpha1.Failure{Zone: "zone-a"}, v1alpha1.LevelZone, "zone-a", "cp-1", "cp-2", "worker-1")
	zoneA.ComponentsLost = []v1alpha1.GroupLoss{
		{Group: "kube-system/kube-controller-manager", Lost: 1, Desired: 2, Protected: true},
		{Group: "kube-system/kube-scheduler", Lost: 2, Desired: 2, Protected: true},
	}
	zoneA.QuorumLost = []v1alpha1.QuorumLoss{{Group: "kube-system/etcd", Members: 3, Survivors: 1, Quorum: 2}}
	zoneA.UserGroupsLost = []v1alpha1.GroupLoss{{Group: "shop/app=api", Lost: 1, Desired: 1}}
	nodeCP1 := empty(v1alpha1.Failure{Node: "cp-1"}, v1alpha1.LevelNode, "cp-1", "cp-1")
	nodeCP1.ComponentsLost = []v1alpha1.GroupLoss{{Group: "kube-system/kube-controller-manager", Lost: 1, Desired: 2, Protected: true}}
	for _, tc := range []struct {
		failure v1alpha1.Failure
		want    *v1alpha1.WhatIf
	}{
		{v1alpha1.Failure{Zone: "zone-a"}, zoneA},
		{v1alpha1.Failure{Host: "hyper-3"}, empty(v1alpha1.Failure{Host: "hyper-3"}, v1alpha1.LevelHost, "hyper-3", "cp-3")},
		{v1alpha1.Failure{Node: "cp-1"}, nodeCP1},
	} {
		got, err := explain.WhatIf(model.New(src.Policy, c), tc.failure)
		if err != nil {
			t.Fatalf("WhatIf %+v: %v", tc.failure, err)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("WhatIf %+v (-want +got):\n%s", tc.failure, diff)
		}
		var text strings.Builder
		if err := (printers.Text{}).PrintObj(got, &text); err != nil {
			t.Fatal(err)
		}
		t.Logf("what-if %+v:\n%s", tc.failure, text.String())
	}
	if _, err := explain.WhatIf(model.New(src.Policy, c), v1alpha1.Failure{Zone: "zone-z"}); err == nil || err.Error() != `zone "zone-z" matches no node; the cluster's zones: zone-a, zone-b` {
		t.Errorf("WhatIf of a zone without nodes: %v", err)
	}

	// The commands give the same answers, as versioned objects, with the
	// scheduler's configuration; what-if exits 2 when something is lost.
	config := harness.ManifestPath("secondary/config.yaml")
	var gotExplain v1alpha1.Explanation
	code := runCheckerCommand(t, &gotExplain, "explain", "kube-system/kube-controller-manager-2", "--config", config, "-o", "json")
	wantSource := "file " + config + ", profile ha-scheduler"
	if code != 0 || gotExplain.APIVersion != "ha-check.ha-scheduler.io/v1alpha1" || gotExplain.Kind != "Explanation" || gotExplain.PolicySource != wantSource {
		t.Errorf("ha-check explain: exit %d, apiVersion %q, kind %q, policySource %q; want 0, ha-check.ha-scheduler.io/v1alpha1, Explanation, %q",
			code, gotExplain.APIVersion, gotExplain.Kind, gotExplain.PolicySource, wantSource)
	}
	// The library leaves those three to the command.
	gotExplain.TypeMeta, gotExplain.PolicySource = v1alpha1.TypeMeta{}, ""
	if diff := cmp.Diff(explained["kube-system/kube-controller-manager-2"], &gotExplain); diff != "" {
		t.Errorf("ha-check explain (-library +command):\n%s", diff)
	}
	for _, tc := range []struct {
		args     []string
		want     *v1alpha1.WhatIf
		wantCode int
	}{
		{[]string{"--zone", "zone-a"}, zoneA, 2},
		{[]string{"--host", "hyper-3"}, empty(v1alpha1.Failure{Host: "hyper-3"}, v1alpha1.LevelHost, "hyper-3", "cp-3"), 0},
	} {
		var got v1alpha1.WhatIf
		code := runCheckerCommand(t, &got, append([]string{"what-if", "--config", config, "-o", "json"}, tc.args...)...)
		if code != tc.wantCode || got.Kind != "WhatIf" || got.PolicySource != wantSource {
			t.Errorf("ha-check what-if %v: exit %d, kind %q, policySource %q; want %d, WhatIf, %q", tc.args, code, got.Kind, got.PolicySource, tc.wantCode, wantSource)
		}
		got.TypeMeta, got.PolicySource = v1alpha1.TypeMeta{}, ""
		if diff := cmp.Diff(tc.want, &got); diff != "" {
			t.Errorf("ha-check what-if %v (-library +command):\n%s", tc.args, diff)
		}
	}
}

// runCheckerCommand runs the ha-check binary on the test cluster and
// decodes its JSON output into into; it returns the exit code.
func runCheckerCommand(t *testing.T, into any, args ...string) int {
	t.Helper()
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig", cluster.KubeconfigPath}, args...)...).Output()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
		if code == 1 {
			t.Fatalf("ha-check %v: exit 1: %s", args, exitErr.Stderr)
		}
	} else if err != nil {
		t.Fatalf("running ha-check %v: %v", args, err)
	}
	if err := json.Unmarshal(out, into); err != nil {
		t.Fatalf("ha-check %v: output is not JSON: %v\n%s", args, err, out)
	}
	return code
}

func smallCPU(n harness.NodeSpec, cpu string) harness.NodeSpec {
	n.CPU = cpu
	return n
}
