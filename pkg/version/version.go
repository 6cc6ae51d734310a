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

// Package version is the ha-scheduler release, stamped into component-base's
// gitVersion as "<kubernetes version>+ha.<release>" by the Makefile: a
// gitVersion outside Kubernetes' own range stops the scheduler from starting
// (emulation-version validation), so our release rides as build metadata.
package version

// Release is the ha-scheduler release.
const Release = "0.1.0"

// Kubernetes is the Kubernetes release the binary is built against.
const Kubernetes = "v1.37.2"

// GitVersion is what --version prints.
const GitVersion = Kubernetes + "+ha." + Release
