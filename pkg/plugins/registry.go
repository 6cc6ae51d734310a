// Package plugins lists the ha-scheduler plugins for the scheduler's
// out-of-tree registry.
package plugins

import (
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/failuredomainspread"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/workloadseparation"
)

// Registry returns the factories of our plugins by name.
func Registry() frameworkruntime.Registry {
	return frameworkruntime.Registry{
		workloadseparation.Name:  workloadseparation.New,
		failuredomainspread.Name: failuredomainspread.New,
		disruptionguard.Name:     disruptionguard.New,
	}
}
