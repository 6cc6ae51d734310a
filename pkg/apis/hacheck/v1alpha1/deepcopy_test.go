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

package v1alpha1

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/randfill"
)

// TestDeepCopy: DeepCopyObject copies every kind whole, every field of
// every nested value set (randfill, no nil), and the copy shares nothing
// with the original: changing every value of the copy in place (touch)
// leaves the original equal to a twin filled alike. Before the generated copies, the report was copied
// through JSON, which panics on what JSON cannot hold (here, the random
// managed fields of a generated PodDisruptionBudget).
func TestDeepCopy(t *testing.T) {
	fill := func(seed int64, obj runtime.Object) {
		randfill.NewWithSeed(seed).NilChance(0).NumElements(1, 3).Fill(obj)
	}
	for _, obj := range []runtime.Object{&Report{}, &Explanation{}, &WhatIf{}, &PDBPlan{}} {
		for seed := int64(1); seed <= 20; seed++ {
			t.Run(fmt.Sprintf("%T/seed-%d", obj, seed), func(t *testing.T) {
				orig, twin := obj.DeepCopyObject(), obj.DeepCopyObject()
				fill(seed, orig)
				fill(seed, twin)
				require.True(t, apiequality.Semantic.DeepEqual(orig, twin), "randfill is not deterministic")

				copied := orig.DeepCopyObject()
				require.True(t, apiequality.Semantic.DeepEqual(orig, copied), "the copy differs from the original")
				touch(reflect.ValueOf(copied))
				require.False(t, apiequality.Semantic.DeepEqual(orig, copied), "touching the copy changed nothing")
				require.True(t, apiequality.Semantic.DeepEqual(orig, twin), "touching the copy changed the original")
			})
		}
	}
}

// TestKindsRegistered: the scheme knows the four kinds under the group
// version, and an object's apiVersion and kind come first in its JSON.
func TestKindsRegistered(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, AddToScheme(scheme))
	for kind, obj := range map[string]runtime.Object{KindReport: &Report{}, KindExplanation: &Explanation{}, KindWhatIf: &WhatIf{}, KindPDBPlan: &PDBPlan{}} {
		gvks, _, err := scheme.ObjectKinds(obj)
		require.NoError(t, err)
		require.Equal(t, SchemeGroupVersion.WithKind(kind), gvks[0])
	}
	r := &Report{}
	r.SetGroupVersionKind(SchemeGroupVersion.WithKind(KindReport))
	data, err := json.Marshal(r)
	require.NoError(t, err)
	require.Regexp(t, `^\{"apiVersion":"ha-check.ha-scheduler.io/v1alpha1","kind":"Report","policySource":""`, string(data))
}

// touch changes every string, number and bool reachable from v in place:
// through pointers, in the elements of slices, in the values of maps (set
// back into the same map), in exported struct fields. A copy that shares
// a pointer, a slice's array or a map with its original changes the
// original too.
func touch(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			touch(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				touch(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			touch(v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			touch(e)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		if v.CanSet() {
			v.SetString(v.String() + "+")
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if v.CanSet() {
			v.SetInt(v.Int() + 1)
		}
	case reflect.Bool:
		if v.CanSet() {
			v.SetBool(!v.Bool())
		}
	}
}
