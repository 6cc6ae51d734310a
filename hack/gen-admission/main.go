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

// Command gen-admission writes the trusted namespaces of the shipped
// scheduler configurations into the admission policies that must leave
// them alone, between their "# BEGIN generated" and "# END generated" lines
// (`make manifests`): the DaemonSet admission policy
// (manifests/admission/daemonset-node-affinity.yaml), the reserved-nodes and
// reserved-priority policies (manifests/admission/reserved-nodes.yaml,
// reserved-priority.yaml, which also gets the policy's reservedPriority) and
// the pod-routing policy (manifests/admission-routing/route-pods.yaml).
//
//	go run ./hack/gen-admission           # rewrite the blocks in place
//	go run ./hack/gen-admission -check    # exit 1 with a diff when one is stale
//
// Run it from the repository root. -config (repeatable), -policy,
// -routing-policy, -reserved-nodes-policy and -reserved-priority-policy
// point it at other files, e.g. an operator's own configuration and a copy
// of a policy; naming some policies generates only those. Exit code: 0 up
// to date (or rewritten), 1 stale (-check), 2 error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/ha-scheduler/ha-scheduler/hack/gen-admission/gen"
)

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	var o gen.Options
	var configs stringList
	flag.Var(&configs, "config", "KubeSchedulerConfiguration to read trustedNamespaces from (repeatable; default: "+strings.Join(gen.DefaultConfigs, ", ")+")")
	flag.StringVar(&o.Policy, "policy", "", "DaemonSet admission policy whose generated block is rewritten (default: "+gen.DefaultPolicy+", with the others' defaults)")
	flag.StringVar(&o.RoutingPolicy, "routing-policy", "", "pod-routing policy whose generated block is rewritten (default: "+gen.DefaultRoutingPolicy+", with the others' defaults)")
	flag.StringVar(&o.ReservedNodesPolicy, "reserved-nodes-policy", "", "reserved-nodes policy whose generated blocks are rewritten (default: "+gen.DefaultReservedNodesPolicy+", with the others' defaults)")
	flag.StringVar(&o.ReservedPriorityPolicy, "reserved-priority-policy", "", "reserved-priority policy whose generated blocks are rewritten (default: "+gen.DefaultReservedPriorityPolicy+", with the others' defaults)")
	flag.StringVar(&o.Root, "root", ".", "directory the paths are relative to")
	flag.BoolVar(&o.Check, "check", false, "write nothing; exit 1 with a diff when the policy is stale")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "gen-admission: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	o.Configs = configs
	changed, err := gen.Run(o)
	switch {
	case errors.Is(err, gen.ErrStale):
		fmt.Fprintln(os.Stderr, "gen-admission:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "gen-admission:", err)
		os.Exit(2)
	}
	for _, t := range o.Targets() {
		if slices.Contains(changed, t.File) {
			fmt.Printf("gen-admission: wrote %s\n", t.File)
		} else {
			fmt.Printf("gen-admission: %s is up to date\n", t.File)
		}
	}
}
