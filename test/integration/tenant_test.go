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
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// What a tenant can and cannot do (docs/install.md): each test acts as a
// tenant with the standard edit ClusterRole in its own namespace, against
// the shipped secondary-mode configuration.

// A tenant's PodDisruptionBudget binds tenants' preemptors, not the control
// plane's: a kube-proxy pod (system-node-critical) that must run on the
// node the tenant's pod fills preempts it, maxUnavailable: 0 or not.
// Before, Strict mode applied every budget to every preemptor and kube-proxy
// stayed Pending, "protected by PodDisruptionBudget shop/web".
func TestTenantBudgetDoesNotKeepAComponentPending(t *testing.T) {
	preemptionCluster(t, workerNode("w-1", "zone-a", "host-a"))
	tenant := cluster.Tenant(t, "shop")
	web := pod("shop", "web-0", map[string]string{"app": "web"})
	web.Spec.NodeName = "w-1"
	fillNode(web)
	cluster.CreatePodAs(t, tenant.Client, web)
	cluster.SetReady(t, "shop", "web-0", true)
	cluster.CreatePDBAs(t, tenant.Client, "shop", "web", map[string]string{"app": "web"}, 0, 1, 0)

	// Another tenant's preemptor is bound by the budget.
	other := preemptor(pod("bank", "batch", map[string]string{"app": "batch"}), strictProfile)
	cluster.CreatePod(t, other)
	expectProtected(t, "bank", "batch",
		"0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 protected by PodDisruptionBudget shop/web.")

	// kube-proxy, as its DaemonSet would create it for w-1, is not.
	proxy := componentPod("kube-proxy-w-1", map[string]string{"k8s-app": "kube-proxy"})
	proxy.Spec.SchedulerName = strictProfile
	proxy.Spec.PriorityClassName = "system-node-critical"
	proxy.Spec.NodeSelector = map[string]string{v1.LabelHostname: "w-1"}
	fillNode(proxy)
	cluster.CreatePod(t, proxy)
	if node := cluster.WaitScheduled(t, "kube-system", "kube-proxy-w-1"); node != "w-1" {
		t.Errorf("kube-proxy on %s, want w-1", node)
	}
	if cluster.PodExists(t, "shop", "web-0") {
		t.Error("the tenant's pod is still there: its budget kept kube-proxy from its node")
	}
}

// ha-check reads the policy only from where a cluster administrator wrote
// it: a tenant's labelled ConfigMap, trusting its own namespace so that its
// pod on a control-plane node passes, is named as not used. Before,
// without a ConfigMap in kube-system, ha-check took the tenant's.
func TestTenantConfigMapIsNotThePolicy(t *testing.T) {
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	t.Cleanup(func() { deleteSchedulerConfigMaps(t) })
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
	} {
		cluster.CreateNode(t, n)
	}
	tenant := cluster.Tenant(t, "shop")
	// The tenant's pod on a control-plane node (spec.nodeName: no
	// scheduler sees it; the admission policy of docs/install.md would
	// refuse it).
	hidden := pod("shop", "hidden", map[string]string{"app": "hidden"})
	hidden.Spec.NodeName = "cp-a"
	cluster.CreatePodAs(t, tenant.Client, hidden)
	configPath := cluster.SchedulerConfig(t, "secondary/config.yaml", harness.SetPolicyArg("trustedNamespaces", []any{"kube-system", "shop"}))
	config, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{"app.kubernetes.io/part-of": "ha-scheduler", "app.kubernetes.io/component": "scheduler-config"}
	cm := &v1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "ha-scheduler-config", Labels: labels}, Data: map[string]string{policysource.ConfigKey: string(config)}}
	if _, err := tenant.Client.CoreV1().ConfigMaps("shop").Create(context.Background(), cm, metav1.CreateOptions{}); err != nil {
		t.Fatalf("the tenant creates its ConfigMap: %v", err)
	}
	onControlPlane := func(r v1alpha1.Report) bool {
		for _, f := range findingsByID(r)[v1alpha1.IDUserWorkloadOnControlPlane] {
			if contains(f.Subjects, "shop/hidden") {
				return true
			}
		}
		return false
	}

	code, r := runCheckerArgs(t)
	want := "default policy (no ha-scheduler configuration found in namespace kube-system; not used: shop/ha-scheduler-config (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))"
	if diff := cmp.Diff(want, r.PolicySource); diff != "" {
		t.Errorf("policySource (-want +got):\n%s", diff)
	}
	if code != 2 || !onControlPlane(r) {
		t.Errorf("exit %d, want 2 with %s for shop/hidden: the tenant's ConfigMap must not trust its namespace; findings: %+v", code, v1alpha1.IDUserWorkloadOnControlPlane, r.Findings)
	}

	// An administrator's ConfigMap in kube-system is the policy; the
	// tenant's is still named as not used.
	admin := cm.DeepCopy()
	admin.Namespace, admin.Name = "kube-system", "ha-scheduler-config-abc"
	adminConfig, err := os.ReadFile(cluster.SchedulerConfig(t, "secondary/config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	admin.Data[policysource.ConfigKey] = string(adminConfig)
	if _, err := cluster.Client.CoreV1().ConfigMaps("kube-system").Create(context.Background(), admin, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	code, r = runCheckerArgs(t)
	want = "ConfigMap kube-system/ha-scheduler-config-abc, profile ha-scheduler (not used: shop/ha-scheduler-config (outside kube-system, read only with --namespace: a ConfigMap elsewhere may be a tenant's))"
	if diff := cmp.Diff(want, r.PolicySource); diff != "" {
		t.Errorf("policySource with the administrator's ConfigMap (-want +got):\n%s", diff)
	}
	if code != 2 || !onControlPlane(r) {
		t.Errorf("exit %d, want 2 with %s for shop/hidden; findings: %+v", code, v1alpha1.IDUserWorkloadOnControlPlane, r.Findings)
	}
}

// A pod deleted with a long grace period keeps running until it ends:
// ha-check reports a tenant's terminating pod on a control-plane node, and
// says until when it may run. Before, terminating pods were skipped.
func TestTenantTerminatingPodOnAReservedNodeIsReported(t *testing.T) {
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
	} {
		cluster.CreateNode(t, n)
	}
	tenant := cluster.Tenant(t, "shop")
	p := pod("shop", "lingering", map[string]string{"app": "lingering"})
	p.Spec.NodeName = "cp-a"
	p.Spec.TerminationGracePeriodSeconds = ptr.To[int64](365 * 24 * 3600)
	ctx := context.Background()
	cluster.CreatePodAs(t, tenant.Client, p)
	if err := tenant.Client.CoreV1().Pods("shop").Delete(ctx, "lingering", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("the tenant deletes its pod: %v", err)
	}
	deleted, err := cluster.Client.CoreV1().Pods("shop").Get(ctx, "lingering", metav1.GetOptions{})
	if err != nil || deleted.DeletionTimestamp == nil {
		t.Fatalf("precondition: the pod is terminating (no kubelet confirms it): %v, %+v", err, deleted)
	}
	_, r := runCheckerArgs(t)
	var got []v1alpha1.Finding
	for _, f := range findingsByID(r)[v1alpha1.IDUserWorkloadOnControlPlane] {
		if contains(f.Subjects, "shop/lingering") {
			got = append(got, f)
		}
	}
	want := []v1alpha1.Finding{{
		ID: v1alpha1.IDUserWorkloadOnControlPlane, Severity: v1alpha1.SeverityFail,
		Message: "user workload shop/lingering runs on control-plane node cp-a, which is reserved for control-plane components (terminating, but its containers may run until its grace period ends at " +
			deleted.DeletionTimestamp.UTC().Format("2006-01-02T15:04:05Z") + ")",
		Subjects: []string{"shop/lingering", "cp-a"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding (-want +got):\n%s", diff)
	}
}

// A tenant's pod that claims to be a static pod's mirror (the annotation,
// spec.nodeName and an owner reference naming the Node: all a tenant can
// write) is no mirror: it is preempted like any pod. Only the Node's UID,
// which the kubelet copies, makes a mirror pod. Before, the owner's name
// was enough and the pod was never a victim.
func TestTenantCannotClaimToBeAStaticPod(t *testing.T) {
	preemptionCluster(t, workerNode("w-1", "zone-a", "host-a"))
	tenant := cluster.Tenant(t, "shop")
	fake := pod("shop", "fake-mirror", map[string]string{"app": "fake"})
	fake.Spec.NodeName = "w-1"
	fake.Spec.PriorityClassName = "low"
	fillNode(fake)
	fake.Annotations = map[string]string{policy.MirrorPodAnnotation: "forged"}
	fake.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "w-1", UID: "00000000-0000-0000-0000-000000000001", Controller: ptr.To(true)}}
	cluster.CreatePodAs(t, tenant.Client, fake)
	cluster.SetReady(t, "shop", "fake-mirror", true)

	cluster.CreatePod(t, preemptor(pod("shop", "batch", map[string]string{"app": "batch"}), strictProfile))
	if node := cluster.WaitScheduled(t, "shop", "batch"); node != "w-1" {
		t.Errorf("preemptor on %s, want w-1", node)
	}
	if cluster.PodExists(t, "shop", "fake-mirror") {
		t.Error("the tenant's forged mirror pod was spared")
	}
}

// The scheduler caches only the owners it reads: its ReplicaSet and
// StatefulSet watches are those of the trusted namespaces, none across the
// cluster, so a tenant's ReplicaSets (100 of them with a 1 MB template took
// the scheduler from 68 to 205 MiB) never reach it. Read from the API
// server's gauge of watches in flight, by scope.
func TestSchedulerDoesNotWatchTenantOwners(t *testing.T) {
	cluster.Reset(t)
	cluster.CreateNode(t, workerNode("w-1", "zone-a", "host-a"))
	cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")
	// A pod scheduled: the scheduler's informers are running.
	cluster.CreatePod(t, pod("shop", "web-0", map[string]string{"app": "web"}))
	cluster.WaitScheduled(t, "shop", "web-0")
	got := map[string]float64{}
	err := cluster.Poll(func(ctx context.Context) (bool, error) {
		watches, err := apiServerWatches(ctx)
		if err != nil {
			return false, err
		}
		got = watches
		// The namespaced watches start with the plugin; wait for them.
		return got["replicasets/namespace"] > 0 && got["statefulsets/namespace"] > 0, nil
	})
	if err != nil {
		t.Fatalf("the scheduler's namespaced ReplicaSet and StatefulSet watches: %v (watches %v)", err, got)
	}
	want := map[string]float64{"replicasets/namespace": 1, "statefulsets/namespace": 1}
	if diff := cmp.Diff(want, map[string]float64{
		"replicasets/cluster": got["replicasets/cluster"], "statefulsets/cluster": got["statefulsets/cluster"],
		"replicasets/namespace": got["replicasets/namespace"], "statefulsets/namespace": got["statefulsets/namespace"],
	}, cmpDropZero); diff != "" {
		t.Errorf("ReplicaSet and StatefulSet watches by scope (-want +got):\n%s", diff)
	}
}

// apiServerWatches reads the API server's apiserver_longrunning_requests
// gauge for WATCH requests: "resource/scope" -> watches in flight.
func apiServerWatches(ctx context.Context) (map[string]float64, error) {
	raw, err := cluster.Client.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "apiserver_longrunning_requests{") || !strings.Contains(line, `verb="WATCH"`) {
			continue
		}
		labels := map[string]string{}
		end := strings.LastIndex(line, "}")
		for _, kv := range strings.Split(line[len("apiserver_longrunning_requests{"):end], ",") {
			k, v, _ := strings.Cut(kv, "=")
			labels[k] = strings.Trim(v, `"`)
		}
		var n float64
		if _, err := fmt.Sscan(strings.TrimSpace(line[end+1:]), &n); err != nil {
			return nil, fmt.Errorf("apiserver_longrunning_requests: %q: %w", line, err)
		}
		out[labels["resource"]+"/"+labels["scope"]] += n
	}
	return out, nil
}

// cmpDropZero compares maps without their zero entries.
var cmpDropZero = cmp.Transformer("dropZero", func(m map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
})
