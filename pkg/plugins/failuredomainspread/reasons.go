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

// ErrReasonNodeDown is the reason a node that cannot run pods is rejected
// for a replica of a spread group (policy.NodeCanRunPods), whatever the
// pod tolerates.
const ErrReasonNodeDown = "node(s) are down (Ready condition not True, or unreachable): no replica of a spread group is placed there"

func spreadReason(group, level, emptiest string, count int) string {
	return fmt.Sprintf(ErrReasonSpreadFormat, level, group, level, emptiest, count)
}
