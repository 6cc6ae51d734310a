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

package pdbplan

import (
	"fmt"
	"io"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// generatePDBs is Generate for the cluster under the policy
// (policy.Default() when nil).
func generatePDBs(p *policy.Policy, c fixture.Cluster) v1alpha1.PDBPlan {
	return *Generate(c.Model(p))
}

// analyze is the check of the cluster under the policy.
func analyze(p *policy.Policy, c fixture.Cluster, o audit.Options) *v1alpha1.Report {
	return audit.Analyze(c.Model(p), o)
}

// writePDBsYAML writes the plan as ha-check pdbs prints it
// (printers.ApplyYAML), less its first line: where the policy came from,
// which the command fills in (its golden outputs keep that line).
func writePDBsYAML(w io.Writer, plan v1alpha1.PDBPlan) error {
	var b strings.Builder
	if err := (printers.ApplyYAML{}).PrintObj(&plan, &b); err != nil {
		return err
	}
	text, ok := strings.CutPrefix(b.String(), "# Policy: "+plan.PolicySource+"\n")
	if !ok {
		return fmt.Errorf("the YAML does not begin with the policy:\n%s", b.String())
	}
	_, err := io.WriteString(w, text)
	return err
}
