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

// Package printers writes ha-check's objects (pkg/apis/hacheck/v1alpha1)
// for people, as cli-runtime's printers.ResourcePrinter, beside the
// printers cli-runtime has for machines (json, yaml, jsonpath,
// go-template): Text (-o text of the check, explain and what-if), Wide
// (-o wide of the check: the text and sections of its own) and ApplyYAML
// (the PodDisruptionBudgets of a PDB plan for kubectl apply).
package printers

import (
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
)

var (
	_ printers.ResourcePrinter = Text{}
	_ printers.ResourcePrinter = Wide{}
	_ printers.ResourcePrinter = ApplyYAML{}
)

// Text writes a Report, an Explanation or a WhatIf for people, each after
// a line that says where the policy came from.
type Text struct{}

// PrintObj is printers.ResourcePrinter's.
func (Text) PrintObj(obj runtime.Object, w io.Writer) error {
	switch o := obj.(type) {
	case *v1alpha1.Report:
		return writeReport(w, o)
	case *v1alpha1.Explanation:
		return writeExplanation(w, o)
	case *v1alpha1.WhatIf:
		return writeWhatIf(w, o)
	}
	return unsupported("text", obj)
}

// Wide writes a Report as Text does and, before its verdict, what the text
// leaves out (wide.go): every count of each replica group, the subjects
// of each finding, and where each pod runs (Placement, which is no part of
// the report).
type Wide struct {
	Placement *model.PlacementTable
}

// PrintObj is printers.ResourcePrinter's.
func (p Wide) PrintObj(obj runtime.Object, w io.Writer) error {
	r, ok := obj.(*v1alpha1.Report)
	if !ok {
		return unsupported("wide", obj)
	}
	return writeReport(w, r, replicaCountsSection, findingSubjectsSection, placementSection(p.Placement))
}

// ApplyYAML writes a PDBPlan's PodDisruptionBudgets as YAML that kubectl
// apply takes, the rest of the plan as comments.
type ApplyYAML struct{}

// PrintObj is printers.ResourcePrinter's.
func (ApplyYAML) PrintObj(obj runtime.Object, w io.Writer) error {
	plan, ok := obj.(*v1alpha1.PDBPlan)
	if !ok {
		return unsupported("YAML for kubectl apply", obj)
	}
	return writeApplyYAML(w, plan)
}

func unsupported(format string, obj runtime.Object) error {
	return fmt.Errorf("no %s output for a %T", format, obj)
}
