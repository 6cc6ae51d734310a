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

package checker

import (
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Fixture clusters, built from typed objects.

const (
	cp     = "control-plane"
	master = "master"
	infra  = "infra"
	worker = "worker"
)

// node makes a node; an empty region, zone or host leaves that label out.
func node(name, role, region, zone, host string) *v1.Node {
	l := map[string]string{v1.LabelHostname: name}
	switch role {
	case cp:
		l[policy.LabelControlPlane] = ""
	case master:
		l[policy.LabelMaster] = ""
	case infra:
		l[policy.LabelInfra] = ""
	}
	for k, v := range map[string]string{policy.LabelRegion: region, policy.LabelZone: zone, policy.LabelHostID: host} {
		if v != "" {
			l[k] = v
		}
	}
	return &v1.Node{
		// The UID a static pod's mirror names as its owner (mirror).
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: l, UID: types.UID("u-" + name)},
		Status:     v1.NodeStatus{Conditions: []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue}}},
	}
}

// notReadyNode returns a copy of the node whose kubelet stopped reporting
// (Ready Unknown, as the node lifecycle controller sets it).
func notReadyNode(n *v1.Node) *v1.Node {
	out := n.DeepCopy()
	out.Status.Conditions = []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionUnknown}}
	return out
}

type podOpt func(*v1.Pod)

func pod(ns, name, nodeName string, labels map[string]string, opts ...podOpt) *v1.Pod {
	p := &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: labels},
		Spec:       v1.PodSpec{NodeName: nodeName},
		Status:     v1.PodStatus{Phase: v1.PodRunning},
	}
	if nodeName == "" {
		p.Status.Phase = v1.PodPending
	} else {
		// A bound pod is Ready unless an option says otherwise: the fixtures
		// describe a healthy cluster first.
		p.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

// mirror makes the pod what the kubelet creates for a static pod: the mirror
// annotation and its Node, by the UID node gives it, as controller
// (policy.IsMirrorPod needs both).
func mirror(p *v1.Pod) {
	yes := true
	p.Annotations = map[string]string{policy.MirrorPodAnnotation: "x"}
	p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: p.Spec.NodeName, UID: types.UID("u-" + p.Spec.NodeName), Controller: &yes}}
}

// notReady makes the pod's Ready condition False (a failing readiness
// probe, a crashing container).
func notReady(p *v1.Pod) {
	p.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionFalse}}
}

func ownedBy(kind, name string) podOpt {
	return func(p *v1.Pod) {
		yes := true
		p.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: kind, Name: name, UID: types.UID("u-" + name), Controller: &yes}}
	}
}

func phase(ph v1.PodPhase) podOpt { return func(p *v1.Pod) { p.Status.Phase = ph } }

func pdb(ns, name string, sel map[string]string) *policyv1.PodDisruptionBudget {
	one := intstr.FromInt32(1)
	return &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       policyv1.PodDisruptionBudgetSpec{MinAvailable: &one, Selector: &metav1.LabelSelector{MatchLabels: sel}},
	}
}

func lbl(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// staticControlPlane is what kubeadm runs on each control-plane node: the four
// static pods, as mirror pods, each its image and binary.
func staticControlPlane(nodeName string) []*v1.Pod {
	var pods []*v1.Pod
	for _, c := range []string{"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"} {
		p := pod("kube-system", c+"-"+nodeName, nodeName, lbl("component", c, "tier", "control-plane"), mirror)
		p.Spec.Containers = []v1.Container{{Name: c, Image: "registry.k8s.io/" + c + ":v1.37.2", Command: []string{c}}}
		pods = append(pods, p)
	}
	return pods
}

// haCluster passes every rule: three control-plane nodes in three zones on
// three hosts, workers as VMs on their own hosts, kubeadm static pods,
// CoreDNS on two control-plane nodes, kube-proxy everywhere, a user
// Deployment on the workers.
func haCluster() Cluster {
	c := Cluster{Nodes: []*v1.Node{
		node("cp-a", cp, "r1", "a", "h1"),
		node("cp-b", cp, "r1", "b", "h2"),
		node("cp-c", cp, "r1", "c", "h3"),
		node("w-a", worker, "r1", "a", "h4"),
		node("w-b", worker, "r1", "b", "h5"),
		node("w-c", worker, "r1", "c", "h6"),
	}}
	for _, n := range []string{"cp-a", "cp-b", "cp-c"} {
		c.Pods = append(c.Pods, staticControlPlane(n)...)
	}
	c.Pods = append(c.Pods,
		pod("kube-system", "coredns-1", "cp-a", lbl("k8s-app", "kube-dns"), ownedBy("ReplicaSet", "coredns-5d")),
		pod("kube-system", "coredns-2", "cp-b", lbl("k8s-app", "kube-dns"), ownedBy("ReplicaSet", "coredns-5d")),
	)
	for _, n := range c.Nodes {
		c.Pods = append(c.Pods, pod("kube-system", "kube-proxy-"+n.Name, n.Name, lbl("k8s-app", "kube-proxy"), ownedBy("DaemonSet", "kube-proxy")))
	}
	for i, n := range []string{"w-a", "w-b", "w-c"} {
		c.Pods = append(c.Pods, pod("shop", "web-"+string(rune('0'+i)), n, lbl("app", "web", "pod-template-hash", "7f"), ownedBy("ReplicaSet", "web-7f")))
	}
	c.PDBs = append(c.PDBs, pdb("shop", "web", lbl("app", "web")))
	return c
}

// scsNodes builds a node-only cluster from the label sets of the SCS test
// data (Tests/kaas/k8s-node-distribution/testdata), as {name, role, region,
// zone, host-id}.
func scsNodes(rows ...[5]string) Cluster {
	var c Cluster
	for _, r := range rows {
		c.Nodes = append(c.Nodes, node(r[0], r[1], r[2], r[3], r[4]))
	}
	return c
}

// without returns the cluster minus the pods whose names are given.
func (c Cluster) without(podNames ...string) Cluster {
	drop := map[string]bool{}
	for _, n := range podNames {
		drop[n] = true
	}
	out := c
	out.Pods = nil
	for _, p := range c.Pods {
		if !drop[p.Name] {
			out.Pods = append(out.Pods, p)
		}
	}
	return out
}

func (c Cluster) with(pods ...*v1.Pod) Cluster {
	out := c
	out.Pods = append(append([]*v1.Pod(nil), c.Pods...), pods...)
	return out
}

// statefulSet is a StatefulSet of the given spec.replicas.
func statefulSet(ns, name string, replicas int32) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("u-" + name)},
		Spec:       appsv1.StatefulSetSpec{Replicas: &replicas},
	}
}

// replicaSet is a ReplicaSet of the given spec.replicas; with a deployment
// name, one of that Deployment's, annotated with its desired replicas as
// the Deployment controller does.
func replicaSet(ns, name string, replicas int32, deployment string, desired int) *appsv1.ReplicaSet {
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID("u-" + name)},
		Spec:       appsv1.ReplicaSetSpec{Replicas: &replicas},
	}
	if deployment != "" {
		yes := true
		rs.OwnerReferences = []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: deployment, UID: types.UID("u-" + deployment), Controller: &yes}}
		rs.Annotations = map[string]string{policy.DesiredReplicasAnnotation: strconv.Itoa(desired)}
	}
	return rs
}
