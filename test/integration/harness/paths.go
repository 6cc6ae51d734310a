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

// Package harness runs a real control plane for integration tests: etcd and
// kube-apiserver built from the pinned Go modules (hack/build-binaries.sh),
// and the real ha-scheduler binary (make build). Nothing is faked.
package harness

import (
	"fmt"
	"os"
	"path/filepath"
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			panic("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Binary returns the path of a binary: $<ENV> if set, else the default
// under the repository root. It fails with the command that builds it.
func Binary(env, rel, buildHint string) (string, error) {
	p := os.Getenv(env)
	if p == "" {
		p = filepath.Join(RepoRoot(), rel)
	}
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%s not found (%v): build it with `%s`, or set %s", p, err, buildHint, env)
	}
	return p, nil
}

// SchedulerBinary is the ha-scheduler binary under test.
func SchedulerBinary() (string, error) {
	return Binary("HA_SCHEDULER_BIN", "bin/ha-scheduler", "make build")
}

// ManifestPath returns the path of a shipped manifest file.
func ManifestPath(rel string) string {
	return filepath.Join(RepoRoot(), "manifests", rel)
}
