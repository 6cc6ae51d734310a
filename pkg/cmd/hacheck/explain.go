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
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/explain"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// explainOptions are the flags and the argument of
// `ha-check explain NAMESPACE/NAME`.
type explainOptions struct {
	*commonOptions
	output *outputFlags

	// Complete's: the printer of -o, and the pod.
	printer         printerFunc
	namespace, name string
}

func newExplainOptions(c *commonOptions) *explainOptions {
	o := &explainOptions{commonOptions: c, output: newOutputFlags(outputText)}
	o.output.ownPrinters = map[string]printerFunc{outputText: printerOf(hcprinters.Text{})}
	o.output.keySorted = true
	return o
}

// newCmdExplain is `ha-check explain NAMESPACE/NAME`.
func newCmdExplain(c *commonOptions) *cobra.Command {
	o := newExplainOptions(c)
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
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.output.addFlags(cmd, "Output format: text, json or yaml (a versioned object, kind Explanation), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	return cmd
}

// Complete reads the output flags and the pod (Args has checked its
// form).
func (o *explainOptions) Complete(cmd *cobra.Command, args []string) error {
	var err error
	if o.printer, err = o.output.toPrinter(cmd); err != nil {
		return err
	}
	o.namespace, o.name, _ = strings.Cut(args[0], "/")
	return nil
}

// Run explains the pod and prints the explanation.
func (o *explainOptions) Run(ctx context.Context) error {
	_, err := o.run(ctx, o.printer, func(src *policysource.Found, m *model.Model) (runtime.Object, error) {
		e, err := explain.Explain(m, o.namespace, o.name)
		if err != nil {
			return nil, err
		}
		e.PolicySource = src.Source
		return e, nil
	})
	return err
}
