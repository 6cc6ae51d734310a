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

// Command ha-check stands in for the real ha-check in hack/image's test of
// the two-platform index: it cross-compiles in seconds, where the real
// binaries (all of Kubernetes' scheduler) take half an hour cold. It
// prints what the test expects when it runs the host platform's image.
package main

import "os"

func main() {
	_, _ = os.Stdout.WriteString("ha-check stand-in\n")
}
