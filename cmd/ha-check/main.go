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

// Command ha-check reads a cluster through a kubeconfig and reports its
// high-availability placement (SPEC §6): SCS node distribution, control-plane
// replicas per zone and host, user workloads on control-plane and infra
// nodes, unprotected disruption-controlled components, and survival of a
// single zone or host failure.
//
// It lists nodes, pods and PodDisruptionBudgets, and StatefulSets and
// ReplicaSets for the desired size of each group; where RBAC forbids
// listing the last two, it goes on and warns that sizes may be understated
// (survival.desired-size-unknown).
//
// The policy is the scheduler's (SPEC §3): with --config (and --profile) it
// is read from that KubeSchedulerConfiguration file; otherwise from the
// ha-scheduler configuration ConfigMap the manifests install (labelled
// app.kubernetes.io/part-of=ha-scheduler,
// app.kubernetes.io/component=scheduler-config, key config.yaml), if
// listing ConfigMaps is allowed and one exists; otherwise the default
// policy, adjusted by --trusted-namespace and
// --allow-user-workloads-on-control-plane. The report says which
// (policySource). The policy is resolved before the cluster is read.
//
// `ha-check policy` prints that policy, every default filled in, as the
// HAPolicy entry of a profile's pluginConfig: what the scheduler enforces
// and the checker audits.
//
// Exit code: 0 pass, 2 fail, 1 error (bad flags, bad kubeconfig, unreachable
// cluster, a forbidden list of nodes, pods or PodDisruptionBudgets, a
// scheduler configuration that does not load), with
// the reason on stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker"
)

// Exit codes.
const (
	exitPass  = 0
	exitError = 1
	exitFail  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error {
	if v == "" {
		return errors.New("empty namespace")
	}
	*l = append(*l, v)
	return nil
}

// options are the flags of both commands (check and policy).
type options struct {
	kubeconfig, kubeContext string
	configFile, profile     string
	trusted                 stringList
	allowCP                 bool
	timeout                 time.Duration
	output                  string
}

// flagSet declares the flags shared by the check and the policy command.
func flagSet(name string, stderr io.Writer, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "path to the kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)")
	fs.StringVar(&o.kubeContext, "context", "", "kubeconfig context to use (default: the current context)")
	fs.Var(&o.trusted, "trusted-namespace", "namespace to trust besides kube-system (repeatable; adjusts the default policy only)")
	fs.BoolVar(&o.allowCP, "allow-user-workloads-on-control-plane", false, "compact cluster: user workloads may run on control-plane nodes (adjusts the default policy only)")
	fs.StringVar(&o.configFile, "config", "", "the scheduler's KubeSchedulerConfiguration file to take the policy from (default: the ha-scheduler ConfigMap in the cluster, else the default policy)")
	fs.StringVar(&o.profile, "profile", "", "the profile (schedulerName) of the configuration to take the policy from (default: the first that enables an ha-scheduler plugin)")
	fs.DurationVar(&o.timeout, "timeout", time.Minute, "time limit for reading the cluster")
	return fs
}

// parse parses args; done is set, with the exit code, for -h and errors.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, done bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass, true
		}
		return exitError, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected arguments: %s\n", fs.Name(), strings.Join(fs.Args(), " "))
		return exitError, true
	}
	return 0, false
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "policy" {
		return runPolicy(args[1:], stdout, stderr)
	}
	var o options
	fs := flagSet("ha-check", stderr, &o)
	fs.StringVar(&o.output, "output", "text", "output format: text or json")
	fs.StringVar(&o.output, "o", "text", "shorthand for --output")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ha-check [flags]\n       ha-check policy [flags]   print the effective policy (see ha-check policy -h)\n\nChecks a cluster's high-availability placement. Exit code 0 pass, 2 fail, 1 error.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, done := parse(fs, args, stderr); done {
		return code
	}
	if o.output != "text" && o.output != "json" {
		fmt.Fprintf(stderr, "ha-check: --output must be text or json, not %q\n", o.output)
		return exitError
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	conn := &connection{o: &o}
	src, err := resolvePolicy(ctx, &o, conn)
	if err != nil {
		fmt.Fprintf(stderr, "ha-check: %v\n", err)
		return exitError
	}
	cs, err := conn.client()
	if err != nil {
		fmt.Fprintf(stderr, "ha-check: %v\n", err)
		return exitError
	}
	cluster, err := checker.Load(ctx, cs)
	if err != nil {
		fmt.Fprintf(stderr, "ha-check: reading the cluster at %s: %v\n", conn.host, err)
		return exitError
	}
	report := checker.Analyze(src.policy, cluster, checker.Options{})

	write := writeText
	if o.output == "json" {
		write = writeJSON
	}
	if err := write(stdout, src.text, report); err != nil {
		fmt.Fprintf(stderr, "ha-check: writing the report: %v\n", err)
		return exitError
	}
	if report.Verdict == checker.VerdictFail {
		return exitFail
	}
	return exitPass
}

// connection builds the cluster client once, when first needed: with
// --config the policy needs no cluster, and the policy command may need
// none at all.
type connection struct {
	o    *options
	cs   kubernetes.Interface
	host string
}

func (c *connection) client() (kubernetes.Interface, error) {
	if c.cs != nil {
		return c.cs, nil
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = c.o.kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: c.o.kubeContext}).ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	cfg.UserAgent = "ha-check"
	cfg.Timeout = c.o.timeout
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	c.cs, c.host = cs, cfg.Host
	return cs, nil
}
