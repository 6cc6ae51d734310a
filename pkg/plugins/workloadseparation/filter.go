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

package workloadseparation

import (
	"context"

	v1 "k8s.io/api/core/v1"
	fwk "k8s.io/kube-scheduler/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/cyclestate"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const preFilterStateKey = "PreFilter" + Name

// preFilterState is the pod's class, computed once per cycle.
type preFilterState struct {
	class     policy.Class
	daemonSet bool
}

// Clone returns the state itself: it does not change with pods added or
// removed during preemption's dry-runs.
func (s *preFilterState) Clone() fwk.StateData { return s }

// PreFilter classifies the pod. A pod any node may run skips Filter. A pod
// limited to one small role (control-plane, infra) narrows the nodes to
// evaluate to that role's nodes; if there are none, it says so itself.
func (pl *WorkloadSeparation) PreFilter(_ context.Context, cycleState fwk.CycleState, pod *v1.Pod, nodes []fwk.NodeInfo) (*fwk.PreFilterResult, *fwk.Status) {
	c := pl.policy.Classify(pod)
	if c.Roles == policy.AllRoles {
		return nil, fwk.NewStatus(fwk.Skip)
	}
	cycleState.Write(preFilterStateKey, &preFilterState{class: c, daemonSet: policy.IsDaemonSetPod(pod)})
	role, single := c.Roles.Only()
	if !single || role == policy.RoleWorker {
		return nil, nil
	}
	names := pl.roles.Names(role)
	if len(names) == 0 || !pl.roles.Ready() {
		// The index may lag the scheduler's snapshot (it is fed by its own
		// informer handler): until it has seen every node, and before
		// saying "there is none", look at the nodes the framework has.
		// This costs O(nodes) only at start-up and when the cluster has no
		// node of the role, which are not steady states. What the index
		// has stays: a node its queueing hint just recorded may not be in
		// the snapshot yet.
		for _, ni := range nodes {
			if n := ni.Node(); n != nil && policy.RoleOf(n.Labels) == role {
				names.Insert(n.Name)
			}
		}
	}
	if len(names) == 0 {
		return nil, fwk.NewStatus(fwk.UnschedulableAndUnresolvable, noneOfRoleMessage(pod, c, role))
	}
	return &fwk.PreFilterResult{NodeNames: names}, nil
}

// PreFilterExtensions returns nil: the class does not depend on other pods.
func (pl *WorkloadSeparation) PreFilterExtensions() fwk.PreFilterExtensions { return nil }

// Filter rejects a node whose role the pod's class does not allow. No
// toleration, selector or affinity can change the verdict, so it is
// UnschedulableAndUnresolvable: preemption cannot help either.
func (pl *WorkloadSeparation) Filter(_ context.Context, cycleState fwk.CycleState, pod *v1.Pod, nodeInfo fwk.NodeInfo) *fwk.Status {
	s, err := getPreFilterState(cycleState)
	if err != nil {
		return fwk.AsStatus(err)
	}
	v := policy.Separation(s.class, s.daemonSet, pl.topo.Of(nodeInfo.Node()).Role)
	if v.Allowed() {
		return nil
	}
	return fwk.NewStatus(fwk.UnschedulableAndUnresolvable, reasonOf(pod, v))
}

func getPreFilterState(cycleState fwk.CycleState) (*preFilterState, error) {
	return cyclestate.Read[*preFilterState](cycleState, preFilterStateKey)
}
