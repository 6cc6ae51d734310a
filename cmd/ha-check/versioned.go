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
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/cli-runtime/pkg/printers"
)

// answerObject is a command's answer, v, as the printers of -o json and
// -o yaml write it: unstructured, as the objects kubectl reads from a
// server are, so the printers write its fields in key order, nested ones
// too, as kubectl writes those. The report is printed typed instead: its
// JSON keeps the order of its fields, apiVersion and kind first.
func answerObject(v runtime.Object) (*unstructured.Unstructured, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	// utiljson, as unstructured decodes: whole numbers as int64.
	fields := map[string]any{}
	if err := utiljson.Unmarshal(data, &fields); err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: fields}, nil
}

// printAnswer writes a command's answer, v, through p, a printer of
// outputFlags.
func printAnswer(w io.Writer, p printers.ResourcePrinter, v runtime.Object) error {
	obj, err := answerObject(v)
	if err != nil {
		return err
	}
	return p.PrintObj(obj, w)
}
