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
