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

// Package gen keeps the trusted namespaces of the DaemonSet admission policy
// (manifests/admission) in step with the scheduler configuration they must
// mirror: it reads trustedNamespaces from the policy (the HAPolicy entry) of
// each profile of the shipped KubeSchedulerConfiguration files, through
// pkg/policysource (the decoding, defaulting and validation the scheduler
// itself uses), and rewrites the block between
// the BeginMarker and EndMarker comments of the policy, leaving every other
// byte of the file as it is. hack/gen-admission is its command (`make
// manifests`); test/manifests runs it in check mode against the shipped files.
package gen

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// The markers around the generated list in the admission policy. The list
// items are written with the indentation of BeginMarker.
const (
	BeginMarker = "# BEGIN generated: trusted namespaces (make manifests)"
	EndMarker   = "# END generated"
)

// The shipped files, relative to the repository root.
const (
	DefaultPolicy = "manifests/admission/daemonset-node-affinity.yaml"
	// BindingName is the MutatingAdmissionPolicyBinding whose namespace
	// selector the block is.
	BindingName = "ha-scheduler-daemonset-node-affinity"
	// NamespaceNameLabel is set by the API server from a namespace's name.
	NamespaceNameLabel = "kubernetes.io/metadata.name"
)

// DefaultConfigs are the shipped scheduler configurations: the secondary
// scheduler's and the replacement's. Both must trust the same namespaces,
// since one admission policy serves either mode.
var DefaultConfigs = []string{
	"manifests/secondary/config.yaml",
	"manifests/replacement/config.yaml",
}

var (
	beginRE = regexp.MustCompile(`^([ \t]*)` + regexp.QuoteMeta(BeginMarker) + `[ \t]*$`)
	endRE   = regexp.MustCompile(`^[ \t]*` + regexp.QuoteMeta(EndMarker) + `[ \t]*$`)
)

// File is a file's name (as reported in messages) and its content.
type File struct {
	Name string
	Data []byte
}

// Source is where one list of trusted namespaces was found.
type Source struct {
	File    string
	Profile string
	// Defaulted: the profile has no HAPolicy entry and so runs with the
	// default policy.
	Defaulted bool
}

func (s Source) String() string {
	out := fmt.Sprintf("%s: profile %q", s.File, s.Profile)
	if s.Defaulted {
		out += " (no " + config.PolicyName + " entry: default policy)"
	}
	return out
}

// checkWorkersOnly fails when the policy lets user workloads onto
// control-plane or infra nodes. The admission policy gives every DaemonSet
// of an untrusted namespace an affinity that excludes those nodes: with such
// a policy (a compact cluster) it would keep DaemonSets off nodes the
// scheduler allows them, e.g. off every node of a three-node compact cluster.
func checkWorkersOnly(p *policy.Policy) error {
	roles := policy.RolesOf(p.UserWorkloads.Placement)
	if p.AllowUserWorkloadsOnControlPlane {
		roles = roles.With(policy.RoleControlPlane)
	}
	if r, only := roles.Only(); only && r == policy.RoleWorker {
		return nil
	}
	var allowed []string
	for _, r := range []policy.NodeRole{policy.RoleControlPlane, policy.RoleInfra, policy.RoleWorker} {
		if roles.Allows(r) {
			allowed = append(allowed, string(r))
		}
	}
	return fmt.Errorf("user workloads may run on %s nodes (allowUserWorkloadsOnControlPlane: %t, userWorkloads.nodeRole: %s), but %s keeps the DaemonSets of untrusted namespaces off control-plane and infra nodes; do not apply manifests/admission to such a cluster (docs/policy.md: compact cluster)",
		strings.Join(allowed, ", "), p.AllowUserWorkloadsOnControlPlane, p.UserWorkloads.Placement, DefaultPolicy)
}

type found struct {
	src Source
	ns  []string
}

// readConfig returns the trusted namespaces of every profile of one
// configuration file that enables an ha-scheduler plugin, read as the
// scheduler reads them (pkg/policysource).
func readConfig(f File) ([]found, error) {
	results, err := policysource.LoadAll(f.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	var out []found
	var errs []error
	for _, r := range results {
		if err := checkWorkersOnly(r.Policy); err != nil {
			errs = append(errs, fmt.Errorf("%s: profile %q: %w", f.Name, r.Profile, err))
			continue
		}
		out = append(out, found{
			src: Source{File: f.Name, Profile: r.Profile, Defaulted: !r.Written},
			ns:  r.Args.TrustedNamespaces,
		})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// TrustedNamespaces returns the trusted namespaces the configuration files
// agree on. Every profile of every file that enables an ha-scheduler plugin
// must have the same list, in the same order (one admission policy serves
// every file), or the error names each file and profile that differs from
// the first.
func TrustedNamespaces(configs ...File) ([]string, error) {
	if len(configs) == 0 {
		return nil, errors.New("no scheduler configuration given")
	}
	var all []found
	var errs []error
	for _, f := range configs {
		fs, err := readConfig(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		all = append(all, fs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	first := all[0]
	for _, f := range all[1:] {
		if !slices.Equal(f.ns, first.ns) {
			errs = append(errs, fmt.Errorf("%s: trustedNamespaces %s, but %s: %s",
				f.src, list(f.ns), first.src, list(first.ns)))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("the scheduler configurations disagree on the trusted namespaces; make every profile trust the same namespaces:\n%w", errors.Join(errs...))
	}
	return first.ns, nil
}

func list(ns []string) string { return "[" + strings.Join(ns, ", ") + "]" }

// Generate returns the admission policy with the block between the markers
// replaced by namespaces, one list item per line, indented as BeginMarker;
// every other byte is kept. It fails when the markers are missing, repeated
// or out of order, or when the result's binding does not exclude exactly
// those namespaces (markers that are not around the binding's values).
func Generate(policyFile File, namespaces []string) ([]byte, error) {
	if len(namespaces) == 0 {
		return nil, fmt.Errorf("%s: no trusted namespaces to write", policyFile.Name)
	}
	lines := strings.SplitAfter(string(policyFile.Data), "\n")
	begin, end := -1, -1
	indent := ""
	for i, l := range lines {
		text := strings.TrimRight(l, "\r\n")
		if m := beginRE.FindStringSubmatch(text); m != nil {
			if begin >= 0 {
				return nil, fmt.Errorf("%s:%d: a second %q (the first is on line %d)", policyFile.Name, i+1, BeginMarker, begin+1)
			}
			begin, indent = i, m[1]
			continue
		}
		if endRE.MatchString(text) {
			switch {
			case begin < 0:
				return nil, fmt.Errorf("%s:%d: %q before %q", policyFile.Name, i+1, EndMarker, BeginMarker)
			case end >= 0:
				return nil, fmt.Errorf("%s:%d: a second %q (the first is on line %d)", policyFile.Name, i+1, EndMarker, end+1)
			}
			end = i
		}
	}
	switch {
	case begin < 0:
		return nil, fmt.Errorf("%s: no %q line: put the binding's %s NotIn values between it and %q", policyFile.Name, BeginMarker, NamespaceNameLabel, EndMarker)
	case end < 0:
		return nil, fmt.Errorf("%s:%d: %q is not closed by %q", policyFile.Name, begin+1, BeginMarker, EndMarker)
	}
	eol := "\n"
	if strings.HasSuffix(lines[begin], "\r\n") {
		eol = "\r\n"
	}
	var b strings.Builder
	for _, l := range lines[:begin+1] {
		b.WriteString(l)
	}
	for _, ns := range namespaces {
		// Validated DNS labels: plain YAML scalars, no quoting needed.
		b.WriteString(indent + "- " + ns + eol)
	}
	for _, l := range lines[end:] {
		b.WriteString(l)
	}
	out := []byte(b.String())
	got, err := BindingExcludedNamespaces(out)
	if err != nil {
		return nil, fmt.Errorf("%s, as generated: %w", policyFile.Name, err)
	}
	if !slices.Equal(got, namespaces) {
		return nil, fmt.Errorf("%s, as generated: MutatingAdmissionPolicyBinding %s excludes %s, not the trusted namespaces %s: the markers must enclose exactly the values of its %s NotIn requirement",
			policyFile.Name, BindingName, list(got), list(namespaces), NamespaceNameLabel)
	}
	return out, nil
}

// BindingExcludedNamespaces reads the admission policy (a multi-document
// YAML file) and returns the values of the binding's
// kubernetes.io/metadata.name NotIn requirement: the namespaces the policy
// leaves alone.
func BindingExcludedNamespaces(data []byte) ([]string, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var bindings []admissionv1.MutatingAdmissionPolicyBinding
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		var meta struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return nil, err
		}
		if meta.Kind != "MutatingAdmissionPolicyBinding" {
			continue
		}
		var b admissionv1.MutatingAdmissionPolicyBinding
		if err := yaml.UnmarshalStrict(doc, &b); err != nil {
			return nil, fmt.Errorf("MutatingAdmissionPolicyBinding: %w", err)
		}
		if b.Name == BindingName {
			bindings = append(bindings, b)
		}
	}
	if len(bindings) != 1 {
		return nil, fmt.Errorf("want one MutatingAdmissionPolicyBinding %s, found %d", BindingName, len(bindings))
	}
	mr := bindings[0].Spec.MatchResources
	if mr == nil || mr.NamespaceSelector == nil {
		return nil, fmt.Errorf("MutatingAdmissionPolicyBinding %s has no spec.matchResources.namespaceSelector", BindingName)
	}
	sel := mr.NamespaceSelector
	var values []string
	n := 0
	for _, e := range sel.MatchExpressions {
		if e.Key == NamespaceNameLabel && e.Operator == "NotIn" {
			values = e.Values
			n++
		}
	}
	if n != 1 || len(sel.MatchLabels) > 0 || len(sel.MatchExpressions) != 1 {
		return nil, fmt.Errorf("MutatingAdmissionPolicyBinding %s: want a namespaceSelector of exactly one requirement, %s NotIn [trusted namespaces]", BindingName, NamespaceNameLabel)
	}
	return values, nil
}

// Diff is a unified-diff-like rendering of the lines that differ between the
// shipped and the generated file (one hunk with up to three lines of
// context), or "" when they are equal.
func Diff(name string, shipped, generated []byte) string {
	if bytes.Equal(shipped, generated) {
		return ""
	}
	a, b := splitLines(shipped), splitLines(generated)
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	const context = 3
	start := max(pre-context, 0)
	endA := min(len(a)-suf+context, len(a))
	endB := min(len(b)-suf+context, len(b))
	var s strings.Builder
	fmt.Fprintf(&s, "--- %s (shipped)\n+++ %s (generated)\n", name, name)
	fmt.Fprintf(&s, "@@ -%d,%d +%d,%d @@\n", start+1, endA-start, start+1, endB-start)
	line := func(prefix, l string) {
		s.WriteString(prefix + strings.TrimRight(l, "\r\n") + "\n")
	}
	for _, l := range a[start:pre] {
		line(" ", l)
	}
	for _, l := range a[pre : len(a)-suf] {
		line("-", l)
	}
	for _, l := range b[pre : len(b)-suf] {
		line("+", l)
	}
	for _, l := range a[len(a)-suf : endA] {
		line(" ", l)
	}
	return s.String()
}

// splitLines splits after each newline; a final newline ends the last line
// rather than starting an empty one.
func splitLines(data []byte) []string {
	lines := strings.SplitAfter(string(data), "\n")
	if len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// Options of Run. Paths are relative to Root.
type Options struct {
	// Root is the repository root ("." by default).
	Root string
	// Configs are the scheduler configurations (DefaultConfigs by default).
	Configs []string
	// Policy is the admission policy file (DefaultPolicy by default).
	Policy string
	// Check reports a stale policy instead of rewriting it.
	Check bool
}

// ErrStale is returned (wrapped, with the diff) by Run in check mode when the
// policy file is not what the configurations generate.
var ErrStale = errors.New("the admission policy is out of date")

// Run reads the configurations and the policy and rewrites the policy's
// generated block in place; in check mode it writes nothing and returns an
// error wrapping ErrStale, with a diff, when the file would change. changed
// says whether the file was (or, in check mode, would be) rewritten.
func Run(o Options) (changed bool, err error) {
	if o.Root == "" {
		o.Root = "."
	}
	if len(o.Configs) == 0 {
		o.Configs = DefaultConfigs
	}
	if o.Policy == "" {
		o.Policy = DefaultPolicy
	}
	read := func(name string) (File, error) {
		data, err := os.ReadFile(filepath.Join(o.Root, name))
		return File{Name: name, Data: data}, err
	}
	configs := make([]File, 0, len(o.Configs))
	for _, name := range o.Configs {
		f, err := read(name)
		if err != nil {
			return false, err
		}
		configs = append(configs, f)
	}
	namespaces, err := TrustedNamespaces(configs...)
	if err != nil {
		return false, err
	}
	pf, err := read(o.Policy)
	if err != nil {
		return false, err
	}
	out, err := Generate(pf, namespaces)
	if err != nil {
		return false, err
	}
	d := Diff(o.Policy, pf.Data, out)
	if d == "" {
		return false, nil
	}
	if o.Check {
		return true, fmt.Errorf("%w: %s must exclude exactly the trusted namespaces %s of %s; run `make manifests`:\n%s",
			ErrStale, o.Policy, list(namespaces), strings.Join(o.Configs, ", "), d)
	}
	path := filepath.Join(o.Root, o.Policy)
	info, err := os.Stat(path)
	if err != nil {
		return false, err
	}
	return true, os.WriteFile(path, out, info.Mode().Perm())
}
