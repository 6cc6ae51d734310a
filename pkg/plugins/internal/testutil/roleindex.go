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

// Package testutil holds what the plugins' unit tests share.
package testutil

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/roleindex"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// How long tests wait for informer handlers, and how often they look.
const (
	Wait = 10 * time.Second
	Tick = 10 * time.Millisecond
)

// WaitForRoleIndex waits until the index's informer handler has indexed
// every control-plane and infra node of nodes: informer handlers run on
// their own goroutines, after the informer's cache has synced.
func WaitForRoleIndex(t testing.TB, ix *roleindex.Index, nodes []*v1.Node) {
	t.Helper()
	want := map[policy.NodeRole]sets.Set[string]{policy.RoleControlPlane: sets.New[string](), policy.RoleInfra: sets.New[string]()}
	for _, n := range nodes {
		if names, ok := want[policy.RoleOf(n.Labels)]; ok {
			names.Insert(n.Name)
		}
	}
	require.Eventually(t, func() bool {
		for role, names := range want {
			if !ix.Names(role).Equal(names) {
				return false
			}
		}
		return true
	}, Wait, Tick, "the role index has seen every node")
}
