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

// Package v1alpha1 is what ha-check writes for machines (-o json, -o yaml,
// jsonpath and go-template): the objects of group ha-check.ha-scheduler.io,
// version v1alpha1. Report is the check's; Explanation, WhatIf and PDBPlan
// are the answers of explain, what-if and pdbs. docs/checker.md documents
// them; the field comments here are the reference.
//
// v1alpha1 may gain fields; a field removed, renamed or changed in meaning
// takes a new version. The objects are never served by an API server: the
// checker computes them (pkg/checker) and prints them through cli-runtime's
// printers (pkg/cmd/hacheck).
//
// +k8s:deepcopy-gen=package
// +groupName=ha-check.ha-scheduler.io
package v1alpha1
