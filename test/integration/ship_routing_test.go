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
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

const (
	// shipRouteLabel opts a namespace in to manifests/admission-routing.
	shipRouteLabel   = "scheduling.ha-scheduler.io/route"
	shipRoutingDir   = "manifests/admission-routing"
	shipRoutedNS     = "ship-routed"
	shipRoutedOffNS  = "ship-routed-off"
	shipUnroutedNS   = "ship-unrouted"
	shipHAScheduler  = "ha-scheduler"
	shipDefaultSched = v1.DefaultSchedulerName
)

// shipLabelNamespace sets (value != nil) or removes (nil) the route label of
// an existing namespace.
func shipLabelNamespace(t *testing.T, ns string, value *string) {
	t.Helper()
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{shipRouteLabel: value}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = cluster.Client.CoreV1().Namespaces().Patch(context.Background(), ns, types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("labelling namespace %s: %v", ns, err)
	}
}

// The opt-in routing policy of manifests/admission-routing, applied as
// shipped to a real API server next to the shipped secondary scheduler: in
// a namespace labelled scheduling.ha-scheduler.io/route=true a pod that
// names no scheduler, or default-scheduler, is created with
// schedulerName ha-scheduler and ha-scheduler binds it (to a worker, not
// the untainted control-plane node); a pod of another scheduler, a bound
// pod, a mirror pod, a pod of an unlabelled (or route=false) namespace and
// a pod of kube-system (where the scheduler itself runs), labelled or not,
// keep their scheduler.
func TestShipRoutingPolicyRoutesOptedInNamespacesToHAScheduler(t *testing.T) {
	ctx := context.Background()

	// What the kustomization ships: the policy and its binding, nothing else.
	var kinds []string
	for _, o := range shipRenderedObjects(t, shipRoutingDir) {
		kinds = append(kinds, shipKind(o)+"/"+shipName(o))
	}
	sort.Strings(kinds)
	if diff := cmp.Diff([]string{
		"MutatingAdmissionPolicy/ha-scheduler-route-pods",
		"MutatingAdmissionPolicyBinding/ha-scheduler-route-pods",
	}, kinds); diff != "" {
		t.Errorf("objects of %s (-want +got):\n%s", shipRoutingDir, diff)
	}

	// The scheduler, a worker and a control-plane node without the taint:
	// only WorkloadSeparation keeps a routed pod off it.
	worker := shipWorker("routing-worker", "zone-a", "host-a", "4")
	controlPlane := harness.NodeSpec{Name: "routing-control-plane", CPU: "16", Labels: map[string]string{
		policy.LabelControlPlane: "", policy.LabelZone: "zone-a", policy.LabelHostID: "host-b",
	}}
	shipStartSecondary(t, worker, controlPlane)

	out, err := cluster.Kubectl(t, "apply", "--server-side", "-k", shipRoutingDir)
	if err != nil {
		t.Fatalf("applying %s: %v\n%s", shipRoutingDir, err, out)
	}
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, "delete", "--ignore-not-found", "-k", shipRoutingDir); err != nil {
			t.Errorf("removing the routing policy: %v\n%s", err, out)
		}
	})

	for _, ns := range []string{shipRoutedNS, shipRoutedOffNS, shipUnroutedNS} {
		cluster.EnsureNamespace(t, ns)
	}
	shipLabelNamespace(t, shipRoutedNS, ptr.To("true"))
	shipLabelNamespace(t, shipRoutedOffNS, ptr.To("false"))
	shipLabelNamespace(t, shipUnroutedNS, nil)
	// An administrator labels kube-system by mistake: the binding still
	// leaves it alone.
	shipLabelNamespace(t, "kube-system", ptr.To("true"))
	t.Cleanup(func() { shipLabelNamespace(t, "kube-system", nil) })

	// A new policy takes a moment to reach the admission chain: probe with
	// dry-run creates until one comes back routed.
	start := time.Now()
	err = wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
		got, err := cluster.Client.CoreV1().Pods(shipRoutedNS).Create(ctx, shipPod(shipRoutedNS, "probe", "", "", nil),
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			return false, err
		}
		return got.Spec.SchedulerName == shipHAScheduler, nil
	})
	if err != nil {
		t.Fatalf("the routing policy never routed a pod: %v", err)
	}
	t.Logf("policy active %v after apply", time.Since(start).Round(10*time.Millisecond))

	type podCase struct {
		ns, name      string
		schedulerName string // as created ("" leaves it out)
		nodeName      string
		annotations   map[string]string
		labels        map[string]string
		// wantScheduler is the whole schedulerName after create.
		wantScheduler string
		// wantNode is where the pod is at the end: the worker for routed
		// pods (bound by ha-scheduler), "" for the default scheduler's
		// (none runs here) and other-scheduler's.
		wantNode string
	}
	cases := []podCase{
		{ns: shipRoutedNS, name: "unset", wantScheduler: shipHAScheduler, wantNode: worker.Name},
		{ns: shipRoutedNS, name: "default", schedulerName: shipDefaultSched, wantScheduler: shipHAScheduler, wantNode: worker.Name},
		{ns: shipRoutedNS, name: "opted-in", schedulerName: shipHAScheduler, wantScheduler: shipHAScheduler, wantNode: worker.Name},
		{ns: shipRoutedNS, name: "other", schedulerName: "other-scheduler", wantScheduler: "other-scheduler"},
		// Bound at create: nothing schedules it, so it is left alone.
		{ns: shipRoutedNS, name: "bound", nodeName: worker.Name, wantScheduler: shipDefaultSched, wantNode: worker.Name},
		// What the kubelet creates for a static pod.
		{ns: shipRoutedNS, name: "mirror", nodeName: worker.Name, annotations: map[string]string{v1.MirrorPodAnnotationKey: "0123456789abcdef"},
			wantScheduler: shipDefaultSched, wantNode: worker.Name},
		{ns: shipRoutedOffNS, name: "unset", wantScheduler: shipDefaultSched},
		{ns: shipUnroutedNS, name: "unset", wantScheduler: shipDefaultSched},
		{ns: shipUnroutedNS, name: "default", schedulerName: shipDefaultSched, wantScheduler: shipDefaultSched},
		// The secondary scheduler's own pods (manifests/secondary).
		{ns: "kube-system", name: "ha-scheduler-0", labels: map[string]string{"app.kubernetes.io/name": "ha-scheduler", "component": "ha-scheduler"},
			wantScheduler: shipDefaultSched},
	}
	t.Cleanup(func() {
		for _, c := range cases {
			_ = cluster.Client.CoreV1().Pods(c.ns).Delete(context.Background(), c.name, metav1.DeleteOptions{GracePeriodSeconds: ptr.To[int64](0)})
		}
	})

	wantScheduler, gotScheduler := map[string]string{}, map[string]string{}
	wantNode := map[string]string{}
	for _, c := range cases {
		p := shipPod(c.ns, c.name, c.schedulerName, "", c.labels)
		p.Annotations = c.annotations
		p.Spec.NodeName = c.nodeName
		created := cluster.CreatePod(t, p)
		key := c.ns + "/" + c.name
		wantScheduler[key], gotScheduler[key] = c.wantScheduler, created.Spec.SchedulerName
		wantNode[key] = c.wantNode
	}
	if diff := cmp.Diff(wantScheduler, gotScheduler); diff != "" {
		t.Errorf("spec.schedulerName after create, by pod (-want +got):\n%s", diff)
	}

	// ha-scheduler binds the routed pods, to the worker, and says so in the
	// Scheduled event (reportingController is the scheduler's name).
	for _, c := range cases {
		if c.wantScheduler == shipHAScheduler {
			cluster.WaitScheduled(t, c.ns, c.name)
		}
	}
	gotNode := map[string]string{}
	for _, c := range cases {
		p, err := cluster.Client.CoreV1().Pods(c.ns).Get(ctx, c.name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		gotNode[c.ns+"/"+c.name] = p.Spec.NodeName
	}
	if diff := cmp.Diff(wantNode, gotNode); diff != "" {
		t.Errorf("spec.nodeName once the routed pods are bound, by pod (-want +got):\n%s", diff)
	}

	var reporters []string
	err = wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
		events, err := cluster.Client.EventsV1().Events(shipRoutedNS).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		reporters = nil
		for _, e := range events.Items {
			if e.Regarding.Name == "unset" && e.Reason == "Scheduled" {
				reporters = append(reporters, e.ReportingController)
			}
		}
		return len(reporters) > 0, nil
	})
	if err != nil {
		t.Fatalf("no Scheduled event for %s/unset: %v", shipRoutedNS, err)
	}
	if diff := cmp.Diff([]string{shipHAScheduler}, reporters); diff != "" {
		t.Errorf("reporting controllers of the Scheduled event of %s/unset (-want +got):\n%s", shipRoutedNS, diff)
	}
}
