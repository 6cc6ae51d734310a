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

// Package plugins lists the ha-scheduler plugins for the scheduler's
// out-of-tree registry.
package plugins

import (
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/failuredomainspread"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/workloadseparation"
)

// Registry returns the factories of our plugins by name. Each plugin
// enforces its profile's policy, taken from policies when the scheduler
// builds the profile: policies may be filled after Registry returns.
func Registry(policies config.Policies) frameworkruntime.Registry {
	return frameworkruntime.Registry{
		workloadseparation.Name:  workloadseparation.New(policies),
		failuredomainspread.Name: failuredomainspread.New(policies),
		disruptionguard.Name:     disruptionguard.New(policies),
	}
}
