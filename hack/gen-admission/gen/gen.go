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

// Package gen keeps the namespaces the admission policies leave alone in
// step with the scheduler configuration they must mirror: the DaemonSet
// admission policy (manifests/admission) and the pod-routing policy
// (manifests/admission-routing) each exclude, in their binding's
// namespaceSelector, exactly the trusted namespaces of the shipped
// scheduler. It reads trustedNamespaces from the policy (the HAPolicy entry)
// of each profile of the shipped KubeSchedulerConfiguration files, through
// pkg/policysource (the decoding, defaulting and validation the scheduler
// itself uses), and rewrites the block between the BeginMarker and
// EndMarker comments of each policy, leaving every other byte of the file as
// it is. hack/gen-admission is its command (`make manifests`);
// test/manifests runs it in check mode against the shipped files.
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

// The markers around the generated list in an admission policy. The list
// items are written with the indentation of BeginMarker.
const (
	BeginMarker = "# BEGIN generated: trusted namespaces (make manifests)"
	EndMarker   = "# END generated"
)

// The shipped files, relative to the repository root.
const (
	// DefaultPolicy is the DaemonSet admission policy.
	DefaultPolicy = "manifests/admission/daemonset-node-affinity.yaml"
	// DefaultRoutingPolicy is the pod-routing policy (secondary mode only).
	DefaultRoutingPolicy = "manifests/admission-routing/route-pods.yaml"
	// NamespaceNameLabel is set by the API server from a namespace's name.
	NamespaceNameLabel = "kubernetes.io/metadata.name"
)

// A Target is an admission policy whose MutatingAdmissionPolicyBinding
// leaves the trusted namespaces alone: the values of its namespaceSelector's
// NamespaceNameLabel NotIn requirement are the generated block.
type Target struct {
	// File is the policy file, relative to the root (messages name it).
	File string
	// Binding is the name of the MutatingAdmissionPolicyBinding whose
	// namespace selector the block is.
	Binding string
	// OptIn: the selector also has matchLabels, the label a namespace opts
	// in with (the routing policy). The NotIn values are then the namespaces
	// never selected, even when labelled. Without OptIn the selector must be
	// the NotIn requirement alone: anything else would exclude namespaces
	// the scheduler does not trust.
	OptIn bool
}

// The shipped targets. Both exclude the same list, the trusted namespaces:
// the DaemonSet policy because those namespaces' DaemonSets may run on
// control-plane and infra nodes; the routing policy because ha-scheduler's
// own namespace (kube-system, a trusted namespace, in manifests/secondary)
// and what it needs in order to run must never be routed to it.
var (
	DaemonSetPolicy = Target{File: DefaultPolicy, Binding: "ha-scheduler-daemonset-node-affinity"}
	RoutingPolicy   = Target{File: DefaultRoutingPolicy, Binding: "ha-scheduler-route-pods", OptIn: true}
)

// DefaultConfigs are the shipped scheduler configurations: the secondary
// scheduler's and the replacement's. Both must trust the same namespaces,
// since one DaemonSet admission policy serves either mode. The routing
// policy serves the secondary mode only; it is generated from the same
// list, which the two files agree on, so that there is one source of truth.
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

// Generate returns the policy file with the block between the markers
// replaced by namespaces, one list item per line, indented as BeginMarker;
// every other byte is kept. It fails when the markers are missing, repeated
// or out of order, or when the result's binding does not exclude exactly
// those namespaces (markers that are not around the binding's values).
func (t Target) Generate(policyFile File, namespaces []string) ([]byte, error) {
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
		return nil, fmt.Errorf("%s: no %q line: put the values of MutatingAdmissionPolicyBinding %s's %s NotIn requirement between it and %q", policyFile.Name, BeginMarker, t.Binding, NamespaceNameLabel, EndMarker)
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
	got, err := t.ExcludedNamespaces(File{Name: policyFile.Name + ", as generated", Data: out})
	if err != nil {
		return nil, err
	}
	if !slices.Equal(got, namespaces) {
		return nil, fmt.Errorf("%s, as generated: MutatingAdmissionPolicyBinding %s excludes %s, not the trusted namespaces %s: the markers must enclose exactly the values of its %s NotIn requirement",
			policyFile.Name, t.Binding, list(got), list(namespaces), NamespaceNameLabel)
	}
	return out, nil
}

// ExcludedNamespaces reads the policy file (a multi-document YAML file) and
// returns the values of its binding's kubernetes.io/metadata.name NotIn
// requirement: the namespaces the policy leaves alone. Errors name the file,
// the binding and the field.
func (t Target) ExcludedNamespaces(f File) ([]string, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(f.Data)))
	var bindings []admissionv1.MutatingAdmissionPolicyBinding
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		var meta struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		if meta.Kind != "MutatingAdmissionPolicyBinding" {
			continue
		}
		var b admissionv1.MutatingAdmissionPolicyBinding
		if err := yaml.UnmarshalStrict(doc, &b); err != nil {
			return nil, fmt.Errorf("%s: MutatingAdmissionPolicyBinding: %w", f.Name, err)
		}
		if b.Name == t.Binding {
			bindings = append(bindings, b)
		}
	}
	if len(bindings) != 1 {
		return nil, fmt.Errorf("%s: want one MutatingAdmissionPolicyBinding %s, found %d", f.Name, t.Binding, len(bindings))
	}
	mr := bindings[0].Spec.MatchResources
	if mr == nil || mr.NamespaceSelector == nil {
		return nil, fmt.Errorf("%s: MutatingAdmissionPolicyBinding %s has no spec.matchResources.namespaceSelector", f.Name, t.Binding)
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
	if n != 1 || len(sel.MatchExpressions) != 1 {
		return nil, fmt.Errorf("%s: MutatingAdmissionPolicyBinding %s: want spec.matchResources.namespaceSelector.matchExpressions of exactly one requirement, %s NotIn [trusted namespaces]", f.Name, t.Binding, NamespaceNameLabel)
	}
	switch {
	case !t.OptIn && len(sel.MatchLabels) > 0:
		return nil, fmt.Errorf("%s: MutatingAdmissionPolicyBinding %s: want no spec.matchResources.namespaceSelector.matchLabels: the policy applies to every namespace but the trusted ones", f.Name, t.Binding)
	case t.OptIn && len(sel.MatchLabels) == 0:
		return nil, fmt.Errorf("%s: MutatingAdmissionPolicyBinding %s: want spec.matchResources.namespaceSelector.matchLabels, the label namespaces opt in with: without it the policy applies to every namespace but the trusted ones", f.Name, t.Binding)
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
	// Policy is the DaemonSet admission policy file, RoutingPolicy the
	// pod-routing policy file. With neither set, Run generates both shipped
	// files; with one set, only that one, so that an operator's own copy of
	// one policy is generated without rewriting the shipped other one.
	Policy        string
	RoutingPolicy string
	// Check reports a stale policy instead of rewriting it.
	Check bool
}

// Targets are the policies Run generates, with the files o names.
func (o Options) Targets() []Target {
	if o.Policy == "" && o.RoutingPolicy == "" {
		return []Target{DaemonSetPolicy, RoutingPolicy}
	}
	var ts []Target
	if o.Policy != "" {
		t := DaemonSetPolicy
		t.File = o.Policy
		ts = append(ts, t)
	}
	if o.RoutingPolicy != "" {
		t := RoutingPolicy
		t.File = o.RoutingPolicy
		ts = append(ts, t)
	}
	return ts
}

// ErrStale is returned (wrapped, with the diff) by Run in check mode when a
// policy file is not what the configurations generate.
var ErrStale = errors.New("the admission policy is out of date")

// Run reads the configurations and the policies (o.Targets) and rewrites
// each policy's generated block in place; in check mode it writes nothing
// and returns an error wrapping ErrStale, with a diff for each stale file,
// when a file would change. changed names the files that were (or, in check
// mode, would be) rewritten. Nothing is written unless every policy
// generates.
func Run(o Options) (changed []string, err error) {
	if o.Root == "" {
		o.Root = "."
	}
	if len(o.Configs) == 0 {
		o.Configs = DefaultConfigs
	}
	read := func(name string) (File, error) {
		data, err := os.ReadFile(filepath.Join(o.Root, name))
		return File{Name: name, Data: data}, err
	}
	configs := make([]File, 0, len(o.Configs))
	for _, name := range o.Configs {
		f, err := read(name)
		if err != nil {
			return nil, err
		}
		configs = append(configs, f)
	}
	namespaces, err := TrustedNamespaces(configs...)
	if err != nil {
		return nil, err
	}
	type result struct {
		t   Target
		out []byte
	}
	var results []result
	var stale []error
	for _, t := range o.Targets() {
		pf, err := read(t.File)
		if err != nil {
			return nil, err
		}
		out, err := t.Generate(pf, namespaces)
		if err != nil {
			return nil, err
		}
		d := Diff(t.File, pf.Data, out)
		if d == "" {
			continue
		}
		changed = append(changed, t.File)
		results = append(results, result{t, out})
		stale = append(stale, fmt.Errorf("%w: %s must exclude exactly the trusted namespaces %s of %s (MutatingAdmissionPolicyBinding %s, spec.matchResources.namespaceSelector %s NotIn); run `make manifests`:\n%s",
			ErrStale, t.File, list(namespaces), strings.Join(o.Configs, ", "), t.Binding, NamespaceNameLabel, d))
	}
	if o.Check {
		return changed, errors.Join(stale...)
	}
	for _, r := range results {
		path := filepath.Join(o.Root, r.t.File)
		info, err := os.Stat(path)
		if err != nil {
			return changed, err
		}
		if err := os.WriteFile(path, r.out, info.Mode().Perm()); err != nil {
			return changed, err
		}
	}
	return changed, nil
}
