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

// Package integration runs the real ha-scheduler binary with the shipped
// configurations against a real etcd and kube-apiserver.
package integration

import (
	"fmt"
	"os"
	"testing"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// cluster is shared by the tests of the package; each test starts from
// cluster.Reset and runs its own scheduler.
var cluster *harness.Cluster

func TestMain(m *testing.M) {
	var err error
	cluster, err = harness.StartCluster()
	if err != nil {
		fmt.Fprintf(os.Stderr, "starting the test control plane: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	cluster.Stop()
	os.Exit(code)
}

// startSecondary resets the cluster, creates the nodes and runs ha-scheduler
// with the shipped secondary configuration.
func startSecondary(t *testing.T, nodes ...harness.NodeSpec) *harness.Scheduler {
	t.Helper()
	cluster.Reset(t)
	for _, n := range nodes {
		cluster.CreateNode(t, n)
	}
	return cluster.StartScheduler(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), "--leader-elect=false")
}
