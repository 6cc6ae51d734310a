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

package explain

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/fixture"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// explainPod is Explain of the pod in the cluster under the policy
// (policy.Default() when nil).
func explainPod(p *policy.Policy, c fixture.Cluster, namespace, name string) (*v1alpha1.Explanation, error) {
	return Explain(c.Model(p), namespace, name)
}

// whatIf is WhatIf of the failure in the cluster under the policy
// (policy.Default() when nil).
func whatIf(p *policy.Policy, c fixture.Cluster, f v1alpha1.Failure) (*v1alpha1.WhatIf, error) {
	return WhatIf(c.Model(p), f)
}

// writeExplainText and writeWhatIfText write the answer as -o text prints
// it (printers.Text), less its first line: where the policy came from,
// which the command fills in (its golden outputs keep that line).
func writeExplainText(w io.Writer, e *v1alpha1.Explanation) error {
	return writeText(w, e, e.PolicySource)
}

func writeWhatIfText(w io.Writer, r *v1alpha1.WhatIf) error {
	return writeText(w, r, r.PolicySource)
}

func writeText(w io.Writer, obj runtime.Object, source string) error {
	var b strings.Builder
	if err := (printers.Text{}).PrintObj(obj, &b); err != nil {
		return err
	}
	text, ok := strings.CutPrefix(b.String(), "Policy: "+source+"\n")
	if !ok {
		return fmt.Errorf("the text does not begin with the policy:\n%s", b.String())
	}
	_, err := io.WriteString(w, text)
	return err
}
