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
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
)

// -o values a command writes itself; cli-runtime's printers write the
// rest.
const (
	outputText = "text"
	outputWide = "wide"
	// outputYAML is, for pdbs, its PodDisruptionBudgets for kubectl apply:
	// the printers' yaml would write the plan.
	outputYAML = "yaml"
)

// printerFormats are the -o values of the printers that the help and the
// errors name. The printers take a few more, as kubectl's do (kyaml,
// jsonpath-as-json, template, templatefile), and name, which printer
// refuses.
var printerFormats = []string{"json", "yaml", "jsonpath=...", "jsonpath-file=...", "go-template=...", "go-template-file=..."}

// outputFlags are the output flags of every command that writes a
// versioned object, kubectl's (genericclioptions.PrintFlags: -o, --template,
// --allow-missing-template-keys). The command writes its own formats itself
// (the text of the check, explain and what-if, the PodDisruptionBudgets of
// pdbs); every other is cli-runtime's printers writing the object, so that
// -o json, yaml, jsonpath and go-template behave as kubectl's.
type outputFlags struct {
	print *genericclioptions.PrintFlags
	// own are the formats the command writes itself, its default first;
	// ownPrinters their printers (pkg/checker/printers).
	own         []string
	ownPrinters map[string]printerFunc
	// keySorted prints the object unstructured, its keys sorted
	// (versioned.go), as kubectl prints what it reads.
	keySorted bool
}

// printerFunc makes the printer of the format asked for once the cluster
// is read: -o wide's needs the model (the placement of every pod); every
// other ignores it.
type printerFunc func(*model.Model) printers.ResourcePrinter

// printerOf is a printerFunc for a printer that needs no model.
func printerOf(p printers.ResourcePrinter) printerFunc {
	return func(*model.Model) printers.ResourcePrinter { return p }
}

func newOutputFlags(own ...string) *outputFlags {
	return &outputFlags{print: genericclioptions.NewPrintFlags("").WithDefaultOutput(own[0]), own: own}
}

// addFlags adds the flags to cmd, with usage as the help of -o.
func (f *outputFlags) addFlags(cmd *cobra.Command, usage string) {
	f.print.AddFlags(cmd)
	cmd.Flags().Lookup("output").Usage = usage
	// The objects have no managed fields to show.
	_ = cmd.Flags().MarkHidden("show-managed-fields")
}

// toPrinter returns the printer of the format the flags ask for, the
// command's own or cli-runtime's (printer); a format the command does not
// take, or a template that does not parse, is a usageError.
func (f *outputFlags) toPrinter(cmd *cobra.Command) (printerFunc, error) {
	format, p, err := f.printer(cmd)
	switch {
	case err != nil:
		return nil, err
	case p == nil:
		return f.ownPrinters[format], nil
	case f.keySorted:
		p = keySorted{p}
	}
	return printerOf(p), nil
}

// printer returns the format the flags ask for and, unless the command
// writes that format itself, the printer that writes the object in it
// (nil for the command's own). A format the command does not take, or a
// template that does not parse, is a usageError: every command asks
// before it contacts the cluster.
func (f *outputFlags) printer(cmd *cobra.Command) (string, printers.ResourcePrinter, error) {
	format := *f.print.OutputFormat
	// As kubectl does, --template without -o is -o go-template.
	if template := f.print.TemplatePrinterFlags.TemplateArgument; template != nil && *template != "" && !cmd.Flags().Changed("output") {
		format = "go-template"
	}
	// The printers take json, yaml and name in any case, as kubectl's do;
	// the command's own formats are taken alike, or pdbs -o YAML would
	// print the plan where -o yaml prints PodDisruptionBudgets.
	lower := strings.ToLower(format)
	if slices.Contains(f.own, lower) {
		return lower, nil, nil
	}
	switch lower {
	case "", "name":
		// The name printer needs object metadata the objects have none of.
		return "", nil, f.badOutput(format)
	}
	p, err := f.print.ToPrinter()
	if genericclioptions.IsNoCompatiblePrinterError(err) {
		return "", nil, f.badOutput(format)
	}
	if err != nil {
		return "", nil, usageError{fmt.Errorf("--output %s: %w", format, err)}
	}
	return format, p, nil
}

// badOutput is the error of a format the command does not take: it names
// those it does, its own first.
func (f *outputFlags) badOutput(format string) error {
	formats := slices.Clone(f.own)
	for _, p := range printerFormats {
		if !slices.Contains(formats, p) {
			formats = append(formats, p)
		}
	}
	last := len(formats) - 1
	return usageError{fmt.Errorf("--output must be %s or %s, not %q", strings.Join(formats[:last], ", "), formats[last], format)}
}
