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

// Command image builds the ha-scheduler container image without a
// container engine (make image, make image-push): it cross-compiles the
// scheduler and ha-check for linux/amd64 and linux/arm64 as `make build`
// does, puts each platform's two binaries into an image with no base
// (go-containerregistry; the scheduler the entrypoint), both
// images into one OCI index, and writes it as an OCI layout, _output/image,
// and as one tar file, _output/ha-scheduler-image.tar. With -push it then
// pushes the index to <registry>/ha-scheduler:<tag>.
//
// Usage (from hack/image; make image runs it):
//
//	go run . [-root ../..] [-out DIR] [-registry REGISTRY] [-push] [-print-ref]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "hack/image:", err)
		os.Exit(1)
	}
}

func run() error {
	root := flag.String("root", "", "repository root (default: the nearest directory above holding pkg/version)")
	out := flag.String("out", "", "output directory (default: <root>/_output)")
	registry := flag.String("registry", "", "registry and namespace: the image is <registry>/"+ImageName+":<tag> (default "+DefaultRegistry+")")
	goCmd := flag.String("go", "go", "the go command")
	archive := flag.Bool("archive", true, "also write the layout as one tar file, <out>/ha-scheduler-image.tar")
	push := flag.Bool("push", false, "after building, push the index to <registry>/"+ImageName+":<tag> (credentials: docker's config, as `docker login` writes it); needs -registry")
	printRef := flag.Bool("print-ref", false, "print the image reference and exit")
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flag.Args())
	}

	if *root == "" {
		r, err := findRoot()
		if err != nil {
			return err
		}
		*root = r
	}
	if *printRef {
		gitVersion, err := ReadGitVersion(*root)
		if err != nil {
			return err
		}
		ref, err := Reference(*registry, gitVersion)
		if err != nil {
			return err
		}
		fmt.Println(ref)
		return nil
	}
	if *push && *registry == "" {
		return errors.New("-push needs -registry (e.g. -registry registry.example.com/platform)")
	}
	if *out == "" {
		*out = filepath.Join(*root, "_output")
	}
	epoch, err := EpochFromEnv()
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := Build(ctx, Options{
		Root:     *root,
		Out:      *out,
		Registry: *registry,
		Go:       *goCmd,
		Epoch:    epoch,
		Archive:  *archive,
		Log:      os.Stderr,
	})
	if err != nil {
		return err
	}
	if *push {
		fmt.Fprintf(os.Stderr, "==> pushing %s\n", res.Ref)
		digest, err := Push(ctx, res.Layout, res.Ref)
		if err != nil {
			return fmt.Errorf("push %s: %w", res.Ref, err)
		}
		fmt.Fprintf(os.Stderr, "==> pushed %s@%s\n", res.Ref, digest)
	}
	return nil
}

// findRoot returns the nearest directory at or above the working directory
// that holds pkg/version/version.go.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "pkg", "version", "version.go")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no pkg/version/version.go above the working directory: pass -root")
		}
		dir = parent
	}
}
