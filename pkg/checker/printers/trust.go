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

package printers

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
)

// trustSection is the trust part of the text report: who, besides the
// system's own, may act as a component (a row per grant: subject, rights,
// where, the binding and role), and the state of each shipped admission
// policy. Nothing when the trust objects were not read at all.
func trustSection(b *strings.Builder, r *v1alpha1.Report) {
	t := r.Trust
	if t == nil {
		return
	}
	fmt.Fprintf(b, "\nWho may act as a component (RBAC, besides the system's own):\n")
	for _, u := range t.Unread {
		fmt.Fprintf(b, "  not read: %s\n", u)
	}
	if len(t.Grants) == 0 {
		fmt.Fprintf(b, "  nobody\n")
	} else {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SUBJECT\tMAY\tIN\tGRANTED BY")
		for _, g := range t.Grants {
			where := g.Namespace
			if where == "" {
				where = "every namespace"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s (%s)\n", g.Subject, strings.Join(g.Rights, ", "), where, g.Binding, g.Role)
		}
		_ = tw.Flush()
	}
	fmt.Fprintf(b, "\nAdmission policies for tenants:\n")
	tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
	for _, p := range t.AdmissionPolicies {
		state := string(p.State)
		if len(p.Bindings) > 0 {
			state += " (" + strings.Join(p.Bindings, ", ") + ")"
		}
		fmt.Fprintf(tw, "  %s %s\t%s\tkeeps out %s\n", p.Kind, p.Name, state, p.Closes)
	}
	_ = tw.Flush()
}
