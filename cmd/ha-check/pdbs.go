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

package main

import (
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"

	"context"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/pdbplan"
	"github.com/spf13/cobra"
)

// newPDBsCommand is `ha-check pdbs`: the PodDisruptionBudgets that give
// every disruption-controlled group the policy's minimum against drains.
func newPDBsCommand(c *common) *cobra.Command {
	output := newOutputFlags(outputYAML)
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
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, printer, err := output.printer(cmd)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
			defer cancel()
			src, cluster, err := loadCluster(ctx, c)
			if err != nil {
				return err
			}
			plan := pdbplan.Generate(model.New(src.policy, cluster))
			plan.PolicySource = src.text
			plan.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.KindPDBPlan))
			if printer != nil {
				return printAnswer(c.streams.Out, printer, plan)
			}
			return hcprinters.ApplyYAML{}.PrintObj(plan, c.streams.Out)
		},
	}
	output.addFlags(cmd, "Output format: yaml (PodDisruptionBudgets for kubectl apply), json (the plan as a versioned object, kind PDBPlan), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}
