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

// Package result holds what the scale benchmark writes beside
// scheduler_perf's data items, shared by the benchmark and its report.
package result

// Placement is what a workload's pods look like once it is done: whether
// the guarantees held and how well each group spread. The benchmark writes
// it as placement_<profile>_<workload>.json next to the data items; the
// report prints it beside the throughput.
type Placement struct {
	Profile  string `json:"profile"`
	Workload string `json:"workload"`

	// User pods (namespace user): where they landed and how each group
	// (app label) spread.
	UserPods               int `json:"userPods"`
	UserPodsPending        int `json:"userPodsPending"`
	UserPodsOnControlPlane int `json:"userPodsOnControlPlane"`
	UserPodsOnInfra        int `json:"userPodsOnInfra"`
	UserGroups             int `json:"userGroups"`
	// ZoneBalancedGroups: replicas per zone differ by at most one.
	ZoneBalancedGroups int `json:"zoneBalancedGroups"`
	// HostSpreadGroups: no physical host holds more than
	// ceil(replicas/worker hosts) replicas of the group.
	HostSpreadGroups   int `json:"hostSpreadGroups"`
	MaxZoneSkew        int `json:"maxZoneSkew"`
	MaxReplicasPerHost int `json:"maxReplicasPerHost"`

	// Control-plane pods (namespace cp-system), grouped by component.
	CPPods                int `json:"cpPods"`
	CPPodsPending         int `json:"cpPodsPending"`
	CPPodsOffControlPlane int `json:"cpPodsOffControlPlane"`
	CPGroups              int `json:"cpGroups"`
	// CPHostBalancedGroups: replicas per control-plane host differ by at
	// most one (the Required spread).
	CPHostBalancedGroups int `json:"cpHostBalancedGroups"`
	MaxCPHostSkew        int `json:"maxCPHostSkew"`
}
