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
	"context"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/pdbplan"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// pdbsOptions are the flags of `ha-check pdbs`.
type pdbsOptions struct {
	*commonOptions
	output *outputFlags

	// Complete's: the printer of -o.
	printer printerFunc
}

func newPDBsOptions(c *commonOptions) *pdbsOptions {
	o := &pdbsOptions{commonOptions: c, output: newOutputFlags(outputYAML)}
	o.output.ownPrinters = map[string]printerFunc{outputYAML: printerOf(hcprinters.ApplyYAML{})}
	o.output.keySorted = true
	return o
}

// newCmdPDBs is `ha-check pdbs`: the PodDisruptionBudgets that give every
// disruption-controlled group the policy's minimum against drains.
func newCmdPDBs(c *commonOptions) *cobra.Command {
	o := newPDBsOptions(c)
	cmd := &cobra.Command{
		Use:   "pdbs",
		Short: "Generate the PodDisruptionBudgets that make drains keep the policy's minimums",
		Long: `Generate one PodDisruptionBudget per disruption-controlled group (etcd: the
quorum of its desired size; kube-scheduler and kube-controller-manager:
their minAvailable), so that kubectl drain and every other eviction keep
what the policy keeps from preemption. The YAML is ready for kubectl apply;
comments name each group, the groups skipped and why (static pods, a
budget that already selects them, no selector that selects exactly the
group), and budgets ha-check made earlier that nothing generates now.
The numbers are fixed when generated: generate again after scaling.

Exit code 0, or 1 on error.`,
		Example: `  # Review, then apply
  ha-check pdbs > pdbs.yaml
  kubectl apply -f pdbs.yaml

  # The plan, with the skipped groups, as JSON
  ha-check pdbs -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.output.addFlags(cmd, "Output format: yaml (PodDisruptionBudgets for kubectl apply), json (the plan as a versioned object, kind PDBPlan), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}

// Complete reads the output flags.
func (o *pdbsOptions) Complete(cmd *cobra.Command, _ []string) error {
	var err error
	o.printer, err = o.output.toPrinter(cmd)
	return err
}

// Run generates the plan and prints it.
func (o *pdbsOptions) Run(ctx context.Context) error {
	_, err := o.run(ctx, o.printer, func(src *policysource.Found, m *model.Model) (runtime.Object, error) {
		plan := pdbplan.Generate(m)
		plan.PolicySource = src.Source
		return plan, nil
	})
	return err
}
