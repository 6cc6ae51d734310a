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

package manifests

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// clusterRole returns the ClusterRole of that name among the YAML
// documents of the file.
func clusterRole(t *testing.T, file, name string) rbacv1.ClusterRole {
	t.Helper()
	for _, doc := range strings.Split(string(readFile(t, file).Data), "\n---\n") {
		var role rbacv1.ClusterRole
		require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &role), file)
		if role.Kind == "ClusterRole" && role.Name == name {
			return role
		}
	}
	t.Fatalf("%s has no ClusterRole %s", file, name)
	return rbacv1.ClusterRole{}
}

// The role of `ha-check rebalance --apply` is the checker's read-only
// role plus create on pods/eviction, nothing else (issue 26): the same
// rules in the same order, and one more.
func TestRebalanceRoleIsTheCheckerRolePlusEviction(t *testing.T) {
	checker := clusterRole(t, "manifests/checker/rbac.yaml", "ha-check")
	rebalance := clusterRole(t, "manifests/checker/rebalance-rbac.yaml", "ha-check-rebalance")
	want := slices.Concat(checker.Rules, []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"pods/eviction"}, Verbs: []string{"create"}}})
	if diff := cmp.Diff(want, rebalance.Rules); diff != "" {
		t.Errorf("ClusterRole ha-check-rebalance's rules (-want: ha-check's and create on pods/eviction, +got):\n%s", diff)
	}
}
