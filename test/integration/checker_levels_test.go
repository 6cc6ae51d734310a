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

package integration

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// A policy with a custom level (a rack label between zone and host) is
// audited per that level, read from the scheduler's configuration: the
// replicas per rack, the survival of each rack and its findings, and
// what-if of a rack.
func TestCheckerAuditsTheLevelsOfThePolicy(t *testing.T) {
	const rack = "example.com/rack"
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
	} {
		n.Labels[rack] = map[string]string{"cp-a": "r1", "cp-b": "r1", "cp-c": "r2"}[n.Name]
		cluster.CreateNode(t, n)
	}
	// kube-scheduler's two replicas both in rack r1 (two zones, two hosts).
	for _, node := range []string{"cp-a", "cp-b"} {
		p := componentPod("kube-scheduler-"+node, map[string]string{"component": "kube-scheduler"})
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
		cluster.SetReady(t, p.Namespace, p.Name, true)
	}
	config := cluster.SchedulerConfig(t, "secondary/config.yaml",
		harness.SetPolicyArg("levels", []any{policy.LabelZone, rack, policy.LabelHostID, policy.LabelHostname}))

	code, r := runCheckerArgs(t, "--config", config)
	if code != 2 {
		t.Errorf("exit %d, want 2 (a rack failure takes kube-scheduler)", code)
	}
	if diff := cmp.Diff([]string{policy.LabelZone, rack, policy.LabelHostID}, r.Levels); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	var racks []v1alpha1.DomainSurvival
	for _, s := range r.Survival {
		if s.Level == "rack" {
			racks = append(racks, s)
		}
	}
	if diff := cmp.Diff([]v1alpha1.DomainSurvival{
		{Level: "rack", Domain: "r1", Lost: []string{"kube-system/kube-scheduler"}},
		{Level: "rack", Domain: "r2"},
	}, racks); diff != "" {
		t.Errorf("rack survival (-want +got):\n%s", diff)
	}
	if got := findingsByID(r)["survival.rack-loses-component"]; len(got) != 1 || !contains(got[0].Subjects, "kube-system/kube-scheduler") {
		t.Errorf("survival.rack-loses-component findings %+v, want one for kube-system/kube-scheduler", got)
	}

	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, _ := exec.CommandContext(ctx, bin, "what-if", "--kubeconfig", cluster.KubeconfigPath, "--config", config, "--domain", "rack=r1", "-o", "json").Output()
	var w v1alpha1.WhatIf
	if err := json.Unmarshal(out, &w); err != nil {
		t.Fatalf("what-if --domain rack=r1 -o json: %v\n%s", err, out)
	}
	if w.Level != "rack" || w.Domain != "r1" || !cmp.Equal(w.Nodes, []string{"cp-a", "cp-b"}) || len(w.ComponentsLost) != 1 || w.ComponentsLost[0].Group != "kube-system/kube-scheduler" {
		t.Errorf("what-if --domain rack=r1: %+v", w)
	}
}
