// Package cyclestate reads a plugin's typed state from the CycleState.
package cyclestate

import (
	"fmt"

	fwk "k8s.io/kube-scheduler/framework"
)

// Read returns the state stored under key, with an error naming the key
// when it is missing or of another type.
func Read[T fwk.StateData](cycleState fwk.CycleState, key fwk.StateKey) (T, error) {
	var zero T
	c, err := cycleState.Read(key)
	if err != nil {
		return zero, fmt.Errorf("reading %q from cycleState: %w", key, err)
	}
	s, ok := c.(T)
	if !ok {
		return zero, fmt.Errorf("cycleState %q holds %T, want %T", key, c, zero)
	}
	return s, nil
}
