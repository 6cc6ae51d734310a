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
	"fmt"
	"testing"
	"time"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// kube-apiserver restarts under a running scheduler (shipped secondary
// configuration, leader election on): pods created after the restart are
// scheduled by the same process, which reconnects its watches and keeps
// its lease. The renew deadline is raised by flag so that a slow restart
// on a loaded machine does not make the leader give up: with the shipped
// 10s, an outage longer than that makes kube-scheduler (and so
// ha-scheduler) exit by design, and its Deployment or kubelet restarts it.
func TestShipSchedulerSurvivesAPIServerRestart(t *testing.T) {
	cluster.Reset(t)
	cluster.DeleteLease(t, "kube-system", shipSecondaryLease)
	t.Cleanup(func() { cluster.DeleteLease(t, "kube-system", shipSecondaryLease) })
	cluster.CreateNode(t, shipWorker("worker-1", "zone-a", "host-1", ""))
	cluster.CreateNode(t, shipWorker("worker-2", "zone-b", "host-2", ""))
	s := cluster.StartSchedulerWith(t, cluster.SchedulerConfig(t, "secondary/config.yaml"), harness.SchedulerOptions{
		Flags: []string{"--leader-elect-lease-duration=130s", "--leader-elect-renew-deadline=120s", "--leader-elect-retry-period=2s"},
	})
	_, holder := shipWaitLeader(t, shipSecondaryLease, s)
	pid := s.Cmd.Process.Pid

	cluster.CreatePod(t, shipPod("default", "before-restart", haScheduler, "", map[string]string{"app": "restart"}))
	cluster.WaitScheduled(t, "default", "before-restart")

	start := time.Now()
	if err := cluster.RestartAPIServer(); err != nil {
		// The shared API server is down: the other tests cannot run.
		t.Fatalf("restarting kube-apiserver: %v", err)
	}
	t.Logf("kube-apiserver restarted in %v", time.Since(start).Round(10*time.Millisecond))

	for i := 0; i < 4; i++ {
		cluster.CreatePod(t, shipPod("default", fmt.Sprintf("after-restart-%d", i), haScheduler, "", map[string]string{"app": "restart"}))
	}
	for i := 0; i < 4; i++ {
		cluster.WaitScheduled(t, "default", fmt.Sprintf("after-restart-%d", i))
	}
	t.Logf("pods created after the restart scheduled %v after it began", time.Since(start).Round(10*time.Millisecond))
	if exited, err := s.Exited(); exited || s.Cmd.Process.Pid != pid {
		t.Fatalf("the scheduler did not survive the restart (exited %v: %v)", exited, err)
	}
	if h := shipLeaseHolder(t, shipSecondaryLease); h != holder {
		t.Errorf("lease holder changed from %s to %s", holder, h)
	}
	if code, _, err := s.Get("/healthz"); err != nil || code != 200 {
		t.Errorf("/healthz after the restart: %d %v", code, err)
	}
}
