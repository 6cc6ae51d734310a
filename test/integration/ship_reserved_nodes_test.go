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

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

const shipTenantNS = "ship-tenant"

// shipCreateOutcome is what the API server answered to one create: "created"
// or "forbidden: <message>" (any other error fails the test).
func shipCreateOutcome(t *testing.T, err error) string {
	t.Helper()
	switch {
	case err == nil:
		return "created"
	case apierrors.IsForbidden(err):
		return "forbidden: " + err.Error()
	}
	t.Fatalf("unexpected error: %v", err)
	return ""
}

// TestShipReservedNodesPolicyKeepsTenantPodsOffReservedNodes: the
// ValidatingAdmissionPolicy of manifests/admission/reserved-nodes.yaml, on a
// real API server, against a tenant (a ServiceAccount bound to `edit` in
// its own namespace). Without it the tenant puts a pod on a control-plane
// node by naming it (the first step shows it); with it:
//   - a pod naming a control-plane node (either label) or an infra node is
//     refused, with a message that names spec.nodeName, the node, the role,
//     the policy and what to do instead;
//   - a pod naming a worker, and a pod naming none, are created;
//   - kube-system (trusted) may name a control-plane node;
//   - a kubelet (group system:nodes) may create a mirror pod bound to its
//     own control-plane node in the tenant's namespace;
//   - binding an untrusted pod to a reserved node (pods/binding, and the
//     legacy bindings resource) is refused whoever asks (here a cluster
//     admin); binding it to a worker works.
func TestShipReservedNodesPolicyKeepsTenantPodsOffReservedNodes(t *testing.T) {
	ctx := context.Background()
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{
		shipControlPlane("cp-1", "zone-a", "host-1"),
		{Name: "legacy-master-1", Labels: map[string]string{policy.LabelMaster: ""}},
		{Name: "infra-1", Labels: map[string]string{policy.LabelInfra: ""}},
		shipWorker("worker-1", "zone-a", "host-2", "4"),
	} {
		cluster.CreateNode(t, n)
	}
	tenant := shipNewTenant(t, shipTenantNS, "deployer", "edit", shipTenantNS)
	create := func(c kubernetes.Interface, pod *v1.Pod) string {
		t.Helper()
		_, err := c.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
		return shipCreateOutcome(t, err)
	}

	// Without the policy, the tenant reaches the control plane.
	require.Equal(t, "created", create(tenant.Client, shipBarePod(shipTenantNS, "before", "cp-1")),
		"without the policy a tenant pod naming cp-1 must be created (else this test proves nothing)")

	shipApplyAdmission(t, "manifests/admission")
	shipWaitRefused(t, "ha-scheduler-reserved-nodes", func(ctx context.Context) error {
		_, err := tenant.Client.CoreV1().Pods(shipTenantNS).Create(ctx, shipBarePod(shipTenantNS, "probe", "cp-1"),
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		return err
	})

	refusal := func(node, role string) string {
		return `forbidden: pods "pinned-` + node + `" is forbidden: ValidatingAdmissionPolicy 'ha-scheduler-reserved-nodes' with binding '` +
			`ha-scheduler-reserved-nodes-` + map[string]string{"cp-1": "control-plane", "legacy-master-1": "master", "infra-1": "infra"}[node] +
			`' denied request: spec.nodeName: node ` + node + ` (` + role +
			`) is reserved by the ha-scheduler policy for the components of trusted namespaces, and namespace ` + shipTenantNS +
			` is not trusted (ValidatingAdmissionPolicy ha-scheduler-reserved-nodes). Leave spec.nodeName empty and let the scheduler place the pod` +
			` (a nodeSelector or node affinity chooses among the worker nodes); to debug a node, run kubectl debug node/... in a trusted namespace (-n kube-system).`
	}
	mirror := shipBarePod(shipTenantNS, "static-web-cp-1", "cp-1")
	mirror.Annotations = map[string]string{v1.MirrorPodAnnotationKey: "hash"}
	mirror.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "cp-1", UID: "0"}}
	got := map[string]string{
		"tenant names cp-1":            create(tenant.Client, shipBarePod(shipTenantNS, "pinned-cp-1", "cp-1")),
		"tenant names legacy-master-1": create(tenant.Client, shipBarePod(shipTenantNS, "pinned-legacy-master-1", "legacy-master-1")),
		"tenant names infra-1":         create(tenant.Client, shipBarePod(shipTenantNS, "pinned-infra-1", "infra-1")),
		"tenant names worker-1":        create(tenant.Client, shipBarePod(shipTenantNS, "pinned-worker-1", "worker-1")),
		"tenant names no node":         create(tenant.Client, shipBarePod(shipTenantNS, "unpinned", "")),
		"kube-system names cp-1":       create(cluster.Client, shipBarePod("kube-system", "trusted-cp-1", "cp-1")),
		"kubelet of cp-1, mirror pod":  create(shipImpersonateNode(t, "cp-1"), mirror),
	}
	want := map[string]string{
		"tenant names cp-1":            refusal("cp-1", "control-plane"),
		"tenant names legacy-master-1": refusal("legacy-master-1", "control-plane"),
		"tenant names infra-1":         refusal("infra-1", "infra"),
		"tenant names worker-1":        "created",
		"tenant names no node":         "created",
		"kube-system names cp-1":       "created",
		"kubelet of cp-1, mirror pod":  "created",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pod creates (-want +got):\n%s", diff)
	}

	// The binding path: a cluster admin binds the unpinned tenant pod.
	bind := func(target string, legacy bool) string {
		t.Helper()
		b := &v1.Binding{
			ObjectMeta: metav1.ObjectMeta{Namespace: shipTenantNS, Name: "unpinned"},
			Target:     v1.ObjectReference{Kind: "Node", Name: target},
		}
		var err error
		if legacy {
			err = cluster.Client.CoreV1().RESTClient().Post().Namespace(shipTenantNS).Resource("bindings").
				Body(b).Do(ctx).Error()
		} else {
			err = cluster.Client.CoreV1().Pods(shipTenantNS).Bind(ctx, b, metav1.CreateOptions{})
		}
		out := shipCreateOutcome(t, err)
		// The message up to the advice, which the create case checks whole.
		out, _, _ = strings.Cut(out, " is not trusted")
		return out
	}
	bindings := map[string]string{
		"pods/binding to cp-1":    bind("cp-1", false),
		"bindings to infra-1":     bind("infra-1", true),
		"pods/binding to worker1": bind("worker-1", false),
	}
	wantBindings := map[string]string{
		"pods/binding to cp-1": `forbidden: pods "unpinned" is forbidden: ValidatingAdmissionPolicy 'ha-scheduler-reserved-nodes' with binding 'ha-scheduler-reserved-nodes-control-plane' denied request: ` +
			`pods/binding: target.name: node cp-1 (control-plane) is reserved by the ha-scheduler policy for the components of trusted namespaces, and namespace ` + shipTenantNS,
		"bindings to infra-1": `forbidden: bindings "unpinned" is forbidden: ValidatingAdmissionPolicy 'ha-scheduler-reserved-nodes' with binding 'ha-scheduler-reserved-nodes-infra' denied request: ` +
			`pods/binding: target.name: node infra-1 (infra) is reserved by the ha-scheduler policy for the components of trusted namespaces, and namespace ` + shipTenantNS,
		"pods/binding to worker1": "created",
	}
	if diff := cmp.Diff(wantBindings, bindings); diff != "" {
		t.Errorf("bindings (-want +got):\n%s", diff)
	}
	pod, err := cluster.Client.CoreV1().Pods(shipTenantNS).Get(ctx, "unpinned", metav1.GetOptions{})
	require.NoError(t, err)
	if pod.Spec.NodeName != "worker-1" {
		t.Errorf("the unpinned pod is bound to %q, want worker-1", pod.Spec.NodeName)
	}
}
