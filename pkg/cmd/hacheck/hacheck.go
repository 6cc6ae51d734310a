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

// Package hacheck is ha-check's commands, in kubectl's shape: each command
// an Options with its flags, Complete (what the flags say), Validate (every
// flag checked before the cluster is contacted) and Run; every command that
// reads the cluster shares one path (run.go): resolve the policy
// (pkg/policysource), read the cluster into one model (pkg/checker/model),
// compute the answer, print it (cli-runtime's printers for machines,
// pkg/checker/printers for people). cmd/ha-check is its main.
//
// ha-check reads a cluster and reports its high-availability
// placement (SPEC §6): SCS node distribution, control-plane replicas per
// zone and host, user workloads on control-plane and infra nodes,
// unprotected disruption-controlled components, and survival of a single
// zone or host failure.
//
// It behaves as kubectl does: kubectl's connection flags (--kubeconfig,
// --context, --server, --token, ...), -o text|wide|json|yaml (json and yaml
// print a versioned object, kind Report of ha-check.ha-scheduler.io/v1alpha1,
// schema in docs/checker.md), help on stdout, errors on stderr. Installed
// as kubectl-ha on the PATH it is the kubectl plugin `kubectl ha` and names
// itself so.
//
// It lists nodes, pods and PodDisruptionBudgets, and StatefulSets and
// ReplicaSets for the desired size of each group, in pages; where RBAC
// forbids listing the last two, it goes on and warns that sizes may be
// understated (survival.desired-size-unknown).
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
// Exit code: 0 pass, 2 fail (with --fail-on=warn, also any warning), 1
// error (bad flags, bad kubeconfig, unreachable cluster, a forbidden list of
// nodes, pods or PodDisruptionBudgets, a scheduler configuration that does
// not load), with the reason on stderr.
package hacheck

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// Exit codes.
const (
	exitPass  = 0
	exitError = 1
	exitFail  = 2
)

// defaultName is the command's name unless it runs as a kubectl plugin.
const defaultName = "ha-check"

// CommandName is what the command calls itself: "kubectl ha" when the
// binary is kubectl-ha (the krew name kubectl looks for on the PATH when
// asked for `kubectl ha`; kubectl runs it with that path as argv[0]), else
// ha-check. As kubectl maps them, "_" in a plugin's file name is "-" in its
// command (kubectl-ha_check is `kubectl ha-check`).
func CommandName(argv0 string) string {
	base := strings.TrimSuffix(filepath.Base(argv0), ".exe")
	if plugin, ok := strings.CutPrefix(base, "kubectl-"); ok && plugin != "" {
		return "kubectl " + strings.ReplaceAll(plugin, "_", "-")
	}
	return defaultName
}

// Run runs the command line args under the name name (CommandName: help,
// usage and errors say it) with streams, and returns the exit code: 0
// pass, 2 fail, 1 error, whose reason it writes to streams.ErrOut.
func Run(name string, args []string, streams genericiooptions.IOStreams) int {
	stderr := streams.ErrOut
	root := NewCommand(streams)
	if name != defaultName {
		root.Annotations = map[string]string{cobra.CommandDisplayNameAnnotation: name}
		renameExamples(root, name)
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitPass
	}
	var status exitStatus
	if errors.As(err, &status) {
		return int(status)
	}
	if cmd == nil {
		cmd = root
	}
	fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintf(stderr, "See '%s --help' for usage.\n", cmd.CommandPath())
	}
	return exitError
}

// renameExamples has the examples of cmd and its subcommands say name
// where they say ha-check.
func renameExamples(cmd *cobra.Command, name string) {
	cmd.Example = strings.ReplaceAll(cmd.Example, defaultName, name)
	for _, sub := range cmd.Commands() {
		renameExamples(sub, name)
	}
}

// exitStatus is the error a command returns to end with a code other than
// 0 or 1 and nothing more to say: the report says it.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// usageError is a command line the command does not take (an unknown flag,
// a bad flag value, a stray argument): the error says what, and a line
// after it where the usage is.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }
