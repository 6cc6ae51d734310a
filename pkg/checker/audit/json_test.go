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
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
)

// The JSON of a replica row and of a quorum loss, as scripts read them: the
// fields of before (group, replicas, placed, perZone, perHost, members,
// survivors) keep their names; desired, available, minAvailable, owner and
// quorum are new.
func TestJSONSchema(t *testing.T) {
	c := etcdEvents(fixture.HACluster(), fixture.StatefulSet("kube-system", "etcd-events", 5), "cp-a", "cp-b", "cp-c").WithNodes(fixture.NodeNotReady("cp-c"))
	var b bytes.Buffer
	if err := writeJSON(&b, analyze(nil, c, Options{})); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Summary  map[string]any   `json:"summary"`
		Replicas []map[string]any `json:"replicas"`
		Survival []map[string]any `json:"survival"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	wantSummary := map[string]any{
		"nodes": 6.0, "controlPlaneNodes": 3.0, "infraNodes": 0.0, "workerNodes": 3.0, "notReadyNodes": 1.0,
		"regions": 1.0, "zones": 3.0, "hosts": 6.0, "pods": 26.0, "podDisruptionBudgets": 2.0,
	}
	if diff := cmp.Diff(wantSummary, got.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	wantRow := map[string]any{
		"group": "kube-system/etcd (StatefulSet etcd-events)", "component": "etcd", "owner": "StatefulSet etcd-events",
		"nodeRole": "ControlPlane", "spread": "Required", "disruptionControlled": true, "quorum": true,
		"desired": 5.0, "replicas": 3.0, "placed": 3.0, "available": 2.0, "minAvailable": 3.0,
		"perZone": map[string]any{"a": 1.0, "b": 1.0}, "perHost": map[string]any{"h1": 1.0, "h2": 1.0},
	}
	var row map[string]any
	for _, r := range got.Replicas {
		if r["group"] == wantRow["group"] {
			row = r
		}
	}
	if diff := cmp.Diff(wantRow, row); diff != "" {
		t.Errorf("replica row (-want +got):\n%s", diff)
	}
	wantZoneA := map[string]any{
		"level": "zone", "domain": "a",
		"quorumLost": []any{
			map[string]any{"group": "kube-system/etcd", "members": 3.0, "survivors": 1.0, "quorum": 2.0},
			map[string]any{"group": "kube-system/etcd (StatefulSet etcd-events)", "members": 5.0, "survivors": 1.0, "quorum": 3.0},
		},
	}
	if diff := cmp.Diff(wantZoneA, got.Survival[0]); diff != "" {
		t.Errorf("survival of zone a (-want +got):\n%s", diff)
	}
}

// writeJSON writes the report as indented JSON (the command writes it with
// four spaces, through cli-runtime's printer).
func writeJSON(w io.Writer, r *v1alpha1.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
