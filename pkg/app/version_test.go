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

package app

import (
	"os"
	"regexp"
	"testing"

	"github.com/ha-scheduler/ha-scheduler/pkg/version"
)

// version.Kubernetes, stamped into --version, must be the k8s.io/kubernetes
// release go.mod pins.
func TestKubernetesVersionMatchesGoMod(t *testing.T) {
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*k8s\.io/kubernetes (v\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require k8s.io/kubernetes")
	}
	if string(m[1]) != version.Kubernetes {
		t.Fatalf("version.Kubernetes = %s, go.mod pins k8s.io/kubernetes %s", version.Kubernetes, m[1])
	}
}
