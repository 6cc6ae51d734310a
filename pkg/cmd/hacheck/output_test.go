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
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/require"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// outputFlags.printer: the command's own formats in any case, the
// printers' for the rest, --template without -o as -o go-template, and a
// usage error naming the formats the command takes for any other.
func TestOutputFlagsPrinter(t *testing.T) {
	// result is what printer returns: the format, whether a printer writes
	// it, and the error.
	type result struct {
		Format  string
		Printer bool
		Err     string
		Usage   bool
	}
	check := []string{outputText, outputWide}
	pdbs := []string{outputYAML}
	const checkFormats = "text, wide, json, yaml, jsonpath=..., jsonpath-file=..., go-template=... or go-template-file=..."
	tests := []struct {
		name string
		own  []string
		args []string
		want result
	}{
		{name: "the default", own: check, want: result{Format: outputText}},
		{name: "own", own: check, args: []string{"-o", "wide"}, want: result{Format: outputWide}},
		{name: "own, in another case", own: check, args: []string{"-o", "Wide"}, want: result{Format: outputWide}},
		{name: "json", own: check, args: []string{"-o", "json"}, want: result{Format: "json", Printer: true}},
		{name: "JSON", own: check, args: []string{"-o", "JSON"}, want: result{Format: "JSON", Printer: true}},
		{name: "kyaml, which the help does not name", own: check, args: []string{"-o", "kyaml"}, want: result{Format: "kyaml", Printer: true}},
		{name: "jsonpath", own: check, args: []string{"-o", "jsonpath={.kind}"}, want: result{Format: "jsonpath={.kind}", Printer: true}},
		{name: "--template without -o", own: check, args: []string{"--template", "{{.kind}}"}, want: result{Format: "go-template", Printer: true}},
		{name: "--template with -o json", own: check, args: []string{"-o", "json", "--template", "{{.kind}}"}, want: result{Format: "json", Printer: true}},
		{name: "--template with -o text", own: check, args: []string{"-o", "text", "--template", "{{.kind}}"}, want: result{Format: outputText}},
		{name: "pdbs: yaml is its own", own: pdbs, args: []string{"-o", "yaml"}, want: result{Format: outputYAML}},
		{name: "pdbs: YAML is its own too", own: pdbs, args: []string{"-o", "YAML"}, want: result{Format: outputYAML}},
		{name: "pdbs: json", own: pdbs, args: []string{"-o", "json"}, want: result{Format: "json", Printer: true}},
		{name: "unknown", own: check, args: []string{"-o", "xml"},
			want: result{Err: "--output must be " + checkFormats + ", not \"xml\"", Usage: true}},
		{name: "empty", own: check, args: []string{"-o", ""},
			want: result{Err: "--output must be " + checkFormats + ", not \"\"", Usage: true}},
		{name: "name: the objects have no metadata", own: check, args: []string{"-o", "name"},
			want: result{Err: "--output must be " + checkFormats + ", not \"name\"", Usage: true}},
		{name: "NAME: the name printer takes any case", own: check, args: []string{"-o", "NAME"},
			want: result{Err: "--output must be " + checkFormats + ", not \"NAME\"", Usage: true}},
		{name: "pdbs: unknown", own: pdbs, args: []string{"-o", "text"},
			want: result{Err: "--output must be yaml, json, jsonpath=..., jsonpath-file=..., go-template=... or go-template-file=..., not \"text\"", Usage: true}},
		{name: "explain: unknown", own: []string{outputText}, args: []string{"-o", "wide"},
			want: result{Err: "--output must be text, json, yaml, jsonpath=..., jsonpath-file=..., go-template=... or go-template-file=..., not \"wide\"", Usage: true}},
		{name: "a template that does not parse", own: check, args: []string{"-o", "go-template={{.kind"},
			want: result{Err: "--output go-template={{.kind: error parsing template {{.kind, template: output:1: unclosed action", Usage: true}},
		{name: "a template format without a template", own: check, args: []string{"-o", "jsonpath"},
			want: result{Err: "--output jsonpath: template format specified but no template given", Usage: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newOutputFlags(tc.own...)
			cmd := &cobra.Command{Use: "test"}
			f.addFlags(cmd, "Output format")
			require.NoError(t, cmd.ParseFlags(tc.args))
			format, p, err := f.printer(cmd)
			got := result{Format: format, Printer: p != nil}
			if err != nil {
				got.Err, got.Usage = err.Error(), errors.As(err, new(usageError))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("printer (-want +got):\n%s", diff)
			}
		})
	}
}

// Every command that writes a versioned object has the same output flags,
// kubectl's, --show-managed-fields hidden (the objects have no managed
// fields), and -o says which formats it takes.
func TestOutputFlagsOfCommands(t *testing.T) {
	// outputFlag is one of the output flags of a command.
	type outputFlag struct {
		Name, Usage string
		Hidden      bool
	}
	const (
		allowMissing = "If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats."
		template     = "Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview]."
		managed      = "If true, keep the managedFields when printing objects in JSON or YAML format."
	)
	flags := func(output string) []outputFlag {
		return []outputFlag{
			{Name: "allow-missing-template-keys", Usage: allowMissing},
			{Name: "output", Usage: output},
			{Name: "show-managed-fields", Usage: managed, Hidden: true},
			{Name: "template", Usage: template},
		}
	}
	want := map[string][]outputFlag{
		"ha-check":         flags("Output format: text, wide (text, the counts it leaves out and every pod's placement), json or yaml (the report as a versioned object, kind Report), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)"),
		"ha-check explain": flags("Output format: text, json or yaml (a versioned object, kind Explanation), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)"),
		"ha-check what-if": flags("Output format: text, json or yaml (a versioned object, kind WhatIf), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)"),
		"ha-check pdbs":    flags("Output format: yaml (PodDisruptionBudgets for kubectl apply), json (the plan as a versioned object, kind PDBPlan), jsonpath=..., jsonpath-file=..., go-template=..., go-template-file=... (on that object)"),
		"ha-check policy":  nil,
	}
	got := map[string][]outputFlag{}
	root := NewCommand(genericiooptions.NewTestIOStreamsDiscard())
	for _, cmd := range append([]*cobra.Command{root}, root.Commands()...) {
		if cmd.Name() == "help" || cmd.Name() == "completion" {
			continue
		}
		var own []outputFlag
		cmd.LocalNonPersistentFlags().VisitAll(func(f *pflag.Flag) {
			switch f.Name {
			case "output", "template", "allow-missing-template-keys", "show-managed-fields":
				own = append(own, outputFlag{Name: f.Name, Usage: f.Usage, Hidden: f.Hidden})
			}
		})
		got[cmd.CommandPath()] = own
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("output flags (-want +got):\n%s", diff)
	}
}
