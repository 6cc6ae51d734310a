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

// Package policytest holds what tests of policies share.
package policytest

import (
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Compare are the cmp options that compare two policies by what they say:
// label selectors by what they select, written out (their implementations
// have unexported fields), and without the lookups a policy builds for
// itself (Policy.IndexComponents).
var Compare = cmp.Options{
	cmp.Comparer(func(a, b labels.Selector) bool { return a.String() == b.String() }),
	cmpopts.IgnoreUnexported(policy.Policy{}),
}
