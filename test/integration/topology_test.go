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
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

const haScheduler = "ha-scheduler"

func controlPlaneNode(name, zone, host string) harness.NodeSpec {
	return harness.NodeSpec{Name: name, Labels: map[string]string{
		policy.LabelControlPlane: "", policy.LabelZone: zone, policy.LabelHostID: host,
	}, Taints: []v1.Taint{{Key: policy.LabelControlPlane, Effect: v1.TaintEffectNoSchedule}}}
}

func infraNode(name, zone, host string) harness.NodeSpec {
	return harness.NodeSpec{Name: name, Labels: map[string]string{
		policy.LabelInfra: "", policy.LabelZone: zone, policy.LabelHostID: host,
	}}
}

func workerNode(name, zone, host string) harness.NodeSpec {
	return harness.NodeSpec{Name: name, Labels: map[string]string{
		policy.LabelZone: zone, policy.LabelHostID: host,
	}}
}

// tolerateAll is what a user writes to get onto any node.
var tolerateAll = []v1.Toleration{{Operator: v1.TolerationOpExists}}

func pod(ns, name string, labels map[string]string) *v1.Pod {
	return &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec:       v1.PodSpec{SchedulerName: haScheduler},
	}
}

// componentPod is a kube-system pod as kubeadm/CoreDNS label them; control
// plane components tolerate the control-plane taint.
func componentPod(name string, labels map[string]string) *v1.Pod {
	p := pod("kube-system", name, labels)
	p.Spec.Tolerations = []v1.Toleration{{Key: policy.LabelControlPlane, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}}
	return p
}

func resourceQuantity(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}
