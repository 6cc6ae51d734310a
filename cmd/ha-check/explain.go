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
	"fmt"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/explain"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/spf13/cobra"
)

// newExplainCommand is `ha-check explain NAMESPACE/NAME`.
func newExplainCommand(c *common) *cobra.Command {
	output := newOutputFlags(outputText)
	cmd := &cobra.Command{
		Use:   "explain NAMESPACE/NAME",
		Short: "Explain why a pod is pending, or placed where it is, under the policy",
		Long: `Explain one pod under the policy the check audits with: its class
(component, other trusted pod or user workload, the node roles it may use,
its spread and disruption rule), its group and the group's replicas per
zone, host and node, for a pending pod which of the ha-scheduler rules
rejects which node (WorkloadSeparation, FailureDomainSpread, nodes that
cannot take pods), and what protects it from preemption (its group's
minimum, the PodDisruptionBudgets that cover it, the trusted-namespace
rule). Upstream filters (resources, affinity) are not evaluated: the
scheduler's own message is shown beside ours.

The pod is NAMESPACE/NAME (the namespace is always written: --namespace
narrows where the scheduler's configuration is looked for, as for every
command).

Exit code 0, or 1 on error.`,
		Example: `  # Why is shop/web-0 pending?
  ha-check explain shop/web-0

  # As YAML
  ha-check explain kube-system/etcd-0 -o yaml`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{fmt.Errorf("want one pod, NAMESPACE/NAME; got %d arguments", len(args))}
			}
			if ns, name, ok := strings.Cut(args[0], "/"); !ok || ns == "" || name == "" || strings.Contains(name, "/") {
				return usageError{fmt.Errorf("pod %q: write it NAMESPACE/NAME", args[0])}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			_, printer, err := output.printer(cmd)
			if err != nil {
				return err
			}
			ns, name, _ := strings.Cut(args[0], "/")
			ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
			defer cancel()
			src, cluster, err := loadCluster(ctx, c)
			if err != nil {
				return err
			}
			e, err := explain.Explain(model.New(src.policy, cluster), ns, name)
			if err != nil {
				return err
			}
			e.PolicySource = src.text
			e.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.KindExplanation))
			if printer != nil {
				return printAnswer(c.streams.Out, printer, e)
			}
			return hcprinters.Text{}.PrintObj(e, c.streams.Out)
		},
	}
	output.addFlags(cmd, "Output format: text, json or yaml (a versioned object, kind Explanation), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}

// newWhatIfCommand is `ha-check what-if --zone Z | --host H | --node N`.
func newWhatIfCommand(c *common) *cobra.Command {
	output := newOutputFlags(outputText)
	var f v1alpha1.Failure
	cmd := &cobra.Command{
		Use:   "what-if (--zone ZONE | --host HOST | --node NODE | --domain LEVEL=VALUE)",
		Short: "Show what the failure of one zone, host or node would take down",
		Long: `Show what the failure of one zone, physical host (host-id) or node would
take down, for capacity and maintenance planning: the nodes lost,
components left without an available replica, disruption-controlled groups
falling below their minimum, etcd losing quorum, user groups losing every
replica. Replicas are counted as the check counts them: available now,
against the group's desired size.

Exit code 0 when everything survives, 2 when something is lost, 1 on error.`,
		Example: `  # Maintenance of hypervisor hv-3
  ha-check what-if --host hv-3

  # Losing zone-a
  ha-check what-if --zone zone-a -o yaml

  # Losing rack r7, a level of the policy (levels: [..., example.com/rack, ...])
  ha-check what-if --domain rack=r7`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, printer, err := output.printer(cmd)
			if err != nil {
				return err
			}
			set := 0
			for _, v := range []string{f.Zone, f.Host, f.Node, f.Domain} {
				if v != "" {
					set++
				}
			}
			if set != 1 {
				return usageError{fmt.Errorf("give exactly one of --zone, --host, --node, --domain")}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), c.timeout)
			defer cancel()
			src, cluster, err := loadCluster(ctx, c)
			if err != nil {
				return err
			}
			r, err := explain.WhatIf(model.New(src.policy, cluster), f)
			if err != nil {
				return err
			}
			r.PolicySource = src.text
			r.SetGroupVersionKind(v1alpha1.SchemeGroupVersion.WithKind(v1alpha1.KindWhatIf))
			if printer != nil {
				err = printAnswer(c.streams.Out, printer, r)
			} else {
				err = hcprinters.Text{}.PrintObj(r, c.streams.Out)
			}
			if err != nil {
				return err
			}
			if !r.Survives() {
				return exitStatus(exitFail)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&f.Zone, "zone", "", "The zone (topology.kubernetes.io/zone) that fails")
	cmd.Flags().StringVar(&f.Host, "host", "", "The physical host (topology.scs.community/host-id) that fails")
	cmd.Flags().StringVar(&f.Node, "node", "", "The node that fails")
	cmd.Flags().StringVar(&f.Domain, "domain", "", "A domain of any of the policy's levels that fails, LEVEL=VALUE: the level by name or label (--domain rack=r1, --domain topology.kubernetes.io/region=eu-1)")
	output.addFlags(cmd, "Output format: text, json or yaml (a versioned object, kind WhatIf), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}
