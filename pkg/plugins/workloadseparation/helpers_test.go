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
	"testing"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	plugintesting "k8s.io/kubernetes/pkg/scheduler/framework/plugins/testing"
	st "k8s.io/kubernetes/pkg/scheduler/testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var (
	controlPlane = st.MakeNode().Name("cp-1").Label(policy.LabelControlPlane, "").Obj()
	legacyMaster = st.MakeNode().Name("master-1").Label(policy.LabelMaster, "true").Obj()
	infra        = st.MakeNode().Name("infra-1").Label(policy.LabelInfra, "").Obj()
	worker       = st.MakeNode().Name("worker-1").Label("node-role.kubernetes.io/node", "").Obj()
	allNodes     = []*v1.Node{controlPlane, legacyMaster, infra, worker}
	daemonSetGVK = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}
)

// ingress is a custom component kept on infra nodes.
var ingress = config.ComponentArgs{
	Name:      "ingress",
	Selectors: []metav1.LabelSelector{{MatchLabels: map[string]string{"app": "ingress"}}},
	RuleArgs:  config.RuleArgs{Placement: policy.PlaceInfra},
}

func tolerateEverything(p *st.PodWrapper) *st.PodWrapper {
	return p.Tolerations([]v1.Toleration{{Operator: v1.TolerationOpExists}})
}

// newPlugin builds the plugin with the policy a (nil: the default) in a
// real framework handle whose informers hold the nodes, and waits until the
// role and topology indexes have seen them all.
func newPlugin(t *testing.T, a *config.PolicyArgs, nodes ...*v1.Node) (context.Context, *WorkloadSeparation) {
	t.Helper()
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	objs := make([]runtime.Object, 0, len(nodes))
	for _, n := range nodes {
		objs = append(objs, n)
	}
	pl := plugintesting.SetupPluginWithInformers(ctx, t, New(testutil.Policies(t, a)), nil, cache.NewSnapshot(nil, nodes), objs).(*WorkloadSeparation)
	testutil.WaitForRoleIndex(t, pl.roles, nodes)
	testutil.WaitForNodes(t, "the topology index", pl.topo.Holds, nodes)
	return ctx, pl
}

func nodeInfos(nodes ...*v1.Node) []fwk.NodeInfo {
	infos := make([]fwk.NodeInfo, 0, len(nodes))
	for _, n := range nodes {
		ni := framework.NewNodeInfo()
		ni.SetNode(n)
		infos = append(infos, ni)
	}
	return infos
}

func reject(reason string) *fwk.Status {
	return fwk.NewStatus(fwk.UnschedulableAndUnresolvable, reason)
}
