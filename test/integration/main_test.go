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
