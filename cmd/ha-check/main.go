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
// (policySource).
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
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
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

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ha-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kubeconfig := fs.String("kubeconfig", "", "path to the kubeconfig (default: $KUBECONFIG, ~/.kube/config, or in-cluster)")
	kubeContext := fs.String("context", "", "kubeconfig context to use (default: the current context)")
	output := fs.String("output", "text", "output format: text or json")
	fs.StringVar(output, "o", "text", "shorthand for --output")
	var trusted stringList
	fs.Var(&trusted, "trusted-namespace", "namespace to trust besides kube-system (repeatable)")
	allowCP := fs.Bool("allow-user-workloads-on-control-plane", false, "compact cluster: user workloads may run on control-plane nodes")
	configFile := fs.String("config", "", "the scheduler's KubeSchedulerConfiguration file to take the policy from (default: the ha-scheduler ConfigMap in the cluster, else the default policy)")
	profile := fs.String("profile", "", "the profile (schedulerName) of the configuration to take the policy from (default: the first that enables an ha-scheduler plugin)")
	timeout := fs.Duration("timeout", time.Minute, "time limit for reading the cluster")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ha-check [flags]\n\nChecks a cluster's high-availability placement. Exit code 0 pass, 2 fail, 1 error.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitPass
		}
		return exitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ha-check: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return exitError
	}
	if *output != "text" && *output != "json" {
		fmt.Fprintf(stderr, "ha-check: --output must be text or json, not %q\n", *output)
		return exitError
	}
	defaultPolicyFlags := len(trusted) > 0 || *allowCP
	var src *policySource
	if *configFile != "" {
		if defaultPolicyFlags {
			fmt.Fprintf(stderr, "ha-check: --trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy; with --config the policy is the configuration's: set them there\n")
			return exitError
		}
		data, err := os.ReadFile(*configFile)
		if err != nil {
			fmt.Fprintf(stderr, "ha-check: --config: %v\n", err)
			return exitError
		}
		res, err := policysource.Load(data, *profile)
		if err != nil {
			fmt.Fprintf(stderr, "ha-check: --config %s: %v\n", *configFile, err)
			return exitError
		}
		src = &policySource{policy: res.Policy, text: fmt.Sprintf("file %s, profile %s", *configFile, res.Profile)}
	}

	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = *kubeconfig
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: *kubeContext}).ClientConfig()
	if err != nil {
		fmt.Fprintf(stderr, "ha-check: loading kubeconfig: %v\n", err)
		return exitError
	}
	cfg.UserAgent = "ha-check"
	cfg.Timeout = *timeout
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ha-check: %v\n", err)
		return exitError
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	cluster, err := checker.Load(ctx, cs)
	if err != nil {
		fmt.Fprintf(stderr, "ha-check: reading the cluster at %s: %v\n", cfg.Host, err)
		return exitError
	}

	if src == nil {
		src, err = findConfigMap(ctx, cs, *profile)
		if err != nil {
			fmt.Fprintf(stderr, "ha-check: %v\n", err)
			return exitError
		}
		if src.policy == nil {
			p := policy.Default()
			p.TrustedNamespaces.Insert(trusted...)
			p.AllowUserWorkloadsOnControlPlane = *allowCP
			src.policy = p
		} else if defaultPolicyFlags {
			fmt.Fprintf(stderr, "ha-check: --trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy, but the policy is the scheduler's (%s): set them in its configuration\n", src.text)
			return exitError
		}
	}
	report := checker.Analyze(src.policy, cluster)

	write := writeText
	if *output == "json" {
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
