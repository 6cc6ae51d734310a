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
// mirror: it reads trustedNamespaces from the ha-scheduler plugins' args of
// the shipped KubeSchedulerConfiguration files, with the decoding, defaulting
// and validation the scheduler itself uses, and rewrites the block between
// the BeginMarker and EndMarker comments of the policy, leaving every other
// byte of the file as it is. hack/gen-admission is its command (`make
// manifests`); test/manifests runs it in check mode against the shipped files.
package gen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
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
	Plugin  string
	// Defaulted: the plugin has no trustedNamespaces in its args (or no
	// args at all) and so runs with the default.
	Defaulted bool
}

func (s Source) String() string {
	out := fmt.Sprintf("%s: profile %q, plugin %s", s.File, s.Profile, s.Plugin)
	if s.Defaulted {
		out += " (not set: default)"
	}
	return out
}

// schedulerConfig is the part of a KubeSchedulerConfiguration read here.
type schedulerConfig struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Profiles   []profile `json:"profiles"`
}

type profile struct {
	SchedulerName string               `json:"schedulerName"`
	Plugins       map[string]pluginSet `json:"plugins"`
	PluginConfig  []pluginConfigEntry  `json:"pluginConfig"`
}

type pluginSet struct {
	Enabled []struct {
		Name string `json:"name"`
	} `json:"enabled"`
}

type pluginConfigEntry struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args"`
}

// ourPlugins are the plugins whose args carry the policy.
var ourPlugins = []string{config.WorkloadSeparationName, config.FailureDomainSpreadName, config.DisruptionGuardName}

// loadPolicy decodes, defaults and validates one plugin's args as the
// scheduler does and returns their policy part.
func loadPolicy(plugin string, raw json.RawMessage, path *field.Path) (*config.PolicyArgs, error) {
	var obj runtime.Object
	if len(raw) > 0 {
		obj = &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON}
	}
	var pa *config.PolicyArgs
	switch plugin {
	case config.WorkloadSeparationName:
		a, err := validation.LoadWorkloadSeparationArgs(obj, path)
		if err != nil {
			return nil, err
		}
		pa = &a.PolicyArgs
	case config.FailureDomainSpreadName:
		a, err := validation.LoadFailureDomainSpreadArgs(obj, path)
		if err != nil {
			return nil, err
		}
		pa = &a.PolicyArgs
	case config.DisruptionGuardName:
		a, err := validation.LoadDisruptionGuardArgs(obj, path)
		if err != nil {
			return nil, err
		}
		pa = &a.PolicyArgs
	default:
		return nil, fmt.Errorf("%s is not an ha-scheduler plugin", plugin)
	}
	return pa, nil
}

// checkWorkersOnly fails when the policy lets user workloads onto
// control-plane or infra nodes. The admission policy gives every DaemonSet
// of an untrusted namespace an affinity that excludes those nodes: with such
// a policy (a compact cluster) it would keep DaemonSets off nodes the
// scheduler allows them, e.g. off every node of a three-node compact cluster.
func checkWorkersOnly(pa *config.PolicyArgs) error {
	p, err := pa.Policy()
	if err != nil {
		return err
	}
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

// hasTrustedNamespaces says whether args set trustedNamespaces themselves.
func hasTrustedNamespaces(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil {
		return false
	}
	_, ok := m["trustedNamespaces"]
	return ok
}

type found struct {
	src Source
	ns  []string
}

// readConfig returns the trusted namespaces of every ha-scheduler plugin of
// every profile of one configuration file: those with args, and those
// enabled without args (they run with the default policy).
func readConfig(f File) ([]found, error) {
	var cfg schedulerConfig
	if err := yaml.Unmarshal(f.Data, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	if cfg.Kind != "KubeSchedulerConfiguration" {
		return nil, fmt.Errorf("%s: kind is %q, want KubeSchedulerConfiguration", f.Name, cfg.Kind)
	}
	var out []found
	var errs []error
	for i, prof := range cfg.Profiles {
		name := prof.SchedulerName
		if name == "" {
			name = "default-scheduler"
		}
		configured := map[string]bool{}
		for j, pc := range prof.PluginConfig {
			if !slices.Contains(ourPlugins, pc.Name) {
				continue
			}
			configured[pc.Name] = true
			path := field.NewPath("profiles").Index(i).Child("pluginConfig").Index(j).Child("args")
			pa, err := loadPolicy(pc.Name, pc.Args, path)
			if err == nil {
				err = checkWorkersOnly(pa)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: profile %q, plugin %s: %w", f.Name, name, pc.Name, err))
				continue
			}
			out = append(out, found{
				src: Source{File: f.Name, Profile: name, Plugin: pc.Name, Defaulted: !hasTrustedNamespaces(pc.Args)},
				ns:  pa.TrustedNamespaces,
			})
		}
		// Extension points in a fixed order, so messages are stable.
		points := make([]string, 0, len(prof.Plugins))
		for point := range prof.Plugins {
			points = append(points, point)
		}
		slices.Sort(points)
		for _, point := range points {
			for _, p := range prof.Plugins[point].Enabled {
				if !slices.Contains(ourPlugins, p.Name) || configured[p.Name] {
					continue
				}
				configured[p.Name] = true
				out = append(out, found{
					src: Source{File: f.Name, Profile: name, Plugin: p.Name, Defaulted: true},
					ns:  []string{policy.DefaultTrustedNamespace},
				})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no profile enables or configures %s: nothing to take the trusted namespaces from", f.Name, strings.Join(ourPlugins, ", "))
	}
	return out, nil
}

// TrustedNamespaces returns the trusted namespaces the configuration files
// agree on. Every ha-scheduler plugin of every profile of every file must
// have the same list, in the same order (start-up validation already
// requires it within a profile; one admission policy serves every file), or
// the error names each file, profile and plugin that differs from the first.
// A plugin without trustedNamespaces has policy.DefaultTrustedNamespace.
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
		return nil, fmt.Errorf("the scheduler configurations disagree on the trusted namespaces; make every plugin of every profile trust the same namespaces:\n%w", errors.Join(errs...))
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
