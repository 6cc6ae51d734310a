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

// Command ha-check reads a cluster and reports its high-availability
// placement (SPEC §6, docs/checker.md). Installed as kubectl-ha on the PATH
// it is the kubectl plugin `kubectl ha`. The commands are pkg/cmd/hacheck;
// this is their wiring to the process: its name, arguments, streams and
// exit code.
package main

import (
	"os"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/ha-scheduler/ha-scheduler/pkg/cmd/hacheck"
)

func main() {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	os.Exit(hacheck.Run(hacheck.CommandName(os.Args[0]), os.Args[1:], streams))
}
