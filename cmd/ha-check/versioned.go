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
	"encoding/json"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/cli-runtime/pkg/printers"
)

// The objects ha-check writes (-o json, -o yaml, templates) are of this
// group version. docs/checker.md documents their schema; a change that is
// not an addition takes a new version.
var groupVersion = schema.GroupVersion{Group: "ha-check.ha-scheduler.io", Version: "v1alpha1"}

// The kinds of the objects: the check's report (reportObject) and the
// answers of explain, what-if and pdbs (answerObject).
const (
	kindReport      = "Report"
	kindExplanation = "Explanation"
	kindWhatIf      = "WhatIf"
	kindPDBPlan     = "PDBPlan"
)

// answerObject is a command's answer, v, as a versioned object of kind:
// v's fields, and beside them apiVersion, kind and policySource (where the
// policy came from, in words).
//
// It is unstructured, as the objects kubectl reads from a server are, so
// the printers write its fields in key order, nested ones too, as kubectl
// writes those. The report is typed instead (reportObject): its JSON keeps
// the order of its fields, apiVersion and kind first.
func answerObject(kind, policySource string, v any) (*unstructured.Unstructured, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	// utiljson, as unstructured decodes: whole numbers as int64.
	fields := map[string]any{}
	if err := utiljson.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	obj := &unstructured.Unstructured{Object: fields}
	obj.SetGroupVersionKind(groupVersion.WithKind(kind))
	obj.Object["policySource"] = policySource
	return obj, nil
}

// printAnswer writes a command's answer, v, as a versioned object of kind
// through p, a printer of outputFlags.
func printAnswer(w io.Writer, p printers.ResourcePrinter, kind, policySource string, v any) error {
	obj, err := answerObject(kind, policySource, v)
	if err != nil {
		return err
	}
	return p.PrintObj(obj, w)
}
