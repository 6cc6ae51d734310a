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
	"path/filepath"
	"testing"
)

// The shipped configurations are valid as they are (the files themselves,
// not copies).
func TestShippedConfigsAreValid(t *testing.T) {
	files, err := filepath.Glob("../../manifests/*/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("found %d shipped configs, want the secondary and the replacement one", len(files))
	}
	for _, f := range files {
		if err := ValidateConfigFile(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestCommandRegistersOurPlugins(t *testing.T) {
	cmd := NewCommand()
	if cmd.Use != "ha-scheduler" {
		t.Errorf("Use = %q", cmd.Use)
	}
	if cmd.Flags().Lookup("config") == nil {
		t.Error("upstream flag --config missing")
	}
}
