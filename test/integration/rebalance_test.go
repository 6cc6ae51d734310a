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
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	authnv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/failuredomainspread"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// rebalanceGroup is a Deployment of the test and the labels of its pods.
type rebalanceGroup struct {
	namespace, name string
	labels          map[string]string
	replicas        int32
	// floor is the fewest available replicas it may have while --apply
	// runs: one at a time (desired less one), which its policy minimum
	// and its budget (web: minAvailable 5) never exceed.
	floor int
}

var (
	// CoreDNS as kubeadm runs it: component kube-dns, control-plane
	// nodes, spread Preferred, not disruption-controlled.
	rebalanceDNS = rebalanceGroup{namespace: "kube-system", name: "coredns", labels: map[string]string{"k8s-app": "kube-dns"}, replicas: 3, floor: 2}
	// A user Deployment with a PodDisruptionBudget of minAvailable 5.
	rebalanceWeb = rebalanceGroup{namespace: "shop", name: "web", labels: map[string]string{"app": "web"}, replicas: 6, floor: 5}
)

// TestRebalanceAfterAZoneOutage is issue 26's test, on the real API
// server, with kube-controller-manager's disruption, ReplicaSet,
// Deployment, StatefulSet and taint-eviction controllers, the real
// ha-scheduler and the ha-check binary: zone c goes NotReady, the
// taint-eviction controller evicts its CoreDNS and web replicas, the
// Deployments recreate them and ha-scheduler places them in zones a and b;
// zone c comes back; `ha-check rebalance` plans the moves back; a budget
// that forbids the first move stops --apply with the budget's name and
// nothing evicted; without it, --apply (as a ServiceAccount bound to the
// shipped rebalance role alone), killed in the middle of its second move
// and run again, restores one replica per zone of CoreDNS and two of web
// while the test watches, event by event, that no group ever has fewer
// available replicas than one less than it wants.
func TestRebalanceAfterAZoneOutage(t *testing.T) {
	started := time.Now()
	var nodes []harness.NodeSpec
	for _, z := range []string{"a", "b", "c"} {
		nodes = append(nodes,
			harness.NodeSpec{Name: "cp-" + z, Labels: map[string]string{policy.LabelControlPlane: "", policy.LabelZone: z, policy.LabelHostID: "hv-cp-" + z}},
			harness.NodeSpec{Name: "w-" + z + "1", Labels: map[string]string{policy.LabelZone: z, policy.LabelHostID: "hv-" + z + "1"}},
			harness.NodeSpec{Name: "w-" + z + "2", Labels: map[string]string{policy.LabelZone: z, policy.LabelHostID: "hv-" + z + "2"}},
		)
	}
	scheduler := startSecondary(t, nodes...)
	startControllers(t)
	cluster.StartKubelets(t)
	ctx := context.Background()

	for _, g := range []rebalanceGroup{rebalanceDNS, rebalanceWeb} {
		createDeployment(t, g)
	}
	createPDB(t, "shop", "web", rebalanceWeb.labels, 5)
	waitSpread(t, rebalanceDNS, map[string]int{"a": 1, "b": 1, "c": 1})
	waitSpread(t, rebalanceWeb, map[string]int{"a": 2, "b": 2, "c": 2})

	// Zone c fails; its replicas are evicted (tolerationSeconds 1) and
	// recreated in zones a and b.
	for _, n := range []string{"cp-c", "w-c1", "w-c2"} {
		cluster.MarkNodeNotReady(t, n)
	}
	dnsAB := waitSpreadWithout(t, rebalanceDNS, "c")
	webAB := waitSpreadWithout(t, rebalanceWeb, "c")
	if diff := cmp.Diff(map[string]int{"a": 3, "b": 3}, webAB); diff != "" {
		t.Fatalf("web after the outage (-want +got):\n%s", diff)
	}
	// Zone c comes back; its kubelets remove the pods evicted there.
	for _, n := range []string{"cp-c", "w-c1", "w-c2"} {
		cluster.MarkNodeReady(t, n)
	}
	waitNoTerminating(t, "kube-system", "shop")

	// The plan: CoreDNS from the zone that took two, web from a and b,
	// all to c.
	var plan v1alpha1.RebalancePlan
	if code := runCheckerCommand(t, &plan, "rebalance", "-o", "json", "--config", harness.ManifestPath("secondary/config.yaml")); code != 0 {
		t.Fatalf("ha-check rebalance: exit %d", code)
	}
	crowded := "a"
	if dnsAB["b"] == 2 {
		crowded = "b"
	}
	wantPlan := map[string][]string{
		"kube-system/kube-dns": {fmt.Sprintf("zone %s 2→1, c 0→1", crowded)},
		"shop/Deployment/web":  {"zone a 3→2, c 0→1", "zone b 3→2, c 1→2"},
	}
	got := planSummary(plan)
	if w := got["shop/Deployment/web"]; len(w) == 2 && strings.HasPrefix(w[0], "zone b") {
		wantPlan["shop/Deployment/web"] = []string{"zone b 3→2, c 0→1", "zone a 3→2, c 1→2"}
	}
	if diff := cmp.Diff(wantPlan, got); diff != "" || plan.Moves != 3 {
		t.Fatalf("plan (-want +got):\n%s\nmoves %d, want 3; plan: %+v", diff, plan.Moves, plan)
	}
	// The scheduler's gauge counts the same two groups (its second look
	// reads their ReplicaSets from the API server). It counts once a
	// minute, so this waits up to a minute; that it falls back to 0 once
	// the groups are spread is the unit tests' (one replica per zone).
	waitRebalanceGauge(t, scheduler, 2)

	// A budget that allows CoreDNS no disruption stops --apply at its
	// first move (kube-system/kube-dns comes first), evicting nothing.
	// --apply runs as a ServiceAccount bound to the shipped role of
	// rebalance alone (the checker's reads and create on pods/eviction).
	kubeconfig := rebalanceServiceAccount(t)
	createPDB(t, "kube-system", "coredns-all", rebalanceDNS.labels, 3)
	waitBudget(t, "kube-system", "coredns-all", 0)
	before := podUIDs(t, "kube-system", "shop")
	code, stderr := runRebalanceApply(t, kubeconfig, "--timeout", "20s")
	if code != 2 || !strings.Contains(stderr, "PodDisruptionBudget kube-system/coredns-all") || !strings.Contains(stderr, "was refused") || !strings.Contains(stderr, "nothing was evicted") {
		t.Fatalf("rebalance --apply with a budget that forbids the move: exit %d, want 2 and a message naming the budget; stderr:\n%s", code, stderr)
	}
	if diff := cmp.Diff(before, podUIDs(t, "kube-system", "shop")); diff != "" {
		t.Fatalf("pods changed although the eviction was refused (-before +after):\n%s", diff)
	}
	t.Logf("refused:\n%s", stderr)
	if err := cluster.Client.PolicyV1().PodDisruptionBudgets("kube-system").Delete(ctx, "coredns-all", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}

	// --apply, watched: every group keeps its floor at every event. The
	// first run is killed once it has evicted the pod of its second move;
	// run again when the groups have recovered, it picks up where the
	// cluster is and makes the moves left.
	watch := watchAvailable(t, rebalanceDNS, rebalanceWeb)
	killedAfter := runRebalanceApplyKilled(t, kubeconfig, "move 2: evicting ", "--timeout", "60s")
	t.Logf("rebalance --apply, killed after its second eviction:\n%s", killedAfter)
	waitRecovered(t, rebalanceDNS, rebalanceWeb)
	code, stderr = runRebalanceApply(t, kubeconfig, "--timeout", "60s")
	lowest := watch.stop()
	t.Logf("rebalance --apply, run again:\n%s", stderr)
	if code != 0 || !strings.Contains(stderr, "done: ") || strings.Contains(stderr, "not planned") || strings.Contains(strings.ToLower(stderr), "forbidden") {
		t.Fatalf("rebalance --apply run again: exit %d, want 0 and done; stderr:\n%s", code, stderr)
	}
	wantLowest := map[string]int{rebalanceDNS.name: rebalanceDNS.floor, rebalanceWeb.name: rebalanceWeb.floor}
	if diff := cmp.Diff(wantLowest, lowest); diff != "" {
		t.Errorf("fewest available replicas seen while --apply ran (-want +got):\n%s", diff)
	}
	waitSpread(t, rebalanceDNS, map[string]int{"a": 1, "b": 1, "c": 1})
	waitSpread(t, rebalanceWeb, map[string]int{"a": 2, "b": 2, "c": 2})

	// Run again: nothing left to move.
	plan = v1alpha1.RebalancePlan{}
	if code := runCheckerCommand(t, &plan, "rebalance", "-o", "json", "--config", harness.ManifestPath("secondary/config.yaml")); code != 0 || plan.Moves != 0 {
		t.Fatalf("ha-check rebalance after --apply: exit %d, %d moves, want 0: %+v", code, plan.Moves, plan)
	}
	t.Logf("TestRebalanceAfterAZoneOutage took %s", time.Since(started).Round(time.Second))
}

// waitRebalanceGauge waits until the scheduler's rebalance gauge for the
// shipped profile reads want: it counts once a minute.
func waitRebalanceGauge(t *testing.T, s *harness.Scheduler, want float64) {
	t.Helper()
	var got float64
	var present bool
	err := wait.PollUntilContextTimeout(context.Background(), time.Second, 90*time.Second, true, func(context.Context) (bool, error) {
		code, body, err := s.Get("/metrics")
		if err != nil || code != 200 {
			return false, nil
		}
		got, present = shipMetric(body, failuredomainspread.MetricRebalancePossibleGroups, map[string]string{"profile": haScheduler})
		return present && got == want, nil
	})
	if err != nil {
		t.Fatalf("%s{profile=%q} = %v (present %v), want %v within 90s (it counts every minute)", failuredomainspread.MetricRebalancePossibleGroups, haScheduler, got, present, want)
	}
}

// startControllers runs the real kube-controller-manager (built from the
// pinned modules) with the controllers the outage needs: the Deployment
// and ReplicaSet controllers recreate evicted replicas, the
// taint-eviction controller evicts the pods of a NotReady node once their
// tolerationSeconds pass, the disruption controller keeps the budgets'
// status (the DaemonSet controller only for an index, below). No node
// lifecycle controller: the nodes have no kubelet, the
// test marks them.
func startControllers(t *testing.T) {
	t.Helper()
	bin, err := harness.Binary("KUBE_CONTROLLER_MANAGER_BIN", "_output/bin/kube-controller-manager", "hack/build-binaries.sh kube-controller-manager")
	if err != nil {
		t.Fatal(err)
	}
	kcm, err := harness.StartProcess("kube-controller-manager", bin, filepath.Join(t.TempDir(), "kube-controller-manager.log"),
		"--kubeconfig", cluster.KubeconfigPath,
		// daemonset-controller for the index of pods by node it adds to
		// the shared pod informer: the taint-eviction controller reads
		// that index and does not add it (the node lifecycle controller,
		// which cannot run here, would); without it no pod is evicted
		// ("Index with name spec.nodeName does not exist", 1.37.2).
		"--controllers", "disruption-controller,replicaset-controller,deployment-controller,statefulset-controller,taint-eviction-controller,daemonset-controller",
		"--leader-elect=false",
		"--secure-port=0",
		"--v=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kube-controller-manager log:\n%s", kcm.LogTail(400))
		}
		kcm.Stop(10 * time.Second)
	})
}

// createDeployment creates the group's Deployment, scheduled by
// ha-scheduler. Its pods tolerate a NotReady or unreachable node for 1s
// (the taint-eviction controller then evicts them) and take 30s to stop
// (on a node that is down, they stay terminating until it comes back).
func createDeployment(t *testing.T, g rebalanceGroup) {
	t.Helper()
	cluster.EnsureNamespace(t, g.namespace)
	tolerate := func(key string) v1.Toleration {
		return v1.Toleration{Key: key, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](1)}
	}
	d := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: g.namespace, Name: g.name},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(g.replicas),
			Selector: &metav1.LabelSelector{MatchLabels: g.labels},
			Template: v1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: g.labels},
				Spec: v1.PodSpec{
					SchedulerName:                 "ha-scheduler",
					TerminationGracePeriodSeconds: ptr.To[int64](30),
					Tolerations:                   []v1.Toleration{tolerate(v1.TaintNodeNotReady), tolerate(v1.TaintNodeUnreachable)},
					Containers: []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10",
						Resources: v1.ResourceRequirements{Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse("100m")}}}},
				},
			},
		},
	}
	if _, err := cluster.Client.AppsV1().Deployments(g.namespace).Create(context.Background(), d, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating Deployment %s/%s: %v", g.namespace, g.name, err)
	}
}

// createPDB creates a budget of minAvailable over the pods with labels.
func createPDB(t *testing.T, ns, name string, labels map[string]string, minAvailable int) {
	t.Helper()
	pdb := &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable: ptr.To(intstr.FromInt(minAvailable)),
			Selector:     &metav1.LabelSelector{MatchLabels: labels},
		},
	}
	if _, err := cluster.Client.PolicyV1().PodDisruptionBudgets(ns).Create(context.Background(), pdb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// waitBudget waits until the disruption controller has computed the
// budget's status for its spec, allowing allowed disruptions.
func waitBudget(t *testing.T, ns, name string, allowed int32) {
	t.Helper()
	var pdb *policyv1.PodDisruptionBudget
	err := cluster.Poll(func(ctx context.Context) (bool, error) {
		var err error
		pdb, err = cluster.Client.PolicyV1().PodDisruptionBudgets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		return pdb.Status.ObservedGeneration == pdb.Generation && pdb.Status.ExpectedPods > 0 && pdb.Status.DisruptionsAllowed == allowed, nil
	})
	if err != nil {
		t.Fatalf("PodDisruptionBudget %s/%s: status %+v: %v", ns, name, pdb.Status, err)
	}
}

// available returns the group's available replicas per zone: Ready, not
// terminating, on a node that is up; and how many of its pods are not.
func available(ctx context.Context, g rebalanceGroup) (map[string]int, int, error) {
	nodes, err := cluster.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, 0, err
	}
	byName := map[string]*v1.Node{}
	for i := range nodes.Items {
		byName[nodes.Items[i].Name] = &nodes.Items[i]
	}
	pods, err := cluster.Client.CoreV1().Pods(g.namespace).List(ctx, metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: g.labels})})
	if err != nil {
		return nil, 0, err
	}
	perZone, other := map[string]int{}, 0
	for i := range pods.Items {
		p := &pods.Items[i]
		n := byName[p.Spec.NodeName]
		if n == nil || !policy.NodeCanRunPods(n) || !policy.IsAvailable(p) {
			other++
			continue
		}
		perZone[n.Labels[policy.LabelZone]]++
	}
	return perZone, other, nil
}

// waitSpread waits until the group's available replicas are want per
// zone, and it has no other pod.
func waitSpread(t *testing.T, g rebalanceGroup, want map[string]int) {
	t.Helper()
	var got map[string]int
	var other int
	err := cluster.Poll(func(ctx context.Context) (bool, error) {
		var err error
		got, other, err = available(ctx, g)
		return err == nil && other == 0 && cmp.Equal(want, got), err
	})
	if err != nil {
		t.Fatalf("%s/%s: available per zone %v (and %d other pods), want %v: %v\n%s", g.namespace, g.name, got, other, want, err, describePods(t, g))
	}
}

// describePods says where the group's pods are and in what state, for a
// failure's message.
func describePods(t *testing.T, g rebalanceGroup) string {
	t.Helper()
	pods, err := cluster.Client.CoreV1().Pods(g.namespace).List(context.Background(), metav1.ListOptions{LabelSelector: metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: g.labels})})
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	for _, p := range pods.Items {
		fmt.Fprintf(&b, "  %s on %q, %s, deleting %v, ready %v", p.Name, p.Spec.NodeName, p.Status.Phase, p.DeletionTimestamp != nil, policy.IsAvailable(&p))
		for _, c := range p.Status.Conditions {
			if c.Type == v1.PodScheduled && c.Status != v1.ConditionTrue {
				fmt.Fprintf(&b, ", %s: %s", c.Reason, c.Message)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// waitSpreadWithout waits until all the group's replicas are available
// outside the zone, and returns them per zone.
func waitSpreadWithout(t *testing.T, g rebalanceGroup, zone string) map[string]int {
	t.Helper()
	var got map[string]int
	err := cluster.Poll(func(ctx context.Context) (bool, error) {
		var err error
		got, _, err = available(ctx, g)
		if err != nil {
			return false, err
		}
		n := 0
		for _, c := range got {
			n += c
		}
		return got[zone] == 0 && n == int(g.replicas), nil
	})
	if err != nil {
		t.Fatalf("%s/%s: available per zone %v, want %d outside zone %s: %v\n%s", g.namespace, g.name, got, g.replicas, zone, err, describePods(t, g))
	}
	return got
}

// waitNoTerminating waits until the namespaces have no pod being deleted.
func waitNoTerminating(t *testing.T, namespaces ...string) {
	t.Helper()
	var left []string
	err := cluster.Poll(func(ctx context.Context) (bool, error) {
		left = nil
		for _, ns := range namespaces {
			pods, err := cluster.Client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return false, err
			}
			for _, p := range pods.Items {
				if p.DeletionTimestamp != nil {
					left = append(left, ns+"/"+p.Name)
				}
			}
		}
		return len(left) == 0, nil
	})
	if err != nil {
		t.Fatalf("pods still terminating: %v: %v", left, err)
	}
}

// podUIDs returns the namespaces' pods by name.
func podUIDs(t *testing.T, namespaces ...string) map[string]types.UID {
	t.Helper()
	out := map[string]types.UID{}
	for _, ns := range namespaces {
		pods, err := cluster.Client.CoreV1().Pods(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pods.Items {
			out[ns+"/"+p.Name] = p.UID
		}
	}
	return out
}

// planSummary words each group's moves: "zone a 3→2, c 0→1".
func planSummary(p v1alpha1.RebalancePlan) map[string][]string {
	out := map[string][]string{}
	for _, g := range p.Groups {
		for _, mv := range g.Moves {
			level := mv.Level
			if level == policy.LabelZone {
				level = "zone"
			}
			out[g.Group] = append(out[g.Group], fmt.Sprintf("%s %s %d→%d, %s %d→%d", level, mv.From.Domain, mv.From.Before, mv.From.After, mv.To.Domain, mv.To.Before, mv.To.After))
		}
	}
	return out
}

// rebalanceServiceAccount applies manifests/checker/rebalance-rbac.yaml,
// binds its ClusterRole to ServiceAccount kube-system/ha-check-rebalance
// and returns a kubeconfig with a token of that ServiceAccount.
func rebalanceServiceAccount(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	const name = "ha-check-rebalance"
	roleFile := harness.ManifestPath("checker/rebalance-rbac.yaml")
	if out, err := cluster.Kubectl(t, "apply", "--server-side", "-f", roleFile); err != nil {
		t.Fatalf("applying %s: %v\n%s", roleFile, err, out)
	}
	sa, err := cluster.Client.CoreV1().ServiceAccounts("kube-system").Create(ctx, &v1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	binding := &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name},
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: sa.Namespace, Name: sa.Name}},
	}
	if _, err := cluster.Client.RbacV1().ClusterRoleBindings().Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cluster.Client.RbacV1().ClusterRoleBindings().Delete(ctx, name, metav1.DeleteOptions{})
		_ = cluster.Client.RbacV1().ClusterRoles().Delete(ctx, name, metav1.DeleteOptions{})
		_ = cluster.Client.CoreV1().ServiceAccounts("kube-system").Delete(ctx, name, metav1.DeleteOptions{})
	})
	tr, err := cluster.Client.CoreV1().ServiceAccounts("kube-system").CreateToken(ctx, name, &authnv1.TokenRequest{
		Spec: authnv1.TokenRequestSpec{ExpirationSeconds: ptr.To[int64](3600)},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("TokenRequest for kube-system/%s: %v", name, err)
	}
	return cluster.WriteTokenKubeconfig(t, name, tr.Status.Token)
}

// runRebalanceApply runs `ha-check rebalance --apply` with the kubeconfig
// and the shipped secondary configuration's policy, and returns its exit
// code and stderr.
func runRebalanceApply(t *testing.T, kubeconfig string, args ...string) (int, string) {
	t.Helper()
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"rebalance", "--apply", "--kubeconfig", kubeconfig,
		"--config", harness.ManifestPath("secondary/config.yaml")}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return exitErr.ExitCode(), stderr.String()
	case err != nil:
		t.Fatalf("running ha-check rebalance --apply: %v", err)
	}
	return 0, stderr.String()
}

// runRebalanceApplyKilled runs `ha-check rebalance --apply` as
// runRebalanceApply does, and kills it once it has printed a line that
// begins with prefix and the pod that line names ("evicting ns/name") is
// being deleted or gone: in the middle of that move. It returns what the
// command printed on stderr until then.
func runRebalanceApplyKilled(t *testing.T, kubeconfig, prefix string, args ...string) string {
	t.Helper()
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"rebalance", "--apply", "--kubeconfig", kubeconfig,
		"--config", harness.ManifestPath("secondary/config.yaml")}, args...)...)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var printed strings.Builder
	var pod string
	scanner := bufio.NewScanner(pipe)
	for pod == "" && scanner.Scan() {
		line := scanner.Text()
		printed.WriteString(line + "\n")
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			pod, _, _ = strings.Cut(rest, " ")
		}
	}
	if pod == "" {
		_ = cmd.Wait()
		t.Fatalf("rebalance --apply ended without a line %q; stderr:\n%s", prefix, printed.String())
	}
	ns, name, _ := strings.Cut(pod, "/")
	err = cluster.Poll(func(ctx context.Context) (bool, error) {
		p, err := cluster.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		return err == nil && p.DeletionTimestamp != nil, err
	})
	if killErr := cmd.Process.Kill(); killErr != nil {
		t.Fatalf("killing rebalance --apply: %v", killErr)
	}
	_ = cmd.Wait() // killed: its exit status says so
	if err != nil {
		t.Fatalf("%s was not evicted: %v; stderr:\n%s", pod, err, printed.String())
	}
	return printed.String()
}

// waitRecovered waits until each group has all its replicas available
// and no other pod (none pending, terminating or not Ready).
func waitRecovered(t *testing.T, groups ...rebalanceGroup) {
	t.Helper()
	for _, g := range groups {
		var got map[string]int
		var other int
		err := cluster.Poll(func(ctx context.Context) (bool, error) {
			var err error
			got, other, err = available(ctx, g)
			n := 0
			for _, c := range got {
				n += c
			}
			return err == nil && other == 0 && n == int(g.replicas), err
		})
		if err != nil {
			t.Fatalf("%s/%s: available per zone %v (and %d other pods), want %d available: %v\n%s", g.namespace, g.name, got, other, g.replicas, err, describePods(t, g))
		}
	}
}

// availabilityWatch follows the groups' pods event by event (an informer:
// every change, in order) and keeps the fewest available replicas each
// group had after any event.
type availabilityWatch struct {
	mu   sync.Mutex
	pods map[types.UID]*v1.Pod
	// synced: the pods that existed when it started are all in pods;
	// only from then on does lowest count.
	synced bool
	lowest map[string]int
	groups []rebalanceGroup
	cancel context.CancelFunc
	done   sync.WaitGroup
}

// watchAvailable starts following the groups. The nodes are all up while
// it runs; only the pods' readiness and deletion count.
func watchAvailable(t *testing.T, groups ...rebalanceGroup) *availabilityWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &availabilityWatch{pods: map[types.UID]*v1.Pod{}, lowest: map[string]int{}, groups: groups, cancel: cancel}
	factory := informers.NewSharedInformerFactory(cluster.Client, 0)
	inf := factory.Core().V1().Pods().Informer()
	reg, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(obj any) { w.saw(obj, false) },
		UpdateFunc: func(_, obj any) { w.saw(obj, false) },
		DeleteFunc: func(obj any) { w.saw(obj, true) },
	})
	if err != nil {
		t.Fatal(err)
	}
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		inf.Run(ctx.Done())
	}()
	// The handler has seen every pod that existed (reg.HasSynced): the
	// counts start from there.
	if !cache.WaitForCacheSync(ctx.Done(), inf.HasSynced, reg.HasSynced) {
		t.Fatal("pod informer did not sync")
	}
	w.mu.Lock()
	w.synced = true
	w.count()
	w.mu.Unlock()
	t.Cleanup(func() { w.stop() })
	return w
}

func (w *availabilityWatch) saw(obj any, deleted bool) {
	if d, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj, deleted = d.Obj, true
	}
	p, ok := obj.(*v1.Pod)
	if !ok {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if deleted {
		delete(w.pods, p.UID)
	} else {
		w.pods[p.UID] = p
	}
	if w.synced {
		w.count()
	}
}

// count records each group's available replicas now, if fewer than
// before.
func (w *availabilityWatch) count() {
	for _, g := range w.groups {
		n := 0
		for _, q := range w.pods {
			if q.Namespace == g.namespace && q.Spec.NodeName != "" && policy.IsAvailable(q) && matches(g.labels, q.Labels) {
				n++
			}
		}
		if low, seen := w.lowest[g.name]; !seen || n < low {
			w.lowest[g.name] = n
		}
	}
}

// stop stops following and returns the fewest available replicas of each
// group after any event.
func (w *availabilityWatch) stop() map[string]int {
	w.cancel()
	w.done.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string]int{}
	for _, g := range w.groups {
		out[g.name] = w.lowest[g.name]
	}
	return out
}

func matches(want, labels map[string]string) bool {
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}
