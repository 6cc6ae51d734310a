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
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GroupLabels are the labels that name a workload's replicas, in the order
// SPEC §2 gives them.
var GroupLabels = []string{"app.kubernetes.io/name", "app", "k8s-app", "component"}

// GroupOf returns the key of the pod's group: the replicas of one component in
// one namespace, or for other pods the first of GroupLabels present, else the
// controller owner, else the pod itself. Keys are readable, so they serve in
// messages as they are ("kube-system/kube-scheduler", "shop/app=web").
func GroupOf(pod *v1.Pod, c Class) string {
	if c.Component != "" {
		return pod.Namespace + "/" + c.Component
	}
	for _, k := range GroupLabels {
		if v, ok := pod.Labels[k]; ok {
			return pod.Namespace + "/" + k + "=" + v
		}
	}
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
		return pod.Namespace + "/" + ref.Kind + "/" + ref.Name
	}
	return pod.Namespace + "/pod/" + pod.Name
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
// what the kubelet creates: the annotation *and* its Node as controller
// owner. Anyone who may create a pod may set the annotation, so the
// annotation alone would let a user pod claim a static pod's exemptions.
func IsMirrorPod(pod *v1.Pod) bool {
	if _, ok := pod.Annotations[MirrorPodAnnotation]; !ok {
		return false
	}
	ref := metav1.GetControllerOfNoCopy(pod)
	return ref != nil && ref.Kind == "Node" && ref.APIVersion == "v1" && ref.Name == pod.Spec.NodeName
}

// IsTerminating reports whether the pod is being deleted.
func IsTerminating(pod *v1.Pod) bool { return pod.DeletionTimestamp != nil }
