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
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	gotypes "go/types"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// DefaultRegistry is where the project publishes the image. With the
	// release tag it makes the reference the manifests name
	// (ghcr.io/ha-scheduler/ha-scheduler:v1.37.2-ha.0.1.0); the test fails
	// while they differ.
	DefaultRegistry = "ghcr.io/ha-scheduler"
	// ImageName is the repository's last path element.
	ImageName = "ha-scheduler"

	// BinaryPath is where the scheduler lies in the image: the entrypoint,
	// and the first word of the replacement static pod's command.
	BinaryPath = "/usr/local/bin/ha-scheduler"
	// CheckerPath is where ha-check lies in the image: manifests/checker's
	// CronJob runs it as its command (the entrypoint stays the scheduler).
	CheckerPath = "/usr/local/bin/ha-check"
	// User is the image's user: distroless' nonroot (65532), numeric, so
	// the image needs no /etc/passwd and the kubelet can check
	// runAsNonRoot.
	User = "65532:65532"
	// SecurePort is kube-scheduler's secure port (probes, /metrics).
	SecurePort = "10259/tcp"

	sourceURL = "https://github.com/ha-scheduler/ha-scheduler"
	licenses  = "Apache-2.0"
	// mainPackage is the scheduler's main package, as `make build` builds it.
	mainPackage = "./cmd/scheduler"
	// checkerPackage is ha-check's main package, as `make build` builds it.
	checkerPackage = "./cmd/ha-check"
	// versionVar is what the Makefile's LDFLAGS stamp.
	versionVar = "k8s.io/component-base/version.gitVersion"

	// OCI label and annotation keys.
	labelTitle    = "org.opencontainers.image.title"
	labelVersion  = "org.opencontainers.image.version"
	labelSource   = "org.opencontainers.image.source"
	labelLicenses = "org.opencontainers.image.licenses"
	labelRevision = "org.opencontainers.image.revision"
	// annotationRefName names the index in the layout's index.json: the tag,
	// as BuildKit's OCI exporter writes it (skopeo's oci:DIR:TAG).
	annotationRefName = "org.opencontainers.image.ref.name"
	// annotationImageName is the whole reference: the name containerd
	// (ctr images import, kind load image-archive) and docker load give the
	// image.
	annotationImageName = "io.containerd.image.name"
)

// Platforms are the platforms of the index, in this order.
var Platforms = []v1.Platform{
	{OS: "linux", Architecture: "amd64"},
	{OS: "linux", Architecture: "arm64"},
}

// Binary is a program of the image: the main package `make build` builds
// it from, and where it lies in the image.
type Binary struct {
	Package, Path string
	// Dir is the directory, relative to Options.Root, that go build runs
	// in: the module holding Package. Empty: Root, the scheduler's module.
	Dir string
}

// Binaries are the image's programs, in the order of the layer (by path):
// ha-check, then the scheduler (the entrypoint).
var Binaries = []Binary{
	{Package: checkerPackage, Path: CheckerPath},
	{Package: mainPackage, Path: BinaryPath},
}

// Options say where Build reads and writes.
type Options struct {
	// Root is the repository root (the directory holding go.mod and
	// pkg/version).
	Root string
	// Out receives the binaries (Out/dist/linux_<arch>/ha-scheduler and
	// ha-check), the
	// OCI layout (Out/image) and, with Archive, the layout as one tar file
	// (Out/ha-scheduler-image.tar).
	Out string
	// Registry is the registry and namespace of the image; empty means
	// DefaultRegistry.
	Registry string
	// Go is the go command; empty means "go".
	Go string
	// Epoch is the time of every file in the layers, the config's created
	// time and the archive's entries.
	Epoch time.Time
	// Archive writes Out/ha-scheduler-image.tar as well.
	Archive bool
	// Log receives progress lines; nil discards them.
	Log io.Writer
	// Platforms are the index's platforms, in order; nil means Platforms
	// (make image). The test builds the real binaries for the host's
	// platform only: cross-compiling the scheduler is what a cold
	// `make test` would spend most of its time on.
	Platforms []v1.Platform
	// Binaries are the programs of every platform's image, in the order of
	// the layer; nil means Binaries (make image). The test puts stand-ins
	// there, cheap to cross-compile, to check the two-platform index.
	Binaries []Binary
}

// platforms are the index's platforms: o.Platforms, else Platforms.
func (o Options) platforms() []v1.Platform {
	if o.Platforms == nil {
		return Platforms
	}
	return o.Platforms
}

// binaries are the images' programs: o.Binaries, else Binaries.
func (o Options) binaries() []Binary {
	if o.Binaries == nil {
		return Binaries
	}
	return o.Binaries
}

// validate rejects platforms and binaries the index cannot be made of.
func (o Options) validate() error {
	if len(o.platforms()) == 0 {
		return errors.New("Options.Platforms: empty, want at least one platform (nil means linux/amd64 and linux/arm64)")
	}
	arch := map[string]bool{}
	for _, p := range o.platforms() {
		if p.OS == "" || p.Architecture == "" {
			return fmt.Errorf("Options.Platforms: %q names no OS or no architecture", p.String())
		}
		// The binaries are kept by architecture (Result.Binaries).
		if arch[p.Architecture] {
			return fmt.Errorf("Options.Platforms: architecture %s twice", p.Architecture)
		}
		arch[p.Architecture] = true
	}
	paths, names := map[string]bool{}, map[string]bool{}
	for _, b := range o.binaries() {
		if b.Package == "" || !strings.HasPrefix(b.Path, "/") {
			return fmt.Errorf("Options.Binaries: %+v needs a package and an absolute path in the image", b)
		}
		// Each is built to Out/dist/<os>_<arch>/<name>.
		name := filepath.Base(b.Path)
		if names[name] {
			return fmt.Errorf("Options.Binaries: two binaries named %s", name)
		}
		names[name], paths[b.Path] = true, true
	}
	if !paths[BinaryPath] {
		return fmt.Errorf("Options.Binaries: none at %s, the image's entrypoint", BinaryPath)
	}
	return nil
}

// Result is what Build wrote.
type Result struct {
	// Ref is the image reference: <registry>/ha-scheduler:<tag>.
	Ref string
	// GitVersion is the release the binaries print (--version).
	GitVersion string
	// Layout is the OCI layout directory; Archive the tar file, if written.
	Layout, Archive string
	// Binaries are the binaries put in the image, by architecture, then by
	// their path in the image (BinaryPath, CheckerPath).
	Binaries map[string]map[string]string
	// Digest is the image index's digest.
	Digest v1.Hash
}

// ReadGitVersion returns pkg/version's GitVersion ("v1.37.2+ha.0.1.0"),
// the string `make build` stamps, by type-checking the package's source:
// this module does not depend on the scheduler's.
func ReadGitVersion(root string) (string, error) {
	dir := filepath.Join(root, "pkg", "version")
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, 0)
		if err != nil {
			return "", err
		}
		files = append(files, f)
	}
	pkg, err := (&gotypes.Config{}).Check("version", fset, files, nil)
	if err != nil {
		return "", fmt.Errorf("pkg/version: %w", err)
	}
	c, ok := pkg.Scope().Lookup("GitVersion").(*gotypes.Const)
	if !ok || c.Val().Kind() != constant.String {
		return "", errors.New("pkg/version declares no string constant GitVersion")
	}
	return constant.StringVal(c.Val()), nil
}

// Tag is the image tag of a release: a tag cannot hold "+", so
// v1.37.2+ha.0.1.0 is tagged v1.37.2-ha.0.1.0.
func Tag(gitVersion string) string {
	return strings.ReplaceAll(gitVersion, "+", "-")
}

// Reference is the image reference of a release in a registry (empty:
// DefaultRegistry).
func Reference(registry, gitVersion string) (string, error) {
	if registry == "" {
		registry = DefaultRegistry
	}
	ref := strings.TrimSuffix(registry, "/") + "/" + ImageName + ":" + Tag(gitVersion)
	if _, err := name.NewTag(ref, name.StrictValidation); err != nil {
		return "", fmt.Errorf("image reference %q: %w", ref, err)
	}
	return ref, nil
}

// EpochFromEnv is SOURCE_DATE_EPOCH (reproducible-builds.org) when set,
// else the Unix epoch: the image's bytes depend on the sources only.
func EpochFromEnv() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", s, err)
	}
	return time.Unix(n, 0).UTC(), nil
}

// Build cross-compiles the binaries (the scheduler and ha-check unless
// o.Binaries says otherwise) for every platform, assembles the index and
// writes the layout (and the archive).
func Build(ctx context.Context, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	gitVersion, err := ReadGitVersion(o.Root)
	if err != nil {
		return nil, err
	}
	ref, err := Reference(o.Registry, gitVersion)
	if err != nil {
		return nil, err
	}
	bins, err := BuildBinaries(ctx, o, gitVersion)
	if err != nil {
		return nil, err
	}
	res := &Result{Ref: ref, GitVersion: gitVersion, Binaries: bins, Layout: filepath.Join(o.Out, "image")}
	if res.Digest, err = WriteImage(o, gitVersion, ref, bins, res.Layout); err != nil {
		return nil, err
	}
	logf(o.Log, "==> %s: OCI layout %s (index %s)", ref, res.Layout, res.Digest)
	if o.Archive {
		res.Archive = filepath.Join(o.Out, "ha-scheduler-image.tar")
		if err := WriteArchive(res.Layout, res.Archive, o.Epoch); err != nil {
			return nil, err
		}
		logf(o.Log, "==> %s: archive %s", ref, res.Archive)
	}
	return res, nil
}

// BuildBinaries builds the binaries (the scheduler and ha-check unless
// o.Binaries says otherwise) for every platform as `make build` does
// (CGO_ENABLED=0, -trimpath, the release stamped into component-base's
// gitVersion), into Out/dist/<os>_<arch>/ha-scheduler and
// Out/dist/<os>_<arch>/ha-check. It returns them by architecture, then by
// path in the image. Go's build cache makes a rebuild of unchanged sources
// take seconds.
func BuildBinaries(ctx context.Context, o Options, gitVersion string) (map[string]map[string]string, error) {
	goCmd := o.Go
	if goCmd == "" {
		goCmd = "go"
	}
	bins := map[string]map[string]string{}
	for _, p := range o.platforms() {
		bins[p.Architecture] = map[string]string{}
		for _, b := range o.binaries() {
			out, err := filepath.Abs(filepath.Join(o.Out, "dist", p.OS+"_"+p.Architecture, filepath.Base(b.Path)))
			if err != nil {
				return nil, err
			}
			start := time.Now()
			cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath",
				"-ldflags", "-X "+versionVar+"="+gitVersion,
				"-o", out, b.Package)
			cmd.Dir = filepath.Join(o.Root, b.Dir)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Architecture)
			if msg, err := cmd.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("go build %s for %s: %w\n%s", b.Package, p, err, msg)
			}
			logf(o.Log, "==> go build %s %s: %s (%s)", b.Package, p, out, time.Since(start).Round(time.Second))
			bins[p.Architecture][b.Path] = out
		}
	}
	return bins, nil
}

// Labels are the image's OCI labels (also the index's annotations). The
// revision is the commit checked out at root, absent without git.
func Labels(gitVersion, root string) map[string]string {
	labels := map[string]string{
		labelTitle:    ImageName,
		labelVersion:  gitVersion,
		labelSource:   sourceURL,
		labelLicenses: licenses,
	}
	if rev := gitRevision(root); rev != "" {
		labels[labelRevision] = rev
	}
	return labels
}

// gitRevision is the commit checked out at root, "" without git.
func gitRevision(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--verify", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// WriteImage assembles the index from the binaries and writes it as the
// OCI layout dir (replacing what was there). It returns the index digest.
func WriteImage(o Options, gitVersion, ref string, bins map[string]map[string]string, dir string) (v1.Hash, error) {
	idx, err := Index(o, bins, Labels(gitVersion, o.Root))
	if err != nil {
		return v1.Hash{}, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return v1.Hash{}, err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		annotationRefName:   Tag(gitVersion),
		annotationImageName: ref,
	})); err != nil {
		return v1.Hash{}, err
	}
	return idx.Digest()
}

// Index is the image index: one image per platform of o, in order, each
// holding o's binaries.
func Index(o Options, bins map[string]map[string]string, labels map[string]string) (v1.ImageIndex, error) {
	var adds []mutate.IndexAddendum
	for _, p := range o.platforms() {
		img, err := Image(p, o.binaries(), bins[p.Architecture], labels, o.Epoch)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		platform := p
		adds = append(adds, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &platform},
		})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	idx = mutate.AppendManifests(idx, adds...)
	withAnnotations, ok := mutate.Annotations(idx, labels).(v1.ImageIndex)
	if !ok {
		return nil, errors.New("annotated index is no image index")
	}
	return withAnnotations, nil
}

// Image is the image of one platform: no base (scratch), one layer holding
// the static binaries (files: the file to put at each of binaries' paths),
// the scheduler at BinaryPath the entrypoint, run as User.
func Image(p v1.Platform, binaries []Binary, files map[string]string, labels map[string]string, epoch time.Time) (v1.Image, error) {
	var layerFiles []layerFile
	var built []string
	for _, b := range binaries {
		f, ok := files[b.Path]
		if !ok {
			return nil, fmt.Errorf("no %s for %s", b.Path, p)
		}
		layerFiles = append(layerFiles, layerFile{src: f, path: b.Path})
		built = append(built, b.Package+" -> "+b.Path)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return layerTar(layerFiles, epoch), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressionLevel(gzip.DefaultCompression), tarball.WithCompressedCaching)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Architecture,
		OS:           p.OS,
		Variant:      p.Variant,
		Created:      v1.Time{Time: epoch},
		Config: v1.Config{
			Entrypoint:   []string{BinaryPath},
			User:         User,
			WorkingDir:   "/",
			Labels:       labels,
			ExposedPorts: map[string]struct{}{SecurePort: {}},
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: epoch},
			CreatedBy: "hack/image: CGO_ENABLED=0 go build -trimpath " + strings.Join(built, ", "),
		},
	})
}

// layerFile is a file of the layer: the file src, put at path in the image.
type layerFile struct {
	src, path string
}

// layerTar streams the layer's tar: the directories down to the binaries
// and the binaries (files, in order), owned by root, mode 0755, every time
// the epoch.
func layerTar(files []layerFile, epoch time.Time) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeLayerTar(pw, files, epoch))
	}()
	return pr
}

func writeLayerTar(w io.Writer, files []layerFile, epoch time.Time) error {
	tw := tar.NewWriter(w)
	dirs := map[string]bool{}
	for _, file := range files {
		rel := strings.TrimPrefix(file.path, "/")
		parts := strings.Split(rel, "/")
		for i := 1; i < len(parts); i++ {
			dir := strings.Join(parts[:i], "/") + "/"
			if dirs[dir] {
				continue
			}
			dirs[dir] = true
			if err := tw.WriteHeader(&tar.Header{
				Typeflag: tar.TypeDir,
				Name:     dir,
				Mode:     0o755,
				ModTime:  epoch,
			}); err != nil {
				return err
			}
		}
		if err := writeLayerFile(tw, file.src, rel, epoch); err != nil {
			return err
		}
	}
	return tw.Close()
}

func writeLayerFile(tw *tar.Writer, file, rel string, epoch time.Time) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     rel,
		Mode:     0o755,
		Size:     st.Size(),
		ModTime:  epoch,
	}); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

// WriteArchive writes the layout directory as one tar file (an "OCI
// archive": ctr images import, kind load image-archive, docker load,
// skopeo oci-archive:), entries sorted, times the epoch.
func WriteArchive(dir, file string, epoch time.Time) error {
	tmp := file + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	tw := tar.NewWriter(f)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		hdr := &tar.Header{Name: filepath.ToSlash(rel), ModTime: epoch}
		if d.IsDir() {
			hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, hdr.Name+"/", 0o755
			return tw.WriteHeader(hdr)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o644, info.Size()
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		src, err := os.Open(path)
		if err != nil {
			return err
		}
		defer src.Close()
		_, err = io.Copy(tw, src)
		return err
	})
	if err == nil {
		err = tw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// OpenLayout returns the image index a layout written by WriteImage holds,
// and the reference it was built for.
func OpenLayout(dir string) (v1.ImageIndex, string, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, "", err
	}
	im, err := top.IndexManifest()
	if err != nil {
		return nil, "", err
	}
	if len(im.Manifests) != 1 {
		return nil, "", fmt.Errorf("%s: index.json lists %d manifests, want 1 (the image index)", dir, len(im.Manifests))
	}
	d := im.Manifests[0]
	idx, err := top.ImageIndex(d.Digest)
	if err != nil {
		return nil, "", err
	}
	return idx, d.Annotations[annotationImageName], nil
}

// Push pushes the index of the layout dir to ref, with the credentials of
// docker's config (docker login, credential helpers).
func Push(ctx context.Context, dir, ref string) (v1.Hash, error) {
	idx, _, err := OpenLayout(dir)
	if err != nil {
		return v1.Hash{}, err
	}
	tag, err := name.NewTag(ref, name.StrictValidation)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.WriteIndex(tag, idx, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return v1.Hash{}, err
	}
	return idx.Digest()
}

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}
