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

// Package helmchart renders the Helm chart (charts/ha-scheduler) for the
// tests of test/manifests and test/integration, with helm built from helm's
// own Go packages, pinned in hack/tools/helm (hack/build-binaries.sh helm).
package helmchart

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/version"
)

// Dir is the chart, relative to the repository root.
const Dir = "charts/ha-scheduler"

// Helm runs helm from the repository root.
type Helm struct {
	// Binary is helm's absolute path.
	Binary string
	// Root is the repository root, where helm runs.
	Root string
}

// New returns the helm of $HELM_BIN, or the one hack/build-binaries.sh
// builds under root, running in root.
func New(root string) (*Helm, error) {
	bin := os.Getenv("HELM_BIN")
	if bin == "" {
		bin = filepath.Join(root, "_output", "bin", "helm")
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s not found (%w): build it with `hack/build-binaries.sh helm` (make test-unit does), or set HELM_BIN", bin, err)
	}
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	return &Helm{Binary: abs, Root: root}, nil
}

// Run runs helm and returns its stdout; the error carries stderr.
func (h *Helm) Run(args ...string) (string, error) {
	cmd := exec.Command(h.Binary, args...)
	cmd.Dir = h.Root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("helm %s: %w\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

// Template renders the chart as `helm install ha-scheduler --namespace ns`
// would (ns "" is kube-system), for the Kubernetes release we build
// against, with the given values (YAML; "" for the defaults) and extra
// arguments.
func (h *Helm) Template(ns, values string, args ...string) (string, error) {
	if ns == "" {
		ns = "kube-system"
	}
	full := []string{"template", "ha-scheduler", Dir, "--namespace", ns, "--kube-version", version.Kubernetes}
	if values != "" {
		// Not in a test's TempDir: helm splits --values at commas, which
		// test names may hold.
		f, err := os.CreateTemp("", "helm-values-*.yaml")
		if err != nil {
			return "", err
		}
		defer func() { _ = os.Remove(f.Name()) }()
		_, err = f.WriteString(values)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", err
		}
		full = append(full, "--values", f.Name())
	}
	return h.Run(append(full, args...)...)
}

// Objects renders the chart (see Template) and returns its objects.
func (h *Helm) Objects(ns, values string, args ...string) ([]map[string]any, error) {
	out, err := h.Template(ns, values, args...)
	if err != nil {
		return nil, err
	}
	return Parse(out)
}

// Parse returns the objects of a multi-document YAML stream, skipping
// empty documents.
func Parse(stream string) ([]map[string]any, error) {
	var objs []map[string]any
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(stream)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, err
		}
		var obj map[string]any
		if err := yaml.Unmarshal(doc, &obj); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", doc, err)
		}
		if obj != nil {
			objs = append(objs, obj)
		}
	}
}

// SchedulerConfig returns the scheduler configuration among rendered
// objects (the chart's or a kustomization's): the config.yaml of the one
// ConfigMap that has it (the dashboard's ConfigMap has none), with that
// ConfigMap.
func SchedulerConfig(objs []map[string]any) (string, map[string]any, error) {
	var cfgs []string
	var cms []map[string]any
	for _, o := range objs {
		if o["kind"] != "ConfigMap" {
			continue
		}
		data, _ := o["data"].(map[string]any)
		if cfg, ok := data["config.yaml"].(string); ok {
			cfgs, cms = append(cfgs, cfg), append(cms, o)
		}
	}
	if len(cfgs) != 1 {
		return "", nil, fmt.Errorf("want one ConfigMap with config.yaml, found %d", len(cfgs))
	}
	return cfgs[0], cms[0], nil
}
