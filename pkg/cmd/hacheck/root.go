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
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
	"github.com/ha-scheduler/ha-scheduler/pkg/version"
)

// NewCommand is ha-check: the check itself (check.go), and under it every
// other command. Help and the version go to streams.Out, reports to
// streams.Out, progress and errors to streams.ErrOut.
func NewCommand(streams genericiooptions.IOStreams) *cobra.Command {
	c := newCommonOptions(streams)
	root := newCmdCheck(c)
	root.Version = version.GitVersion
	// Our own --version: cobra's would take -v, which kubectl users know
	// as log verbosity.
	root.Flags().Bool("version", false, "Print the version and exit")
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SilenceErrors = true // Run prints them, once
	root.SilenceUsage = true  // help is asked for, not thrown at a mistake
	root.SuggestionsMinimumDistance = 2
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	c.addFlags(root.PersistentFlags())

	// The commands. Add every command here, and only here: each takes c,
	// whose flags (kubectl's connection flags, the policy flags, --timeout)
	// it inherits, and c's run (run.go) to use them.
	root.AddCommand(
		newCmdPolicy(c),
		newCmdExplain(c),
		newCmdWhatIf(c),
		newCmdPDBs(c),
	)
	return root
}

// commonOptions are what every command shares: its streams, kubectl's
// connection flags, the flags that choose the policy
// (policysource.Options) and the time limit, and the cluster client they
// make.
type commonOptions struct {
	streams genericiooptions.IOStreams
	kube    *genericclioptions.ConfigFlags
	policy  policysource.Options
	timeout time.Duration

	// The client, built once, when first needed: with --config the policy
	// needs no cluster, and the policy command may need none at all.
	cs   kubernetes.Interface
	host string
}

func newCommonOptions(streams genericiooptions.IOStreams) *commonOptions {
	kube := genericclioptions.NewConfigFlags(true)
	// No discovery, so no discovery cache: its flag would do nothing.
	kube.CacheDir = nil
	return &commonOptions{streams: streams, kube: kube, timeout: time.Minute}
}

func (c *commonOptions) addFlags(fs *pflag.FlagSet) {
	c.kube.AddFlags(fs)
	// The check is of the whole cluster: the namespace only narrows where
	// the scheduler's configuration is looked for.
	fs.Lookup("namespace").Usage = "Look for the ha-scheduler configuration ConfigMap in this namespace only (default: every namespace). The check is of the whole cluster whatever it is"
	fs.StringArrayVar(&c.policy.TrustedNamespaces, "trusted-namespace", nil, "Namespace to trust besides kube-system (repeatable; adjusts the default policy only)")
	fs.BoolVar(&c.policy.AllowUserWorkloadsOnControlPlane, "allow-user-workloads-on-control-plane", false, "Compact cluster: user workloads may run on control-plane nodes (adjusts the default policy only)")
	fs.StringVar(&c.policy.ConfigFile, "config", "", "The scheduler's KubeSchedulerConfiguration file to take the policy from (default: the ha-scheduler ConfigMap in the cluster, else the default policy)")
	fs.StringVar(&c.policy.Profile, "profile", "", "The profile (schedulerName) of the configuration to take the policy from (default: the first that enables an ha-scheduler plugin)")
	fs.DurationVar(&c.timeout, "timeout", c.timeout, "Time limit for reading the cluster (--request-timeout limits each request; it defaults to this)")
}

// resolvePolicy returns the policy to audit with (policysource.Resolve):
// the cluster is contacted only for the ConfigMap.
func (c *commonOptions) resolvePolicy(ctx context.Context) (*policysource.Found, error) {
	o := c.policy
	o.Namespace = c.namespace()
	return policysource.Resolve(ctx, o, func() (kubernetes.Interface, error) {
		cs, _, err := c.client()
		return cs, err
	})
}

// namespace is --namespace as given (not the kubeconfig context's): where
// to look for the scheduler's configuration, "" for every namespace.
func (c *commonOptions) namespace() string {
	if c.kube.Namespace == nil {
		return ""
	}
	return *c.kube.Namespace
}

// client returns the cluster client the connection flags describe, and the
// server's address.
func (c *commonOptions) client() (kubernetes.Interface, string, error) {
	if c.cs != nil {
		return c.cs, c.host, nil
	}
	loader := c.kube.ToRawKubeConfigLoader()
	// kubectl guesses http://localhost:8080 when there is no kubeconfig, no
	// --server and no in-cluster configuration; the checker says so instead
	// of auditing whatever answers there.
	if c.kube.APIServer == nil || *c.kube.APIServer == "" {
		raw, err := loader.RawConfig()
		if err != nil {
			return nil, "", fmt.Errorf("loading kubeconfig: %w", err)
		}
		if len(raw.Clusters) == 0 {
			if _, err := rest.InClusterConfig(); err != nil {
				return nil, "", errors.New("loading kubeconfig: no kubeconfig found ($KUBECONFIG, ~/.kube/config) and not running in a pod: pass --kubeconfig, or --server and credentials")
			}
		}
	}
	cfg, err := c.kube.ToRESTConfig()
	if err != nil {
		return nil, "", fmt.Errorf("loading kubeconfig: %w", err)
	}
	cfg.UserAgent = defaultName + "/" + version.GitVersion
	if cfg.Timeout == 0 {
		cfg.Timeout = c.timeout
	}
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, "", err
	}
	c.cs, c.host = cs, cfg.Host
	return cs, cfg.Host, nil
}

// noArgs is the Args of commands that take none: a usage error naming
// what was not expected (and, for a command with subcommands, what may
// have been meant).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasAvailableSubCommands() {
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return usageError{fmt.Errorf("unknown command %q; did you mean %s?", args[0], strings.Join(s, " or "))}
		}
		return usageError{fmt.Errorf("unknown command %q", args[0])}
	}
	return usageError{fmt.Errorf("unexpected arguments: %s", strings.Join(args, " "))}
}
