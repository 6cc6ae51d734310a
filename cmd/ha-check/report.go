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

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker"
)

// reportObject is the report as a versioned object: apiVersion, kind,
// where the policy came from, and every field of checker.Report inline.
type reportObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// PolicySource says where the policy came from, in words.
	PolicySource string `json:"policySource"`
	checker.Report
	// Placement is where the pods run, for -o wide; it is no part of the
	// versioned object.
	Placement *checker.PlacementTable `json:"-"`
}

var _ runtime.Object = &reportObject{}

func newReportObject(source string, r *checker.Report) *reportObject {
	o := &reportObject{PolicySource: source, Report: *r}
	o.SetGroupVersionKind(groupVersion.WithKind(kindReport))
	return o
}

func (r *reportObject) GetObjectKind() schema.ObjectKind { return r }

func (r *reportObject) SetGroupVersionKind(gvk schema.GroupVersionKind) {
	r.APIVersion, r.Kind = gvk.ToAPIVersionAndKind()
}

func (r *reportObject) GroupVersionKind() schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(r.APIVersion, r.Kind)
}

// DeepCopyObject copies through JSON: the report is plain data, and its
// JSON is its definition.
func (r *reportObject) DeepCopyObject() runtime.Object {
	data, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("copying a report: %v", err))
	}
	out := &reportObject{}
	if err := json.Unmarshal(data, out); err != nil {
		panic(fmt.Sprintf("copying a report: %v", err))
	}
	if r.Placement != nil {
		if data, err = json.Marshal(r.Placement); err == nil {
			err = json.Unmarshal(data, &out.Placement)
		}
		if err != nil {
			panic(fmt.Sprintf("copying a report's placement: %v", err))
		}
	}
	return out
}

// writeReport writes the report in the format of outputFlags.printer: the
// text and the wide text itself, every other format through p.
func writeReport(w io.Writer, format string, p printers.ResourcePrinter, r *reportObject) error {
	switch {
	case p != nil:
		return p.PrintObj(r, w)
	case format == outputWide:
		return writeWide(w, r)
	}
	return writeText(w, r)
}

// writeText writes the report for people: where the policy came from,
// then checker.WriteText.
func writeText(w io.Writer, r *reportObject) error {
	if _, err := fmt.Fprintf(w, "Policy: %s\n", r.PolicySource); err != nil {
		return err
	}
	return checker.WriteText(w, &r.Report)
}

// writeWide writes the text report and, before its verdict (the last
// line, whatever comes before it), what the text leaves out: every count
// of each replica group, the subjects of each finding, and where each pod
// runs (r.Placement; the lab prints this section, hack/lab/placement.sh).
func writeWide(w io.Writer, r *reportObject) error {
	var text bytes.Buffer
	if err := writeText(&text, r); err != nil {
		return err
	}
	body, verdict := text.String(), ""
	if i := strings.LastIndex(body, "\nVerdict: "); i >= 0 {
		body, verdict = body[:i+1], body[i:]
	}
	var b strings.Builder
	b.WriteString(body)
	b.WriteString("\nComponent replicas, every count:\n")
	if len(r.Replicas) == 0 {
		b.WriteString("  (no control-plane component pods found)\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  GROUP\tCOMPONENT\tOWNER\tDESIRED\tREPLICAS\tPLACED\tAVAILABLE\tMIN-AVAILABLE")
		for _, c := range r.Replicas {
			minAvailable := "-"
			if c.DisruptionControlled {
				minAvailable = fmt.Sprint(c.MinAvailable)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n",
				c.Group, c.Component, orDash(c.Owner), c.Desired, c.Replicas, c.Placed, c.Available, minAvailable)
		}
		_ = tw.Flush()
	}
	b.WriteString("\nFinding subjects:\n")
	if len(r.Findings) == 0 {
		b.WriteString("  none\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  SEVERITY\tID\tSUBJECTS")
		for _, f := range r.Findings {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", strings.ToUpper(string(f.Severity)), f.ID, orDash(strings.Join(f.Subjects, ", ")))
		}
		_ = tw.Flush()
	}
	if r.Placement != nil {
		writePlacement(&b, r.Placement)
	}
	b.WriteString(verdict)
	_, err := io.WriteString(w, b.String())
	return err
}

// writePlacement writes the placement section of -o wide: a row per pod,
// the group's name and size on its first one; a line per DaemonSet. It
// ends with an empty line, so that a reader can cut it out (from its
// heading to the first empty line).
func writePlacement(b *strings.Builder, p *checker.PlacementTable) {
	b.WriteString("\nPlacement (pods by group; DaemonSets by node role):\n")
	if len(p.Groups) == 0 && len(p.DaemonSets) == 0 {
		b.WriteString("  (no pods)\n")
	}
	if len(p.Groups) > 0 {
		tw := tabwriter.NewWriter(b, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  GROUP\tREPLICAS\tNODE\tROLE\tZONE\tHOST")
		for _, g := range p.Groups {
			for i, pod := range g.Pods {
				group, replicas := "", ""
				if i == 0 {
					group, replicas = g.Group, fmt.Sprint(len(g.Pods))
				}
				if pod.Node == "" {
					// Every cell, or the columns of the rows below would
					// start a new block (tabwriter) and not line up.
					fmt.Fprintf(tw, "  %s\t%s\t(pending)\t-\t-\t-\n", group, replicas)
					continue
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", group, replicas, pod.Node, orDash(pod.Role), orDash(pod.Zone), orDash(pod.Host))
			}
		}
		_ = tw.Flush()
	}
	for _, ds := range p.DaemonSets {
		fmt.Fprintf(b, "  DaemonSet %s: %d pods (%d control-plane, %d infra, %d worker)\n",
			ds.DaemonSet, ds.Pods, ds.PerRole["control-plane"], ds.PerRole["infra"], ds.PerRole["worker"])
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
