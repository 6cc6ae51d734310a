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

package config

import (
	"encoding/json"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// DecodeStrict decodes plugin args into `into`, rejecting unknown and
// duplicate fields. The framework's DecodeInto is lenient (a misspelt field
// would silently fall back to its default), which is wrong for a policy.
// obj may be nil (no args: defaults), the *runtime.Unknown the scheduler
// hands out-of-tree plugins, or already of into's type (tests).
func DecodeStrict(obj runtime.Object, into any) error {
	switch o := obj.(type) {
	case nil:
		return nil
	case *runtime.Unknown:
		raw := o.Raw
		if len(raw) == 0 {
			return nil
		}
		if o.ContentType == runtime.ContentTypeYAML {
			var err error
			if raw, err = yaml.YAMLToJSONStrict(raw); err != nil {
				return err
			}
		} else if o.ContentType != "" && o.ContentType != runtime.ContentTypeJSON {
			return fmt.Errorf("unsupported content type %q", o.ContentType)
		}
		return UnmarshalStrict(raw, into)
	default:
		if fmt.Sprintf("%T", obj) != fmt.Sprintf("%T", into) {
			return fmt.Errorf("want args of type %T, got %T", into, obj)
		}
		raw, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		return UnmarshalStrict(raw, into)
	}
}

// UnmarshalStrict decodes JSON, failing on unknown or duplicate fields with
// an error that names them.
func UnmarshalStrict(raw []byte, into any) error {
	strictErrs, err := kjson.UnmarshalStrict(raw, into)
	if err != nil {
		return err
	}
	if len(strictErrs) > 0 {
		return &StrictError{Errs: strictErrs}
	}
	return nil
}

// StrictError lists unknown and duplicate fields.
type StrictError struct{ Errs []error }

func (e *StrictError) Error() string { return errors.Join(e.Errs...).Error() }
