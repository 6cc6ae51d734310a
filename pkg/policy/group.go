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

package policy

import (
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GroupBy says what names a group.
type GroupBy uint8

const (
	// GroupByComponent: the replicas of one component in one namespace.
	GroupByComponent GroupBy = iota + 1
	// GroupByController: the pods of one controller (a Deployment, taken
	// through its ReplicaSets, a StatefulSet, a ReplicaSet, a Job, ...).
	GroupByController
	// GroupByService: pods without a controller that a Service selects.
	GroupByService
	// GroupByLabel: pods without a controller or Service that share the
	// value of the first of GroupLabels they carry.
	GroupByLabel
	// GroupByPod: a pod on its own.
	GroupByPod
)

// GroupLabels name the replicas of pods that have neither a controller nor
// a Service, in the order SPEC §2 gives them.
var GroupLabels = []string{"app.kubernetes.io/name", "app", "k8s-app", "component"}

// Group identifies the replicas that spread together and whose survival
// the checker reports. It is comparable, so it keys maps and compares
// without building a string (FailureDomainSpread compares the group of
// every replica it counts); String is its readable key.
type Group struct {
	Namespace string
	By        GroupBy
	// Kind is the controller's kind (GroupByController).
	Kind string
	// Name is the component's, the controller's, the Service's or the
	// pod's name, or the label's key (GroupByLabel).
	Name string
	// Value is the label's value (GroupByLabel).
	Value string
}

// String is the group's key, readable as it is in messages:
// "kube-system/kube-scheduler" (a component), "shop/Deployment/web" (a
// controller), "shop/Service/web", "shop/app=web" (a label),
// "shop/pod/lonely". Component names are DNS subdomains, kinds start with a
// capital letter and object names hold neither '/' nor '=', so no two kinds
// of group ever share a key.
func (g Group) String() string {
	switch g.By {
	case GroupByComponent:
		return g.Namespace + "/" + g.Name
	case GroupByController:
		return g.Namespace + "/" + g.Kind + "/" + g.Name
	case GroupByService:
		return g.Namespace + "/Service/" + g.Name
	case GroupByLabel:
		return g.Namespace + "/" + g.Name + "=" + g.Value
	case GroupByPod:
		return g.Namespace + "/pod/" + g.Name
	}
	return ""
}

// Services finds the Service that pods without a controller spread with.
// The scheduler answers from its informer, the checker from what it
// listed; nil means no Service is known.
type Services interface {
	// ServiceFor returns the name of the first Service, by name, of the
	// namespace whose selector selects the labels; "" when none does.
	ServiceFor(namespace string, podLabels map[string]string) string
}

// GroupOf returns the pod's group: for a component, the component in the
// pod's namespace (its replicas may come from several workloads: a static
// pod per master, or a Deployment); for any other pod, its controller, so
// that two workloads sharing a name label (two releases of one chart) each
// spread on their own, as the default profile's system-default spreading
// would spread them; for a pod without a controller, the Service that
// selects it, else the first of GroupLabels it carries, else itself.
//
// A ReplicaSet's pods group by its Deployment when the ReplicaSet's name is
// the Deployment controller's (the Deployment's name, "-", the pods'
// pod-template-hash): during a rollout the old and new ReplicaSets are one
// workload. Nothing but the pod is read for that.
func GroupOf(pod *v1.Pod, c Class, svcs Services) Group {
	g := Group{Namespace: pod.Namespace}
	if c.Component != "" {
		g.By, g.Name = GroupByComponent, c.Component
		return g
	}
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
		g.By, g.Kind, g.Name = GroupByController, ref.Kind, ref.Name
		if d, ok := deploymentOf(pod, ref); ok {
			g.Kind, g.Name = "Deployment", d
		}
		return g
	}
	if svcs != nil {
		if s := svcs.ServiceFor(pod.Namespace, pod.Labels); s != "" {
			g.By, g.Name = GroupByService, s
			return g
		}
	}
	for _, k := range GroupLabels {
		if v, ok := pod.Labels[k]; ok {
			g.By, g.Name, g.Value = GroupByLabel, k, v
			return g
		}
	}
	g.By, g.Name = GroupByPod, pod.Name
	return g
}

// podTemplateHashLabel is the label the Deployment controller puts on the
// pods of each of its ReplicaSets, and appends to the ReplicaSet's name
// (appsv1.DefaultDeploymentUniqueLabelKey).
const podTemplateHashLabel = "pod-template-hash"

// deploymentOf returns the Deployment whose ReplicaSet controls the pod,
// read from the ReplicaSet's name as the Deployment controller writes it.
func deploymentOf(pod *v1.Pod, ref *metav1.OwnerReference) (string, bool) {
	if ref.Kind != "ReplicaSet" {
		return "", false
	}
	hash := pod.Labels[podTemplateHashLabel]
	if hash == "" || len(ref.Name) <= len(hash)+1 || !strings.HasSuffix(ref.Name, hash) || ref.Name[len(ref.Name)-len(hash)-1] != '-' {
		return "", false
	}
	return ref.Name[:len(ref.Name)-len(hash)-1], true
}

// IsDaemonSetPod reports whether a DaemonSet controls the pod. DaemonSet pods
// are never spread: there is one per node by construction.
func IsDaemonSetPod(pod *v1.Pod) bool {
	ref := metav1.GetControllerOfNoCopy(pod)
	return ref != nil && ref.Kind == "DaemonSet"
}

// MirrorPodAnnotation marks a static pod's mirror in the API server.
const MirrorPodAnnotation = "kubernetes.io/config.mirror"

// IsMirrorPod reports whether the pod is the mirror of a static pod: the
// kubelet owns it, nothing can evict or move it. It is one only when it is
// what the kubelet creates: the annotation and, as controller owner, the
// Node it is bound to, that very Node object (its UID). node is the node
// the pod is bound to (nil when it is not known: then it is no mirror pod).
// Anyone who may create a pod may set the annotation, spec.nodeName and an
// owner reference naming a Node; only the Node's UID, which the kubelet
// copies from the Node it runs as, tells the kubelet's pod from a tenant's.
func IsMirrorPod(pod *v1.Pod, node *v1.Node) bool {
	if _, ok := pod.Annotations[MirrorPodAnnotation]; !ok || node == nil || node.Name != pod.Spec.NodeName {
		return false
	}
	ref := metav1.GetControllerOfNoCopy(pod)
	return ref != nil && ref.Kind == "Node" && ref.APIVersion == "v1" && ref.Name == node.Name && ref.UID != "" && ref.UID == node.UID
}

// IsTerminating reports whether the pod is being deleted.
func IsTerminating(pod *v1.Pod) bool { return pod.DeletionTimestamp != nil }
