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

package testutil

import (
	"testing"

	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
)

// WaitForNodes waits until holds is true of every node of nodes: an index
// fed by an informer handler (which runs on its own goroutine, after the
// informer's cache has synced) has them all. The topology index's Holds
// is one; it publishes changes a little after its handler saw them.
func WaitForNodes(t testing.TB, what string, holds func(*v1.Node) bool, nodes []*v1.Node) {
	t.Helper()
	require.Eventually(t, func() bool {
		for _, n := range nodes {
			if !holds(n) {
				return false
			}
		}
		return true
	}, Wait, Tick, "%s has every node", what)
}
