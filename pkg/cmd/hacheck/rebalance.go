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
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/rebalance"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// rebalanceOptions are the flags of `ha-check rebalance [--apply]`.
type rebalanceOptions struct {
	*commonOptions
	output *outputFlags
	apply  bool

	// Complete's: the printer of -o.
	printer printerFunc
}

func newRebalanceOptions(c *commonOptions) *rebalanceOptions {
	o := &rebalanceOptions{commonOptions: c, output: newOutputFlags(outputText)}
	o.output.ownPrinters = map[string]printerFunc{outputText: printerOf(hcprinters.Text{})}
	o.output.keySorted = true
	return o
}

// newCmdRebalance is `ha-check rebalance`: the moves that restore the
// policy's spread after an outage, and with --apply their execution.
func newCmdRebalance(c *commonOptions) *cobra.Command {
	o := newRebalanceOptions(c)
	cmd := &cobra.Command{
		Use:   "rebalance [--apply]",
		Short: "Plan, or with --apply make, the moves that restore the policy's spread after an outage",
		Long: `A scheduler places pods and never moves them: when a zone or host comes back
from an outage, the replicas recreated elsewhere stay there, and the cluster
survives one failure less than the policy intends. rebalance plans, from
the policy and the cluster as it is, the replicas to evict, in order, so
that the scheduler places each replacement where it would place a replica
now (fewer replicas in the zone first, then on the physical host, then on
the node), for each group spread worse than that; and why (the level, the
domains, the counts before and after). Static pods, DaemonSet pods,
replicas without a controller that recreates them and replicas pinned by
spec.nodeName, node affinity or a volume are never moved; those that would
move are listed with why they cannot. Groups that have not recovered yet
(a replica pending, not Ready, on a node that is down) are not planned.

--apply makes the moves one at a time through the eviction API, so
PodDisruptionBudgets apply: before each one it reads the cluster again,
checks that the eviction leaves the group its policy minimum (etcd the
quorum of its desired size), waits until the budgets of the pod are
current, evicts, and waits until the replacement is scheduled and Ready
(--timeout bounds each move) before the next. It stops, evicting nothing
more, when an eviction is refused, a replacement is not Ready in time, or
the cluster changed under it; run again, it plans from the cluster as it
is then. Progress goes to stderr; stdout has the plan it started from.
It needs the checker's read access and create on pods/eviction.

Exit code 0 (--apply: every move made), 2 when --apply stopped, 1 on error.`,
		Example: `  # The plan
  ha-check rebalance

  # Make the moves, at most 5 minutes for each replacement to be Ready
  ha-check rebalance --apply --timeout 5m

  # The plan as JSON
  ha-check rebalance -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.apply, "apply", false, "Make the moves: one eviction at a time, each replacement Ready before the next (--timeout each)")
	o.output.addFlags(cmd, "Output format of the plan: text, json or yaml (a versioned object, kind RebalancePlan), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}

// Complete reads the output flags.
func (o *rebalanceOptions) Complete(cmd *cobra.Command, _ []string) error {
	var err error
	o.printer, err = o.output.toPrinter(cmd)
	return err
}

// Run prints the plan and, with --apply, makes its moves.
func (o *rebalanceOptions) Run(ctx context.Context) error {
	var src *policysource.Found
	_, err := o.run(ctx, o.printer, func(found *policysource.Found, m *model.Model) (runtime.Object, error) {
		src = found
		plan := rebalance.Plan(m)
		plan.PolicySource = found.Source
		return plan, nil
	})
	if err != nil || !o.apply {
		return err
	}
	cs, host, err := o.client()
	if err != nil {
		return err
	}
	a := &rebalance.Applier{
		Client:   cs,
		Timeout:  o.timeout,
		Progress: o.streams.ErrOut,
		Load: func(ctx context.Context) (*model.Model, error) {
			ctx, cancel := context.WithTimeout(ctx, o.timeout)
			defer cancel()
			read, err := cluster.Load(ctx, cs, cluster.LoadOptions{})
			if err != nil {
				return nil, fmt.Errorf("reading the cluster at %s: %w", host, err)
			}
			return model.New(src.Policy, read), nil
		},
	}
	_, err = a.Run(ctx)
	var stop *rebalance.Stopped
	if errors.As(err, &stop) {
		fmt.Fprintf(o.streams.ErrOut, "stopped: %s\n", stop.Reason)
		return exitStatus(exitFail)
	}
	return err
}
