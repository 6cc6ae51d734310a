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

package hacheck

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/internal/clustergen"
	"github.com/ha-scheduler/ha-scheduler/internal/fakeapi"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the current outputs")

// goldenSeeds are the generated clusters whose outputs are kept.
const goldenSeeds = 12

// TestGoldenOutputs runs every command, in every output format, over
// generated clusters (internal/clustergen) served as an API server would
// serve them, and compares the bytes with testdata/golden: what ha-check
// prints changes only when a change means it to (go test -run
// TestGoldenOutputs -update rewrites the files; read the diff). Seeds 9
// and up audit with the default policy adjusted by flags.
func TestGoldenOutputs(t *testing.T) {
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "absent"))
	t.Setenv("HOME", t.TempDir())
	for seed := uint64(1); seed <= goldenSeeds; seed++ {
		t.Run(fmt.Sprintf("seed-%02d", seed), func(t *testing.T) {
			c := clustergen.Generate(seed, clustergen.Options{})
			url := fakeapi.Serve(t, fakeapi.Objects{Nodes: c.Nodes, Pods: c.Pods, Services: c.Services, PDBs: c.PDBs, StatefulSets: c.StatefulSets, ReplicaSets: c.ReplicaSets})
			base := []string{"--kubeconfig", kubeconfigFor(t, url)}
			if seed > 8 {
				base = append(base, "--trusted-namespace", "logging")
			}
			if seed > 10 {
				base = append(base, "--allow-user-workloads-on-control-plane")
			}
			var b bytes.Buffer
			for _, args := range goldenCommands(c) {
				o := runOutput(append(slices.Clone(args), base...)...)
				fmt.Fprintf(&b, "=== ha-check %v\nexit %d\n%s", args, o.Code, o.Stdout)
				if o.Stderr != "" {
					fmt.Fprintf(&b, "--- stderr\n%s", o.Stderr)
				}
			}
			path := filepath.Join("testdata", "golden", fmt.Sprintf("seed-%02d.txt", seed))
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -run TestGoldenOutputs -update writes it)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("outputs differ from %s (-want +got):\n%s", path, diff)
			}
		})
	}
}

// goldenCommands are the command lines run on a cluster: the check in every
// format, explain of a pending pod, a static pod and a bound user pod,
// what-if of the first zone, host and node, the PDB plan and the policy.
func goldenCommands(c *clustergen.Cluster) [][]string {
	out := [][]string{
		{}, {"-o", "wide"}, {"-o", "json"}, {"-o", "yaml"},
	}
	var pending, static, user *v1.Pod
	for _, p := range c.Pods {
		switch {
		case pending == nil && p.Spec.NodeName == "":
			pending = p
		case static == nil && p.Annotations[policy.MirrorPodAnnotation] != "":
			static = p
		case user == nil && p.Namespace == "shop" && p.Spec.NodeName != "":
			user = p
		}
	}
	for _, p := range []*v1.Pod{pending, static, user} {
		if p != nil {
			out = append(out, []string{"explain", p.Namespace + "/" + p.Name}, []string{"explain", p.Namespace + "/" + p.Name, "-o", "json"})
		}
	}
	n := c.Nodes[len(c.Nodes)-1]
	if z, ok := n.Labels[policy.LabelZone]; ok {
		out = append(out, []string{"what-if", "--zone", z}, []string{"what-if", "--zone", z, "-o", "yaml"})
	}
	out = append(out,
		[]string{"what-if", "--host", policy.DomainOf(n.Name, n.Labels, policy.LabelHostID)},
		[]string{"what-if", "--node", c.Nodes[0].Name},
		[]string{"pdbs"}, []string{"pdbs", "-o", "json"},
		[]string{"policy"},
	)
	return out
}
