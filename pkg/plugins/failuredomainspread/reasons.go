package failuredomainspread

import "fmt"

// ErrReasonSpreadFormat is the reason a node is rejected for a Required
// group: the group, its replicas on the node's domain, and the emptier
// eligible domain. It names domains, never nodes (unless the level is the
// hostname), so every node of a domain gets the same reason and the
// scheduler aggregates them ("3 node(s) ...").
// It starts with "node(s)" because the scheduler prefixes each reason with
// the number of nodes that gave it.
const ErrReasonSpreadFormat = "node(s) in %s=%s, which already holds %d replica(s) of %s while %s=%s holds %d"

func spreadReason(group, level, domain string, count int, emptier string, min int) string {
	return fmt.Sprintf(ErrReasonSpreadFormat, level, domain, count, group, level, emptier, min)
}
