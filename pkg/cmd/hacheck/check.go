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
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/scs"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// --fail-on values.
const (
	failOnFail = "fail"
	failOnWarn = "warn"
)

// checkOptions are the flags of the check, the root command, beside the
// common ones, and what they say.
type checkOptions struct {
	*commonOptions
	output          *outputFlags
	failOn          string
	scsRevision     string
	expectScheduler string

	// Complete's: the printer of -o, the revision and the expectation.
	printer  printerFunc
	revision v1alpha1.SCSRevision
	expect   audit.SchedulerExpectation
}

func newCheckOptions(c *commonOptions) *checkOptions {
	o := &checkOptions{commonOptions: c, output: newOutputFlags(outputText, outputWide), failOn: failOnFail}
	o.output.ownPrinters = map[string]printerFunc{
		outputText: printerOf(hcprinters.Text{}),
		// Only -o wide prints the placement (it is not part of the
		// versioned object): no other format computes it.
		outputWide: func(m *model.Model) printers.ResourcePrinter { return hcprinters.Wide{Placement: m.Placement()} },
	}
	return o
}

// newCmdCheck is the check: the root command, ha-check itself.
func newCmdCheck(c *commonOptions) *cobra.Command {
	o := newCheckOptions(c)
	cmd := &cobra.Command{
		Use:   defaultName,
		Short: "Check a cluster's high-availability placement",
		Long: `Check a cluster's high-availability placement against the ha-scheduler
policy: SCS node distribution (scs-0214), control-plane replicas per zone
and host, user workloads on control-plane and infra nodes, unprotected
disruption-controlled components, and what a single zone or host failure
would take down, etcd quorum included (docs/checker.md).

The policy is the scheduler's: --config (and --profile), else the
ha-scheduler configuration ConfigMap in the cluster, else the default
policy; the report says which. It connects as kubectl does (the same
flags, $KUBECONFIG, ~/.kube/config, or in a pod its service account).

Exit code 0 pass, 2 fail (with --fail-on=warn also on any warning), 1 error.`,
		Example: `  # Check the cluster of the current kubeconfig context
  ha-check

  # Another context; the versioned report as YAML
  ha-check --context prod -o yaml

  # Audit with the policy of a scheduler configuration; fail on warnings too
  ha-check --config manifests/secondary/config.yaml --fail-on=warn

  # Only the verdict
  ha-check -o jsonpath='{.verdict}'`,
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
	o.output.addFlags(cmd, "Output format: text, wide (text, the counts it leaves out and every pod's placement), json or yaml (the report as a versioned object, kind Report), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)")
	cmd.Flags().StringVar(&o.failOn, "fail-on", o.failOn, "Exit 2 on fail findings (fail), or on fail and warn findings (warn)")
	cmd.Flags().StringVar(&o.scsRevision, "scs-revision", "", "Revision of the SCS node distribution standard scs-0214 to judge the node distribution by: "+scs.Described())
	cmd.Flags().StringVar(&o.expectScheduler, "expect-control-plane-scheduler", string(audit.ExpectAuto), "Which scheduler the kube-scheduler pods of kube-system (kubeadm's static pods) should run, warning on each that runs another: ha-scheduler (the replacement mode), stock, any (only report), or auto: ha-scheduler when the policy's profile is default-scheduler (the replacement configuration) or ha-scheduler runs on some node")
	return cmd
}

// Complete reads what the flags say; every one is checked before the
// cluster is contacted (a bad one is a usageError).
func (o *checkOptions) Complete(cmd *cobra.Command, _ []string) error {
	var err error
	if o.printer, err = o.output.toPrinter(cmd); err != nil {
		return err
	}
	if o.revision, err = scs.Parse(o.scsRevision); err != nil {
		return usageError{fmt.Errorf("--scs-revision: %w", err)}
	}
	if o.expect, err = audit.ParseSchedulerExpectation(o.expectScheduler); err != nil {
		return usageError{fmt.Errorf("--expect-control-plane-scheduler: %w", err)}
	}
	return nil
}

// Validate checks the flags Complete does not read.
func (o *checkOptions) Validate() error {
	if o.failOn != failOnFail && o.failOn != failOnWarn {
		return usageError{fmt.Errorf("--fail-on must be %s or %s, not %q", failOnFail, failOnWarn, o.failOn)}
	}
	return nil
}

// Run checks the cluster, prints the report, and ends with exit status 2
// when the report fails (or warns, with --fail-on=warn).
func (o *checkOptions) Run(ctx context.Context) error {
	obj, err := o.run(ctx, o.printer, func(src *policysource.Found, m *model.Model) (runtime.Object, error) {
		expect, reason := schedulerExpectation(o.expect, src)
		r := audit.Analyze(m, audit.Options{SCSRevision: o.revision, ControlPlaneScheduler: expect, ControlPlaneSchedulerReason: reason})
		r.PolicySource = src.Source
		return r, nil
	})
	if err != nil {
		return err
	}
	if r := obj.(*v1alpha1.Report); r.Verdict == v1alpha1.VerdictFail || (o.failOn == failOnWarn && r.Warnings > 0) {
		return exitStatus(exitFail)
	}
	return nil
}

// schedulerExpectation is which scheduler the check expects to run the
// control plane, and why: the flag's; or, left to auto, ha-scheduler when
// the policy's profile is default-scheduler, the profile only the
// replacement mode serves (manifests/replacement/config.yaml); else auto
// (the checker expects ha-scheduler once it runs on some node).
func schedulerExpectation(expect audit.SchedulerExpectation, src *policysource.Found) (audit.SchedulerExpectation, string) {
	switch {
	case expect == audit.ExpectHA || expect == audit.ExpectStock:
		return expect, "--expect-control-plane-scheduler=" + string(expect)
	case expect == audit.ExpectAuto && src.Profile == v1.DefaultSchedulerName:
		return audit.ExpectHA, "replacement mode: the policy is " + src.Source
	}
	return expect, ""
}
