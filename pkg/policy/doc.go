// Package policy is the single truth about what a control-plane component is,
// where it may run, how its replicas spread and whether it is
// disruption-controlled. Every plugin and the checker classify pods and nodes
// through this package; it has no scheduler-framework types so that tools
// outside the scheduler (the checker) can use it unchanged.
package policy
