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
	"encoding/json"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/cli-runtime/pkg/printers"
)

// keySorted prints an object as kubectl prints what it reads from a
// server: unstructured, so that the printers of -o json and -o yaml write
// its fields in key order, nested ones too. The answers of explain,
// what-if and pdbs are printed so; the report is printed typed, its JSON in
// the order of its fields, apiVersion and kind first, as it always was.
type keySorted struct {
	printers.ResourcePrinter
}

// PrintObj is printers.ResourcePrinter's.
func (p keySorted) PrintObj(obj runtime.Object, w io.Writer) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	// utiljson, as unstructured decodes: whole numbers as int64.
	fields := map[string]any{}
	if err := utiljson.Unmarshal(data, &fields); err != nil {
		return err
	}
	return p.ResourcePrinter.PrintObj(&unstructured.Unstructured{Object: fields}, w)
}
