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
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// shipLeaderElectionResources are the resources of system:kube-scheduler's
// leader-election rules, which ClusterRole ha-scheduler leaves out (the
// secondary scheduler's Role grants them for its own lease, in its own
// namespace).
var shipLeaderElectionResources = map[string]bool{
	"coordination.k8s.io/leases":          true,
	"coordination.k8s.io/leasecandidates": true,
}

// shipPermissions expands rules into one "group/resource verb [name]" line
// per permission, sorted, so that two roles that grant the same compare
// equal however their rules are cut.
func shipPermissions(rules []rbacv1.PolicyRule, keep func(groupResource string) bool) []string {
	set := map[string]bool{}
	for _, r := range rules {
		names := r.ResourceNames
		if len(names) == 0 {
			names = []string{""}
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				if !keep(g + "/" + res) {
					continue
				}
				for _, v := range r.Verbs {
					for _, n := range names {
						set[fmt.Sprintf("%s/%s %s %s", g, res, v, n)] = true
					}
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// shipRenderedRole returns the rules of the ClusterRole or Role of that
// name among objs.
func shipRenderedRole(t *testing.T, objs []map[string]any, kind, name string) []rbacv1.PolicyRule {
	t.Helper()
	for _, o := range objs {
		if shipKind(o) != kind || shipName(o) != name {
			continue
		}
		b, err := yaml.Marshal(o)
		require.NoError(t, err)
		var role rbacv1.ClusterRole // a Role's rules have the same shape
		require.NoError(t, yaml.UnmarshalStrict(b, &role), "%s %s", kind, name)
		return role.Rules
	}
	t.Fatalf("no %s %s among the rendered objects", kind, name)
	return nil
}

// TestShipSecondaryClusterRoleMirrorsKubeScheduler: ClusterRole ha-scheduler
// of manifests/secondary grants exactly what the API server's own
// system:kube-scheduler grants (this Kubernetes release, its default feature
// gates), less the leader-election rules, which would let the secondary
// scheduler get and update the default scheduler's lease
// kube-system/kube-scheduler; its Role grants those for its own lease, in
// kube-system only. A rule Kubernetes adds to its scheduler's role in a new
// release fails this test until it is copied. (The chart renders the same
// objects: TestShipHelmChartInstallsWhatKustomizeInstalls.)
func TestShipSecondaryClusterRoleMirrorsKubeScheduler(t *testing.T) {
	objs := shipRenderedObjects(t, "manifests/secondary")
	stock, err := cluster.Client.RbacV1().ClusterRoles().Get(context.Background(), "system:kube-scheduler", metav1.GetOptions{})
	require.NoError(t, err)

	notLeaderElection := func(gr string) bool { return !shipLeaderElectionResources[gr] }
	want := shipPermissions(stock.Rules, notLeaderElection)
	got := shipPermissions(shipRenderedRole(t, objs, "ClusterRole", "ha-scheduler"), func(string) bool { return true })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ClusterRole ha-scheduler (+) differs from system:kube-scheduler without its leader election (-):\n%s", diff)
	}

	role := shipRenderedRole(t, objs, "Role", "ha-scheduler-leader-election")
	gotRole := shipPermissions(role, func(string) bool { return true })
	wantRole := []string{
		"coordination.k8s.io/leasecandidates create ", "coordination.k8s.io/leasecandidates delete ",
		"coordination.k8s.io/leasecandidates deletecollection ", "coordination.k8s.io/leasecandidates get ",
		"coordination.k8s.io/leasecandidates list ", "coordination.k8s.io/leasecandidates patch ",
		"coordination.k8s.io/leasecandidates update ", "coordination.k8s.io/leasecandidates watch ",
		"coordination.k8s.io/leases create ",
		"coordination.k8s.io/leases get " + shipSecondaryLease, "coordination.k8s.io/leases update " + shipSecondaryLease,
	}
	if diff := cmp.Diff(wantRole, gotRole); diff != "" {
		t.Errorf("Role ha-scheduler-leader-election (-want +got):\n%s", diff)
	}
}
