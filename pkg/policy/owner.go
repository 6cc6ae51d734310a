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
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Controllers looks up the controllers that say how many replicas a group
// should have. The scheduler answers from its informers, the checker from
// what it listed; nil results mean "not known".
type Controllers interface {
	ReplicaSet(namespace, name string) *appsv1.ReplicaSet
	StatefulSet(namespace, name string) *appsv1.StatefulSet
}

// DesiredReplicasAnnotation is set by the Deployment controller on each of
// a Deployment's ReplicaSets: the Deployment's desired replicas. It gives
// the size of the whole Deployment from the ReplicaSet alone (during a
// rollout each ReplicaSet holds only part of it), with no read access to
// Deployments, which the scheduler's role does not have.
const DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas"

// Owner is the workload the replicas of a group belong to: the pod's
// controller, with a ReplicaSet resolved to its Deployment. The zero Owner
// means the pod has no controller (a bare pod, or a static pod's mirror,
// whose controller is its Node).
type Owner struct {
	Kind, Name string
	// Desired is the replicas the owner wants, -1 when it does not say (an
	// unknown kind of controller, or one not found).
	Desired int
}

// NoOwner is the owner of pods without a controller.
var NoOwner = Owner{Desired: -1}

// OwnerOf returns the workload that owns the pod. A pod controlled by a
// Node (a static pod's mirror) has none: its Node says nothing about how
// many replicas of the component there should be.
func OwnerOf(pod *v1.Pod, ctrl Controllers) Owner {
	ref := metav1.GetControllerOfNoCopy(pod)
	if ref == nil || ref.Kind == "Node" {
		return NoOwner
	}
	o := Owner{Kind: ref.Kind, Name: ref.Name, Desired: -1}
	switch ref.Kind {
	case "StatefulSet":
		if sts := statefulSet(ctrl, pod.Namespace, ref.Name); sts != nil {
			o.Desired = replicasOf(sts.Spec.Replicas)
		}
	case "ReplicaSet":
		rs := replicaSet(ctrl, pod.Namespace, ref.Name)
		if rs == nil {
			// Not known: the Deployment its name says, as GroupOf takes it.
			if d, ok := deploymentOf(pod, ref); ok {
				o.Kind, o.Name = "Deployment", d
			}
			return o
		}
		o.Desired = replicasOf(rs.Spec.Replicas)
		if d := metav1.GetControllerOfNoCopy(rs); d != nil && d.Kind == "Deployment" {
			o.Kind, o.Name = d.Kind, d.Name
			if n, err := strconv.Atoi(rs.Annotations[DesiredReplicasAnnotation]); err == nil && n >= 0 {
				o.Desired = n
			}
		}
	}
	return o
}

func statefulSet(ctrl Controllers, ns, name string) *appsv1.StatefulSet {
	if ctrl == nil {
		return nil
	}
	return ctrl.StatefulSet(ns, name)
}

func replicaSet(ctrl Controllers, ns, name string) *appsv1.ReplicaSet {
	if ctrl == nil {
		return nil
	}
	return ctrl.ReplicaSet(ns, name)
}

// replicasOf reads a controller's spec.replicas, which defaults to 1.
func replicasOf(r *int32) int {
	if r == nil {
		return 1
	}
	return int(*r)
}

// String names the owner for messages: "StatefulSet etcd-events".
func (o Owner) String() string {
	if o.Kind == "" {
		return ""
	}
	return o.Kind + " " + o.Name
}
