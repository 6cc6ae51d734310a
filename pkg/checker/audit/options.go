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

package audit

import "github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"

// Options are the choices of an audit that are not policy.
type Options struct {
	// SCSRevision is the revision of scs-0214 the node distribution is
	// judged by; "" is the current one (scs.Current). Parse what an
	// operator types with scs.Parse; Analyze applies the current revision
	// to a name it does not know, and the report names the revision it
	// applied.
	SCSRevision v1alpha1.SCSRevision

	// ControlPlaneScheduler is which scheduler the kube-scheduler pods
	// should run; "" is ExpectAuto. Parse what an operator types with
	// ParseSchedulerExpectation.
	ControlPlaneScheduler SchedulerExpectation
	// ControlPlaneSchedulerReason says, in words, why ControlPlaneScheduler
	// expects ha-scheduler or the stock scheduler; the report shows it.
	ControlPlaneSchedulerReason string
}
