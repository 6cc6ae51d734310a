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

package v1alpha1

// ControlPlaneScheduler is the part of the report that says which scheduler
// runs the control plane: the kube-scheduler pods of kube-system (kubeadm's
// static pods, seen through their mirror pods), the image and command each
// runs, and whether that is ha-scheduler (the replacement mode) or the
// stock kube-scheduler.
type ControlPlaneScheduler struct {
	// Expected is the scheduler every kube-scheduler pod should run
	// (SchedulerHA or SchedulerStock); empty when nothing is expected.
	Expected SchedulerKind `json:"expected,omitempty"`
	// Reason says why it is expected, in words.
	Reason string `json:"reason,omitempty"`
	// Pods are the kube-scheduler pods bound to a node, by node.
	Pods []SchedulerPod `json:"pods"`
}

// SchedulerKind says which scheduler a kube-scheduler pod runs.
type SchedulerKind string

const (
	// SchedulerHA is ha-scheduler: an image whose repository's last element
	// is ha-scheduler (ghcr.io/ha-scheduler/ha-scheduler, or the same name
	// in another registry), or a command whose binary is ha-scheduler.
	SchedulerHA SchedulerKind = "ha-scheduler"
	// SchedulerStock is the stock kube-scheduler: an image whose
	// repository's last element is kube-scheduler (registry.k8s.io/
	// kube-scheduler), or a command whose binary is kube-scheduler.
	SchedulerStock SchedulerKind = "stock"
	// SchedulerUnknown is neither, or an image and a command that disagree
	// (the image of one with the binary of the other).
	SchedulerUnknown SchedulerKind = "unknown"
)

// SchedulerPod is one kube-scheduler pod: where it runs and what.
type SchedulerPod struct {
	Node string `json:"node"`
	// Role is the node's role; empty when the node does not exist.
	Role string `json:"role,omitempty"`
	// Pod is namespace/name.
	Pod string `json:"pod"`
	// Mirror says whether the pod is a static pod's mirror (the kubelet's
	// annotation and its Node as owner): the kubelet runs it from a file in
	// its manifests directory.
	Mirror    bool          `json:"mirror"`
	Scheduler SchedulerKind `json:"scheduler"`
	// Image and Command are the scheduler container's (the one named
	// kube-scheduler, else the first).
	Image   string   `json:"image"`
	Command []string `json:"command,omitempty"`
}
