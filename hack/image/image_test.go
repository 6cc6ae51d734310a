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

package main

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"go.yaml.in/yaml/v3"
)

// allPlatformsEnv opts in to TestImage's case that builds the image
// exactly as `make image` does, the real binaries for every platform (make
// test-image-all): cold, cross-compiling the scheduler for the non-host
// platform takes about half an hour on two cores.
const allPlatformsEnv = "HA_IMAGE_ALL_PLATFORMS"

// modulePath is this module's path, the prefix of the stand-ins' packages.
const modulePath = "github.com/ha-scheduler/ha-scheduler/hack/image"

// standIns stand in for the scheduler and ha-check at their paths in the
// image: tiny main packages of this module, cheap to cross-compile.
var standIns = []Binary{
	{Package: "./testdata/standin/ha-check", Path: CheckerPath, Dir: "hack/image"},
	{Package: "./testdata/standin/ha-scheduler", Path: BinaryPath, Dir: "hack/image"},
}

// wantBinary is what TestImage expects of a binary in the image.
type wantBinary struct {
	// pkg is its main package, as its build info names it.
	pkg string
	// stamped: it holds the release, stamped by -X (the real binaries).
	stamped bool
	// version is what it prints with --version, run from the host
	// platform's image.
	version string
}

// TestImage builds images as `make image` does (the same code, into a
// temporary directory), opens each layout with go-containerregistry and
// checks the index, each image's config and layer, and runs the host
// platform's binaries taken from their layer. make image builds the real
// binaries for every platform; by default this test checks the same in two
// cases that cost a fraction of that cold: stand-ins-all-platforms, make
// image's two-platform index of tiny stand-in binaries (order, media types,
// each image's platform, config and layer, each binary built for its
// platform), and real-binaries-host-platform, the real scheduler and
// ha-check built for the host's platform only (stamped, and run).
// real-binaries-all-platforms, make image's own build, cross-compiles the
// real binaries too: HA_IMAGE_ALL_PLATFORMS=1, make test-image-all. Go's
// build cache makes a rebuild of unchanged sources take seconds.
func TestImage(t *testing.T) {
	root := repoRoot(t)
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	wantVersion, err := ReadGitVersion(root)
	if err != nil {
		t.Fatal(err)
	}
	realBinaries := map[string]wantBinary{
		BinaryPath:  {pkg: "github.com/ha-scheduler/ha-scheduler/cmd/scheduler", stamped: true, version: "Kubernetes " + wantVersion + "\n"},
		CheckerPath: {pkg: "github.com/ha-scheduler/ha-scheduler/cmd/ha-check", stamped: true, version: "ha-check version " + wantVersion + "\n"},
	}
	host := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	for _, tc := range []struct {
		name string
		// skip is why the case does not run here; empty: it runs.
		skip string
		// platforms and binaries are Build's Options.Platforms and
		// Options.Binaries (nil: make image's).
		platforms []v1.Platform
		binaries  []Binary
		// wantPlatforms are the index's platforms, in order.
		wantPlatforms []string
		// wantBinaries are the image's binaries, by path in the image.
		wantBinaries map[string]wantBinary
	}{{
		name:          "stand-ins-all-platforms",
		binaries:      standIns,
		wantPlatforms: []string{"linux/amd64", "linux/arm64"},
		wantBinaries: map[string]wantBinary{
			BinaryPath:  {pkg: modulePath + "/testdata/standin/ha-scheduler", version: "ha-scheduler stand-in\n"},
			CheckerPath: {pkg: modulePath + "/testdata/standin/ha-check", version: "ha-check stand-in\n"},
		},
	}, {
		name:          "real-binaries-host-platform",
		skip:          skipUnlessImagePlatform(host),
		platforms:     []v1.Platform{host},
		wantPlatforms: []string{host.String()},
		wantBinaries:  realBinaries,
	}, {
		name:          "real-binaries-all-platforms",
		skip:          skipUnlessSet(allPlatformsEnv),
		wantPlatforms: []string{"linux/amd64", "linux/arm64"},
		wantBinaries:  realBinaries,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			checkBuild(t, Options{
				Root: root, Out: t.TempDir(), Go: goCmd,
				Epoch: time.Unix(1700000000, 0).UTC(), Archive: true, Log: testWriter{t},
				Platforms: tc.platforms, Binaries: tc.binaries,
			}, wantVersion, tc.wantPlatforms, tc.wantBinaries)
		})
	}
}

// skipUnlessImagePlatform says why the image cannot be built for p, or "".
func skipUnlessImagePlatform(p v1.Platform) string {
	for _, q := range Platforms {
		if q.Equals(p) {
			return ""
		}
	}
	return fmt.Sprintf("the image has no platform of this host's architecture (%s)", p)
}

// skipUnlessSet says why an opt-in case does not run, or "".
func skipUnlessSet(env string) string {
	if os.Getenv(env) != "" {
		return ""
	}
	return env + " is not set: make test-image-all builds the image as make image does, cross-compiling the real binaries (half an hour cold)"
}

// checkBuild builds the image with o and checks the layout, the index, its
// images and their binaries, that a second build gives the same digest,
// the archive, and a push.
func checkBuild(t *testing.T, o Options, wantVersion string, wantPlatforms []string, wantBinaries map[string]wantBinary) {
	wantRef := DefaultRegistry + "/" + ImageName + ":" + Tag(wantVersion)
	start := time.Now()
	res, err := Build(t.Context(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("built in %s", time.Since(start).Round(100*time.Millisecond))
	if res.Ref != wantRef || res.GitVersion != wantVersion {
		t.Fatalf("built %s (version %s), want %s (version %s)", res.Ref, res.GitVersion, wantRef, wantVersion)
	}

	// The layout: index.json names one image index, by tag and by the
	// whole reference.
	idx, ref, err := OpenLayout(res.Layout)
	if err != nil {
		t.Fatal(err)
	}
	if ref != wantRef {
		t.Errorf("layout names the image %q, want %q", ref, wantRef)
	}
	top, err := readJSONIndex(res.Layout)
	if err != nil {
		t.Fatal(err)
	}
	if got := top.Manifests[0].Annotations[annotationRefName]; got != Tag(wantVersion) {
		t.Errorf("index.json %s = %q, want the tag %q", annotationRefName, got, Tag(wantVersion))
	}
	if got := top.Manifests[0].MediaType; got != types.OCIImageIndex {
		t.Errorf("index.json lists a %s, want an OCI image index", got)
	}

	// The index: exactly the platforms, in order, OCI media types.
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if im.MediaType != types.OCIImageIndex {
		t.Errorf("index media type %s, want %s", im.MediaType, types.OCIImageIndex)
	}
	var platforms []string
	for _, d := range im.Manifests {
		if d.Platform == nil {
			t.Fatalf("manifest %s has no platform", d.Digest)
		}
		platforms = append(platforms, d.Platform.String())
	}
	if !slices.Equal(platforms, wantPlatforms) {
		t.Fatalf("index platforms %v, want %v", platforms, wantPlatforms)
	}
	if got := im.Annotations[labelVersion]; got != wantVersion {
		t.Errorf("index annotation %s = %q, want %q", labelVersion, got, wantVersion)
	}

	wantRevision := gitRevision(o.Root)
	ran := false
	for _, d := range im.Manifests {
		p := *d.Platform
		t.Run(p.String(), func(t *testing.T) {
			if d.MediaType != types.OCIManifestSchema1 {
				t.Errorf("manifest media type %s, want %s", d.MediaType, types.OCIManifestSchema1)
			}
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			if cf.OS != p.OS || cf.Architecture != p.Architecture {
				t.Errorf("config platform %s/%s, index says %s", cf.OS, cf.Architecture, p)
			}
			if !cf.Created.Equal(o.Epoch) {
				t.Errorf("created %s, want the epoch %s", cf.Created.Time, o.Epoch)
			}
			c := cf.Config
			if !slices.Equal(c.Entrypoint, []string{BinaryPath}) || len(c.Cmd) != 0 {
				t.Errorf("entrypoint %q cmd %q, want [%s] and none", c.Entrypoint, c.Cmd, BinaryPath)
			}
			uid, gid, ok := strings.Cut(c.User, ":")
			if n, err := strconv.Atoi(uid); !ok || err != nil || n == 0 || c.User != "65532:65532" {
				t.Errorf("user %q, want the numeric non-root 65532:65532", c.User)
			} else if _, err := strconv.Atoi(gid); err != nil {
				t.Errorf("user %q: group is not numeric", c.User)
			}
			if _, ok := c.ExposedPorts[SecurePort]; !ok {
				t.Errorf("exposed ports %v, want %s", c.ExposedPorts, SecurePort)
			}
			wantLabels := map[string]string{
				labelTitle:    "ha-scheduler",
				labelVersion:  wantVersion,
				labelSource:   "https://github.com/ha-scheduler/ha-scheduler",
				labelLicenses: "Apache-2.0",
			}
			if wantRevision != "" {
				wantLabels[labelRevision] = wantRevision
			}
			for k, v := range wantLabels {
				if c.Labels[k] != v {
					t.Errorf("label %s = %q, want %q", k, c.Labels[k], v)
				}
			}

			// One layer: the directories and the binaries, root-owned,
			// mode 0755, times the epoch.
			layers, err := img.Layers()
			if err != nil {
				t.Fatal(err)
			}
			if len(layers) != 1 {
				t.Fatalf("%d layers, want 1", len(layers))
			}
			if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
				t.Errorf("layer media type %s, want %s", mt, types.OCILayer)
			}
			bins := readLayer(t, layers[0], o.Epoch)

			// The binaries: built for the platform as `make build` builds
			// them, the release stamped in the real ones.
			for _, path := range slices.Sorted(maps.Keys(wantBinaries)) {
				want := wantBinaries[path]
				bin := bins[path]
				bi, err := buildinfo.Read(bytes.NewReader(bin))
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				settings := map[string]string{}
				for _, s := range bi.Settings {
					settings[s.Key] = s.Value
				}
				for k, v := range map[string]string{
					"GOOS": p.OS, "GOARCH": p.Architecture, "CGO_ENABLED": "0", "-trimpath": "true",
				} {
					if settings[k] != v {
						t.Errorf("%s built with %s=%q, want %q", path, k, settings[k], v)
					}
				}
				// -trimpath keeps -ldflags out of the build info; the stamp
				// is in the binary only when -X set it.
				if want.stamped && !bytes.Contains(bin, []byte(wantVersion)) {
					t.Errorf("%s does not hold %q: the release was not stamped (-X %s)", path, wantVersion, versionVar)
				}
				if bi.Path != want.pkg {
					t.Errorf("%s: main package %s, want %s", path, bi.Path, want.pkg)
				}
			}

			// Run the host platform's binaries: --version prints the
			// release (the stand-ins print their name).
			if p.OS != runtime.GOOS || p.Architecture != runtime.GOARCH {
				return
			}
			ran = true
			dir := t.TempDir()
			for _, path := range slices.Sorted(maps.Keys(wantBinaries)) {
				exe := filepath.Join(dir, filepath.Base(path))
				if err := os.WriteFile(exe, bins[path], 0o755); err != nil {
					t.Fatal(err)
				}
				got, err := exec.Command(exe, "--version").CombinedOutput()
				if err != nil {
					t.Fatalf("%s --version: %v\n%s", path, err, got)
				}
				if want := wantBinaries[path].version; string(got) != want {
					t.Errorf("%s --version printed %q, want %q", path, got, want)
				}
			}
		})
	}
	if hostPlatform := runtime.GOOS + "/" + runtime.GOARCH; slices.Contains(wantPlatforms, hostPlatform) && !ran {
		t.Errorf("no image for the host platform %s: the binaries were not run", hostPlatform)
	}

	// Reproducible: the same binaries give the same bytes.
	again, err := WriteImage(o, wantVersion, wantRef, res.Binaries, filepath.Join(o.Out, "again"))
	if err != nil {
		t.Fatal(err)
	}
	if again != res.Digest {
		t.Errorf("second index %s, first %s: the image is not reproducible", again, res.Digest)
	}

	// The archive holds the layout, file for file.
	checkArchive(t, res.Layout, res.Archive, o.Epoch, len(wantPlatforms))

	// Push (make image-push) to a registry in this process.
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	pushRef := strings.TrimPrefix(srv.URL, "http://") + "/platform/" + ImageName + ":" + Tag(wantVersion)
	pushed, err := Push(context.Background(), res.Layout, pushRef)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(pushRef)
	if err != nil {
		t.Fatal(err)
	}
	desc, err := remote.Get(tag)
	if err != nil {
		t.Fatal(err)
	}
	if pushed != res.Digest || desc.Digest != res.Digest || desc.MediaType != types.OCIImageIndex {
		t.Errorf("registry has %s (%s) at %s, pushed %s, want the index %s", desc.Digest, desc.MediaType, pushRef, pushed, res.Digest)
	}
}

// TestManifestsNameTheImage: the shipped manifests run the image `make
// image` builds, by the same reference, the replacement static pod's
// command starts with the image's binary, and the checker's CronJob runs
// the image's ha-check. The Dockerfile (make
// image-docker) builds the same shape.
func TestManifestsNameTheImage(t *testing.T) {
	root := repoRoot(t)
	gitVersion, err := ReadGitVersion(root)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Reference("", gitVersion)
	if err != nil {
		t.Fatal(err)
	}

	// Replacement: a static pod, applied as is.
	var pod struct {
		Spec manifestPodSpec `yaml:"spec"`
	}
	readYAML(t, filepath.Join(root, "manifests", "replacement", "kube-scheduler.yaml"), &pod)
	if len(pod.Spec.Containers) != 1 {
		t.Fatalf("replacement pod has %d containers, want 1", len(pod.Spec.Containers))
	}
	ctr := pod.Spec.Containers[0]
	if ctr.Image != want {
		t.Errorf("manifests/replacement/kube-scheduler.yaml: image %q, want %q (what make image builds)", ctr.Image, want)
	}
	if len(ctr.Command) == 0 || ctr.Command[0] != BinaryPath {
		t.Errorf("manifests/replacement/kube-scheduler.yaml: command %q, want the image's binary %s first", ctr.Command, BinaryPath)
	}

	// Secondary: the Deployment's image, as the kustomization's `images`
	// rewrite it.
	var deploy struct {
		Spec struct {
			Template struct {
				Spec manifestPodSpec `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	readYAML(t, filepath.Join(root, "manifests", "secondary", "deployment.yaml"), &deploy)
	var kust struct {
		Images []kustomizeImage `yaml:"images"`
	}
	readYAML(t, filepath.Join(root, "manifests", "secondary", "kustomization.yaml"), &kust)
	cs := deploy.Spec.Template.Spec.Containers
	if len(cs) != 1 {
		t.Fatalf("secondary Deployment has %d containers, want 1", len(cs))
	}
	if got := kustomizeImages(cs[0].Image, kust.Images); got != want {
		t.Errorf("manifests/secondary: the Deployment runs %q (image %q, kustomization images %+v), want %q (what make image builds)", got, cs[0].Image, kust.Images, want)
	}
	if len(cs[0].Command) != 0 {
		t.Errorf("secondary Deployment overrides the entrypoint with %q", cs[0].Command)
	}

	// Checker: the CronJob runs the same image, ha-check as its command
	// (the image's entrypoint is the scheduler).
	var cron struct {
		Spec struct {
			JobTemplate struct {
				Spec struct {
					Template struct {
						Spec manifestPodSpec `yaml:"spec"`
					} `yaml:"template"`
				} `yaml:"spec"`
			} `yaml:"jobTemplate"`
		} `yaml:"spec"`
	}
	readYAML(t, filepath.Join(root, "manifests", "checker", "cronjob.yaml"), &cron)
	var checkerKust struct {
		Images []kustomizeImage `yaml:"images"`
	}
	readYAML(t, filepath.Join(root, "manifests", "checker", "kustomization.yaml"), &checkerKust)
	jcs := cron.Spec.JobTemplate.Spec.Template.Spec.Containers
	if len(jcs) != 1 {
		t.Fatalf("checker CronJob has %d containers, want 1", len(jcs))
	}
	if got := kustomizeImages(jcs[0].Image, checkerKust.Images); got != want {
		t.Errorf("manifests/checker: the CronJob runs %q (image %q, kustomization images %+v), want %q (what make image builds)", got, jcs[0].Image, checkerKust.Images, want)
	}
	if !slices.Equal(jcs[0].Command, []string{CheckerPath}) {
		t.Errorf("manifests/checker: the CronJob's command is %q, want [%s] (the image's ha-check)", jcs[0].Command, CheckerPath)
	}

	// The Dockerfile's image: same binary paths, entrypoint and user.
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{
		`(?m)^COPY --from=builder \S+ ` + regexp.QuoteMeta(BinaryPath) + `$`,
		`(?m)^COPY --from=builder \S+ ` + regexp.QuoteMeta(CheckerPath) + `$`,
		`(?m)^ENTRYPOINT \["` + regexp.QuoteMeta(BinaryPath) + `"\]$`,
		`(?m)^USER ` + regexp.QuoteMeta(User) + `$`,
		`(?m)^EXPOSE ` + regexp.QuoteMeta(strings.TrimSuffix(SecurePort, "/tcp")) + `$`,
	} {
		if !regexp.MustCompile(re).Match(df) {
			t.Errorf("Dockerfile: no line matching %s (make image-docker must build what make image builds)", re)
		}
	}
}

// manifestPodSpec is what the manifests tests read of a pod spec: its
// containers' name, image and command.
type manifestPodSpec struct {
	Containers []struct {
		Name    string   `yaml:"name"`
		Image   string   `yaml:"image"`
		Command []string `yaml:"command"`
	} `yaml:"containers"`
}

// TestOptionsValidate: Build refuses platforms and binaries it cannot
// make an image of, naming the field; nil means make image's.
func TestOptionsValidate(t *testing.T) {
	amd64 := v1.Platform{OS: "linux", Architecture: "amd64"}
	for _, tc := range []struct {
		name      string
		platforms []v1.Platform
		binaries  []Binary
		want      string
	}{
		{name: "make image's"},
		{name: "stand-ins on one platform", platforms: []v1.Platform{amd64}, binaries: standIns},
		{name: "no platform", platforms: []v1.Platform{}, want: "Options.Platforms: empty, want at least one platform (nil means linux/amd64 and linux/arm64)"},
		{name: "no architecture", platforms: []v1.Platform{{OS: "linux"}}, want: `Options.Platforms: "linux" names no OS or no architecture`},
		{name: "architecture twice", platforms: []v1.Platform{amd64, amd64}, want: "Options.Platforms: architecture amd64 twice"},
		{name: "no entrypoint", binaries: standIns[:1], want: "Options.Binaries: none at /usr/local/bin/ha-scheduler, the image's entrypoint"},
		{name: "path twice", binaries: []Binary{standIns[1], standIns[1]}, want: "Options.Binaries: two binaries named ha-scheduler"},
		{name: "name twice", binaries: []Binary{standIns[1], {Package: "./cmd/scheduler", Path: "/bin/ha-scheduler"}}, want: "Options.Binaries: two binaries named ha-scheduler"},
		{name: "relative path", binaries: []Binary{{Package: "./cmd/scheduler", Path: "ha-scheduler"}}, want: "Options.Binaries: {Package:./cmd/scheduler Path:ha-scheduler Dir:} needs a package and an absolute path in the image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if err := (Options{Platforms: tc.platforms, Binaries: tc.binaries}).validate(); err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("validate() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReference(t *testing.T) {
	for _, tc := range []struct{ registry, want string }{
		{"", "ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0"},
		{"registry.example.com/platform/", "registry.example.com/platform/ha-scheduler:v1.37.2-ha.0.1.0"},
		{"localhost:5000", "localhost:5000/ha-scheduler:v1.37.2-ha.0.1.0"},
	} {
		got, err := Reference(tc.registry, "v1.37.2+ha.0.1.0")
		if err != nil || got != tc.want {
			t.Errorf("Reference(%q) = %q, %v; want %q", tc.registry, got, err, tc.want)
		}
	}
	if _, err := Reference("Not A Registry", "v1.37.2+ha.0.1.0"); err == nil {
		t.Error("Reference accepted an invalid registry")
	}
}

// kustomizeImage is an entry of a kustomization's `images`.
type kustomizeImage struct {
	Name    string `yaml:"name"`
	NewName string `yaml:"newName"`
	NewTag  string `yaml:"newTag"`
	Digest  string `yaml:"digest"`
}

// kustomizeImages applies the `images` transformer as kustomize does to
// one container image: the entry whose name is the image's name (without
// tag or digest) replaces the name, the tag or the digest.
func kustomizeImages(image string, entries []kustomizeImage) string {
	nameOnly, tag, digest := image, "", ""
	if i := strings.Index(nameOnly, "@"); i >= 0 {
		nameOnly, digest = nameOnly[:i], nameOnly[i:]
	}
	if i := strings.LastIndex(nameOnly, ":"); i > strings.LastIndex(nameOnly, "/") {
		nameOnly, tag = nameOnly[:i], nameOnly[i:]
	}
	for _, e := range entries {
		if e.Name != nameOnly {
			continue
		}
		if e.NewName != "" {
			nameOnly = e.NewName
		}
		if e.NewTag != "" {
			tag, digest = ":"+e.NewTag, ""
		}
		if e.Digest != "" {
			tag, digest = "", "@"+e.Digest
		}
		break
	}
	return nameOnly + tag + digest
}

func TestKustomizeImages(t *testing.T) {
	for _, tc := range []struct {
		image   string
		entries []kustomizeImage
		want    string
	}{
		{"ha-scheduler", nil, "ha-scheduler"},
		{"ha-scheduler", []kustomizeImage{{Name: "ha-scheduler", NewTag: "v1"}}, "ha-scheduler:v1"},
		{"ha-scheduler:v0", []kustomizeImage{{Name: "ha-scheduler", NewName: "r.example/x/ha-scheduler", NewTag: "v1"}}, "r.example/x/ha-scheduler:v1"},
		{"localhost:5000/ha-scheduler", []kustomizeImage{{Name: "localhost:5000/ha-scheduler", NewTag: "v1"}}, "localhost:5000/ha-scheduler:v1"},
		{"ha-scheduler:v0", []kustomizeImage{{Name: "other", NewTag: "v1"}}, "ha-scheduler:v0"},
		{"ha-scheduler:v0", []kustomizeImage{{Name: "ha-scheduler", Digest: "sha256:aa"}}, "ha-scheduler@sha256:aa"},
	} {
		if got := kustomizeImages(tc.image, tc.entries); got != tc.want {
			t.Errorf("kustomizeImages(%q, %+v) = %q, want %q", tc.image, tc.entries, got, tc.want)
		}
	}
}

// readLayer checks the layer's entries and returns the binaries' bytes, by
// path in the image.
func readLayer(t *testing.T, l v1.Layer, epoch time.Time) map[string][]byte {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var names []string
	bins := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Mode != 0o755 || h.Uid != 0 || h.Gid != 0 || !h.ModTime.Equal(epoch) {
			t.Errorf("%s: mode %o uid %d gid %d time %s, want 755, root, %s", h.Name, h.Mode, h.Uid, h.Gid, h.ModTime, epoch)
		}
		if path := "/" + h.Name; path == BinaryPath || path == CheckerPath {
			if h.Typeflag != tar.TypeReg {
				t.Errorf("%s is no regular file", h.Name)
			}
			if bins[path], err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	if want := []string{"usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/ha-check", "usr/local/bin/ha-scheduler"}; !slices.Equal(names, want) {
		t.Fatalf("layer holds %q, want %q", names, want)
	}
	return bins
}

// checkArchive: the archive's entries are the layout's files, byte for byte.
func checkArchive(t *testing.T, dir, archive string, epoch time.Time, platforms int) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	files := 0
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !h.ModTime.Equal(epoch) {
			t.Errorf("archive: %s time %s, want %s", h.Name, h.ModTime, epoch)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		files++
		got, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(h.Name)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("archive: %s differs from the layout's (%v)", h.Name, err)
		}
	}
	// oci-layout, index.json and the blobs: the image index, and a
	// manifest, a config and a layer per platform.
	if want := 2 + 1 + 3*platforms; files != want {
		t.Errorf("archive holds %d files, want %d", files, want)
	}
}

func readJSONIndex(dir string) (*v1.IndexManifest, error) {
	f, err := os.Open(filepath.Join(dir, "index.json"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return v1.ParseIndexManifest(f)
}

func readYAML(t *testing.T, path string, into any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := findRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
