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
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	authzv1 "k8s.io/api/authorization/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	hccluster "github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// TestCheckerReportsWhoMayActAsAComponent: on a real API server, with the
// API server's own RBAC (system:masters, the controllers' ServiceAccounts of
// kube-system, system:kube-scheduler, ...), the secondary scheduler's
// identity (manifests/secondary: a ServiceAccount of kube-system that binds
// pods) and the admission policies of manifests/admission installed, the
// checker reports exactly:
//   - a tenant ServiceAccount bound to `edit` in kube-system (a trusted
//     namespace): it may create pods and workload controllers there;
//   - a tenant ServiceAccount bound to system:kube-scheduler in its own
//     namespace: it may bind pods there;
//
// and none of the system's own; it sees the three admission policies
// bound; the findings are warnings, so the verdict passes, and
// `--fail-on=warn` makes the real binary exit 2 on them.
func TestCheckerReportsWhoMayActAsAComponent(t *testing.T) {
	ctx := context.Background()
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
		withRegion(workerNode("worker-b", "zone-b", "hyper-e")),
	} {
		cluster.CreateNode(t, n)
	}
	shipNewTenant(t, shipTenantNS, "deployer", "edit", "kube-system")
	shipNewSubject(t, shipTenantNS, "binder", "system:kube-scheduler", shipTenantNS,
		authzv1.ResourceAttributes{Verb: "create", Resource: "pods", Subresource: "binding", Namespace: shipTenantNS})
	identity := shipWriteObjects(t, shipIdentityObjects(shipRenderedObjects(t, "manifests/secondary")))
	out, err := cluster.Kubectl(t, "apply", "--server-side", "-f", identity)
	require.NoError(t, err, "applying manifests/secondary's identity:\n%s", out)
	t.Cleanup(func() {
		if out, err := cluster.Kubectl(t, "delete", "--ignore-not-found", "-f", identity); err != nil {
			t.Errorf("removing manifests/secondary's identity: %v\n%s", err, out)
		}
	})
	shipApplyAdmission(t, "manifests/admission")

	c, err := hccluster.Load(ctx, cluster.Client, hccluster.LoadOptions{})
	require.NoError(t, err)
	r := audit.Analyze(model.New(nil, c), audit.Options{})
	require.NotNil(t, r.Trust, "no trust section")

	wantGrants := []v1alpha1.TrustGrant{
		{Subject: "ServiceAccount " + shipTenantNS + "/binder", Rights: []string{string(audit.RightBindPods)}, Namespace: shipTenantNS,
			Binding: "RoleBinding " + shipTenantNS + "/binder-system:kube-scheduler", Role: "ClusterRole system:kube-scheduler"},
		{Subject: "ServiceAccount " + shipTenantNS + "/deployer",
			Rights:    []string{string(audit.RightCreatePods), string(audit.RightWorkloads), string(audit.RightServiceAccountTokens)},
			Namespace: "kube-system", Binding: "RoleBinding kube-system/deployer-edit", Role: "ClusterRole edit"},
	}
	if diff := cmp.Diff(wantGrants, r.Trust.Grants); diff != "" {
		t.Errorf("grants (-want +got):\n%s", diff)
	}
	var policies []string
	for _, p := range r.Trust.AdmissionPolicies {
		policies = append(policies, p.Name+": "+string(p.State)+" "+strings.Join(p.Bindings, ","))
	}
	wantPolicies := []string{
		"ha-scheduler-reserved-nodes: bound ha-scheduler-reserved-nodes-control-plane,ha-scheduler-reserved-nodes-infra,ha-scheduler-reserved-nodes-master",
		"ha-scheduler-daemonset-node-affinity: bound ha-scheduler-daemonset-node-affinity",
		"ha-scheduler-reserved-priority: bound ha-scheduler-reserved-priority",
	}
	if diff := cmp.Diff(wantPolicies, policies); diff != "" {
		t.Errorf("admission policies (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string(nil), r.Trust.Unread); diff != "" {
		t.Errorf("unread (-want +got):\n%s", diff)
	}

	// The real binary: the same findings; warnings, so a pass, but
	// --fail-on=warn fails on them.
	trustFindings := func(rep v1alpha1.Report) []string {
		var out []string
		for _, f := range rep.Findings {
			if strings.HasPrefix(f.ID, "trust.") {
				out = append(out, string(f.Severity)+" "+f.ID+" "+strings.Join(f.Subjects, ","))
			}
		}
		sort.Strings(out)
		return out
	}
	wantFindings := []string{
		"warn " + v1alpha1.IDPodBinder + " ServiceAccount " + shipTenantNS + "/binder,RoleBinding " + shipTenantNS + "/binder-system:kube-scheduler",
		"warn " + v1alpha1.IDTrustedPodCreator + " ServiceAccount " + shipTenantNS + "/deployer,RoleBinding kube-system/deployer-edit",
	}
	code, rep := runCheckerArgs(t)
	if diff := cmp.Diff(wantFindings, trustFindings(rep)); diff != "" {
		t.Errorf("findings of ha-check (-want +got):\n%s", diff)
	}
	if code != 0 || rep.Verdict != v1alpha1.VerdictPass {
		t.Errorf("ha-check: exit %d, verdict %s; want 0, PASS (the trust findings are warnings); findings: %+v", code, rep.Verdict, rep.Findings)
	}
	if code, _ := runCheckerArgs(t, "--fail-on=warn"); code != 2 {
		t.Errorf("ha-check --fail-on=warn: exit %d, want 2", code)
	}
}
