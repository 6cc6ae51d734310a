package failuredomainspread

import "fmt"

// ErrReasonSpreadFormat is the reason a node is rejected for a Required
// group: the group, its replicas on the node's domain, and the emptier
// eligible domain. It names domains, never nodes (unless the level is the
// hostname), so every node of a domain gets the same reason and the
// scheduler aggregates them ("3 node(s) ...").
const ErrReasonSpreadFormat = "%s already has %d replica(s) on %s=%s; %s=%s has %d"

func spreadReason(group, level, domain string, count int, emptier string, min int) string {
	return fmt.Sprintf(ErrReasonSpreadFormat, group, count, level, domain, level, emptier, min)
}
