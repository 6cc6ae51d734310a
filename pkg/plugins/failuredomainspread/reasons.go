package failuredomainspread

import "fmt"

// ErrReasonSpreadFormat is the reason a node is rejected for a Required
// group: the level, the group, and the emptiest eligible domain the pod
// waits for, with its replicas. It names neither the node nor its own
// domain, so it is one string per required level in a cycle and the
// scheduler aggregates it over every rejected node ("3 node(s) whose ...")
// even in a cluster of thousands of hosts.
// It starts with "node(s)" because the scheduler prefixes each reason with
// the number of nodes that gave it.
const ErrReasonSpreadFormat = "node(s) whose %s domain holds more replicas of %s than the emptiest eligible one (%s=%s holds %d)"

func spreadReason(group, level, emptiest string, count int) string {
	return fmt.Sprintf(ErrReasonSpreadFormat, level, group, level, emptiest, count)
}
