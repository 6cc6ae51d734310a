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
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ha-scheduler/ha-scheduler/hack/gen-admission/gen"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// TestShipReservedPriorityPolicyKeepsTenantsBelowTheControlPlane: the
// ValidatingAdmissionPolicy of manifests/admission/reserved-priority.yaml,
// on a real API server, against a tenant (a ServiceAccount bound to `edit`
// in its own namespace). Without it the tenant runs a pod at
// system-node-critical (the first step shows it); with it:
//   - system-node-critical and system-cluster-critical are refused, with a
//     message that names the field, the class and the policy;
//   - the tenant's own classes (at most 1000000000, below the default
//     reservedPriority) and no class are created;
//   - kube-system may use system-node-critical, and a kubelet may create a
//     mirror pod at system-node-critical in the tenant's namespace;
//   - generated (hack/gen-admission) from a policy whose reservedPriority is
//     1000000, it refuses a class of 1000000 and admits one of 999999.
func TestShipReservedPriorityPolicyKeepsTenantsBelowTheControlPlane(t *testing.T) {
	ctx := context.Background()
	cluster.Reset(t)
	cluster.CreateNode(t, shipControlPlane("cp-1", "zone-a", "host-1"))
	tenant := shipNewTenant(t, shipTenantNS, "deployer", "edit", shipTenantNS)
	shipPriorityClass(t, "ship-tenant-high", 1000000)
	shipPriorityClass(t, "ship-tenant-low", 999999)
	podAt := func(ns, name, class string) *v1.Pod {
		p := shipBarePod(ns, name, "")
		p.Spec.PriorityClassName = class
		return p
	}
	create := func(c kubernetes.Interface, pod *v1.Pod) string {
		t.Helper()
		_, err := c.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
		return shipCreateOutcome(t, err)
	}

	// Without the policy, the tenant out-ranks the control plane.
	require.Equal(t, "created", create(tenant.Client, podAt(shipTenantNS, "before", "system-node-critical")),
		"without the policy a tenant pod at system-node-critical must be created (else this test proves nothing)")

	shipApplyAdmission(t, "manifests/admission")
	probe := func(class string) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			_, err := tenant.Client.CoreV1().Pods(shipTenantNS).Create(ctx, podAt(shipTenantNS, "probe", class),
				metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
			return err
		}
	}
	shipWaitRefused(t, "ha-scheduler-reserved-priority", probe("system-node-critical"))

	byName := func(name, class string) string {
		return `forbidden: pods "` + name + `" is forbidden: ValidatingAdmissionPolicy 'ha-scheduler-reserved-priority' with binding 'ha-scheduler-reserved-priority' denied request: ` +
			`spec.priorityClassName: ` + class + ` is reserved for the control plane by the ha-scheduler policy, and namespace ` + shipTenantNS +
			` is not trusted (ValidatingAdmissionPolicy ha-scheduler-reserved-priority). Use a priority class below 2000000000, or ask a cluster administrator to trust the namespace.`
	}
	mirror := podAt(shipTenantNS, "static-agent-cp-1", "system-node-critical")
	mirror.Spec.NodeName = "cp-1"
	mirror.Annotations = map[string]string{v1.MirrorPodAnnotationKey: "hash"}
	mirror.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "cp-1", UID: "0"}}
	got := map[string]string{
		"tenant, system-node-critical":      create(tenant.Client, podAt(shipTenantNS, "node-critical", "system-node-critical")),
		"tenant, system-cluster-critical":   create(tenant.Client, podAt(shipTenantNS, "cluster-critical", "system-cluster-critical")),
		"tenant, its own class of 1000000":  create(tenant.Client, podAt(shipTenantNS, "high", "ship-tenant-high")),
		"tenant, no class":                  create(tenant.Client, podAt(shipTenantNS, "plain", "")),
		"kube-system, system-node-critical": create(cluster.Client, podAt("kube-system", "node-critical", "system-node-critical")),
		"kubelet, mirror pod":               create(shipImpersonateNode(t, "cp-1"), mirror),
	}
	want := map[string]string{
		"tenant, system-node-critical":      byName("node-critical", "system-node-critical"),
		"tenant, system-cluster-critical":   byName("cluster-critical", "system-cluster-critical"),
		"tenant, its own class of 1000000":  "created",
		"tenant, no class":                  "created",
		"kube-system, system-node-critical": "created",
		"kubelet, mirror pod":               "created",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pod creates, reservedPriority 2000000000 (-want +got):\n%s", diff)
	}

	// The threshold is the policy's: generated from reservedPriority
	// 1000000, as `make manifests` generates the shipped file.
	dir := t.TempDir()
	config := harness.WriteConfig(t, "secondary/config.yaml", cluster.KubeconfigPath, harness.SetPolicyArg("reservedPriority", 1000000))
	policyFile := filepath.Join(dir, "reserved-priority.yaml")
	shipped, err := os.ReadFile(filepath.Join(harness.RepoRoot(), gen.DefaultReservedPriorityPolicy))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(policyFile, shipped, 0o600))
	changed, err := gen.Run(gen.Options{Root: "/", Configs: []string{config}, ReservedPriorityPolicy: policyFile})
	require.NoError(t, err)
	require.Equal(t, []string{policyFile}, changed)
	out, err := cluster.Kubectl(t, "apply", "--server-side", "-f", policyFile)
	require.NoError(t, err, "applying the generated policy:\n%s", out)
	shipWaitRefused(t, "is at or above 1000000", probe("ship-tenant-high"))

	got = map[string]string{
		"tenant, class of 1000000": create(tenant.Client, podAt(shipTenantNS, "high-2", "ship-tenant-high")),
		"tenant, class of 999999":  create(tenant.Client, podAt(shipTenantNS, "low", "ship-tenant-low")),
	}
	want = map[string]string{
		"tenant, class of 1000000": `forbidden: pods "high-2" is forbidden: ValidatingAdmissionPolicy 'ha-scheduler-reserved-priority' with binding 'ha-scheduler-reserved-priority' denied request: ` +
			`spec.priority: 1000000 (priority class ship-tenant-high) is at or above 1000000, the lowest priority the ha-scheduler policy reserves for the control plane (reservedPriority), and namespace ` +
			shipTenantNS + ` is not trusted (ValidatingAdmissionPolicy ha-scheduler-reserved-priority). Use a priority class below 1000000, or ask a cluster administrator to trust the namespace.`,
		"tenant, class of 999999": "created",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pod creates, reservedPriority 1000000 (-want +got):\n%s", diff)
	}
}
