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
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/explain"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// whatIfOptions are the flags of
// `ha-check what-if --zone Z | --host H | --node N | --domain LEVEL=VALUE`.
type whatIfOptions struct {
	*commonOptions
	output *outputFlags
	// f is the failure the flags name.
	f v1alpha1.Failure

	// Complete's: the printer of -o.
	printer printerFunc
}

func newWhatIfOptions(c *commonOptions) *whatIfOptions {
	o := &whatIfOptions{commonOptions: c, output: newOutputFlags(outputText)}
	o.output.ownPrinters = map[string]printerFunc{outputText: printerOf(hcprinters.Text{})}
	o.output.keySorted = true
	return o
}

// newCmdWhatIf is `ha-check what-if`.
func newCmdWhatIf(c *commonOptions) *cobra.Command {
	o := newWhatIfOptions(c)
	f := &o.f
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&f.Zone, "zone", "", "The zone (topology.kubernetes.io/zone) that fails")
	cmd.Flags().StringVar(&f.Host, "host", "", "The physical host (topology.scs.community/host-id) that fails")
	cmd.Flags().StringVar(&f.Node, "node", "", "The node that fails")
	cmd.Flags().StringVar(&f.Domain, "domain", "", "A domain of any of the policy's levels that fails, LEVEL=VALUE: the level by name or label (--domain rack=r1, --domain topology.kubernetes.io/region=eu-1)")
	o.output.addFlags(cmd, "Output format: text, json or yaml (a versioned object, kind WhatIf), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}

// Complete reads the output flags.
func (o *whatIfOptions) Complete(cmd *cobra.Command, _ []string) error {
	var err error
	o.printer, err = o.output.toPrinter(cmd)
	return err
}

// Validate checks that the flags name exactly one failure.
func (o *whatIfOptions) Validate() error {
	set := 0
	for _, v := range []string{o.f.Zone, o.f.Host, o.f.Node, o.f.Domain} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return usageError{fmt.Errorf("give exactly one of --zone, --host, --node, --domain")}
	}
	return nil
}

// Run assesses the failure, prints what it takes, and ends with exit
// status 2 when it takes something.
func (o *whatIfOptions) Run(ctx context.Context) error {
	obj, err := o.run(ctx, o.printer, func(src *policysource.Found, m *model.Model) (runtime.Object, error) {
		r, err := explain.WhatIf(m, o.f)
		if err != nil {
			return nil, err
		}
		r.PolicySource = src.Source
		return r, nil
	})
	if err != nil {
		return err
	}
	if !obj.(*v1alpha1.WhatIf).Survives() {
		return exitStatus(exitFail)
	}
	return nil
}
