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

import (
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
)

// assessedGroup is a group the report has a replica row for, and that row,
// which the survival phase reads rather than count again.
type assessedGroup struct {
	*model.Group
	row *v1alpha1.ComponentReplica
}

// replicaTable is the phase after the separation's: a row of the replica
// table per assessed group. It returns the assessed groups, in row order,
// each with its row.
func replicaTable(r *v1alpha1.Report, groups []*model.Group, nodes map[string]*v1.Node, levels []string) []assessedGroup {
	var assessed []assessedGroup
	for _, g := range groups {
		if g.OnEveryNode() {
			continue
		}
		r.Replicas = append(r.Replicas, g.ReplicaRow(nodes, levels))
		assessed = append(assessed, assessedGroup{Group: g})
	}
	// Point each group at its row once r.Replicas has stopped growing.
	for i := range assessed {
		assessed[i].row = &r.Replicas[i]
	}
	return assessed
}
