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

package manifests

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/audit"
)

// TestCheckerKnowsTheShippedAdmissionPolicies: the admission policies
// ha-check looks for (checker.ShippedAdmissionPolicies) are exactly those
// manifests/admission ships, kind and name, so that it never reports a
// shipped policy missing because one of them was renamed.
func TestCheckerKnowsTheShippedAdmissionPolicies(t *testing.T) {
	var kust struct {
		Resources []string `json:"resources"`
	}
	require.NoError(t, yaml.Unmarshal(readFile(t, "manifests/admission/kustomization.yaml").Data, &kust))
	var shipped []string
	for _, res := range kust.Resources {
		for _, doc := range strings.Split(string(readFile(t, filepath.Join("manifests/admission", res)).Data), "\n---\n") {
			var obj struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			require.NoError(t, yaml.Unmarshal([]byte(doc), &obj), res)
			if obj.Kind == v1alpha1.KindValidatingAdmissionPolicy || obj.Kind == v1alpha1.KindMutatingAdmissionPolicy {
				shipped = append(shipped, obj.Kind+" "+obj.Metadata.Name)
			}
		}
	}
	var known []string
	for _, p := range audit.ShippedAdmissionPolicies() {
		known = append(known, p.Kind+" "+p.Name)
	}
	sort.Strings(shipped)
	sort.Strings(known)
	if diff := cmp.Diff(shipped, known); diff != "" {
		t.Errorf("checker.ShippedAdmissionPolicies (+) differ from manifests/admission's policies (-):\n%s", diff)
	}
}
