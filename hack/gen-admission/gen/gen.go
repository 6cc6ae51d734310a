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

// Package gen keeps the admission policies in step with the scheduler
// configuration they must mirror. Each shipped policy leaves the trusted
// namespaces alone: its bindings' namespaceSelector excludes exactly the
// trusted namespaces of the shipped scheduler (the DaemonSet policy and the
// reserved-nodes and reserved-priority policies of manifests/admission, the
// pod-routing policy of manifests/admission-routing), and the
// reserved-priority policy refuses priorities at or above the policy's
// reservedPriority. It reads both from the policy (the HAPolicy entry) of
// each profile of the shipped KubeSchedulerConfiguration files, through
// pkg/policysource (the decoding, defaulting and validation the scheduler
// itself uses), and rewrites the blocks between the begin markers and
// EndMarker of each policy, leaving every other byte of the file as it is.
// hack/gen-admission is its command (`make manifests`); test/manifests runs
// it in check mode against the shipped files.
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
	"strconv"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// The markers around a generated block. Its lines are written with the
// indentation of the begin marker: BeginMarker's hold the trusted
// namespaces (the values of a binding's NotIn requirement), one list item a
// line; PriorityBeginMarker's the reservedPriority variable's expression.
const (
	BeginMarker         = "# BEGIN generated: trusted namespaces (make manifests)"
	PriorityBeginMarker = "# BEGIN generated: reserved priority (make manifests)"
	EndMarker           = "# END generated"
)

// The shipped files, relative to the repository root.
const (
	// DefaultPolicy is the DaemonSet admission policy.
	DefaultPolicy = "manifests/admission/daemonset-node-affinity.yaml"
	// DefaultRoutingPolicy is the pod-routing policy (secondary mode only).
	DefaultRoutingPolicy = "manifests/admission-routing/route-pods.yaml"
	// DefaultReservedNodesPolicy refuses pods of untrusted namespaces that
	// name a control-plane or infra node.
	DefaultReservedNodesPolicy = "manifests/admission/reserved-nodes.yaml"
	// DefaultReservedPriorityPolicy refuses pods of untrusted namespaces
	// that would out-rank the control plane.
	DefaultReservedPriorityPolicy = "manifests/admission/reserved-priority.yaml"
	// NamespaceNameLabel is set by the API server from a namespace's name.
	NamespaceNameLabel = "kubernetes.io/metadata.name"
)

// The kinds of the bindings whose namespaceSelector is generated.
const (
	MutatingBinding   = "MutatingAdmissionPolicyBinding"
	ValidatingBinding = "ValidatingAdmissionPolicyBinding"
)

// A Target is an admission policy whose bindings leave the trusted
// namespaces alone: the values of each binding's namespaceSelector
// NamespaceNameLabel NotIn requirement are a generated block, one block per
// binding, in the order of Bindings.
type Target struct {
	// File is the policy file, relative to the root (messages name it).
	File string
	// Kind is the kind of the bindings (MutatingBinding, ValidatingBinding).
	Kind string
	// Bindings are the names of the bindings whose namespace selectors are
	// the blocks.
	Bindings []string
	// OptIn: the selector also has matchLabels, the label a namespace opts
	// in with (the routing policy). The NotIn values are then the namespaces
	// never selected, even when labelled. Without OptIn the selector must be
	// the NotIn requirement alone: anything else would exclude namespaces
	// the scheduler does not trust.
	OptIn bool
	// PriorityPolicy, when set, names the ValidatingAdmissionPolicy of the
	// file whose variable PriorityVariable is generated from
	// reservedPriority (a PriorityBeginMarker block around its expression).
	PriorityPolicy string
}

// PriorityVariable is the variable of the reserved-priority policy that
// holds the policy's reservedPriority.
const PriorityVariable = "reservedPriority"

// The shipped targets. All exclude the same list, the trusted namespaces:
// the DaemonSet, reserved-nodes and reserved-priority policies because
// those namespaces' pods may run on control-plane and infra nodes, with the
// control plane's priorities; the routing policy because ha-scheduler's
// own namespace (kube-system, a trusted namespace, in manifests/secondary)
// and what it needs in order to run must never be routed to it.
var (
	DaemonSetPolicy = Target{File: DefaultPolicy, Kind: MutatingBinding, Bindings: []string{"ha-scheduler-daemonset-node-affinity"}}
	RoutingPolicy   = Target{File: DefaultRoutingPolicy, Kind: MutatingBinding, Bindings: []string{"ha-scheduler-route-pods"}, OptIn: true}
	// ReservedNodesPolicy has one binding per role label (a label selector
	// cannot OR two keys).
	ReservedNodesPolicy = Target{File: DefaultReservedNodesPolicy, Kind: ValidatingBinding, Bindings: []string{
		"ha-scheduler-reserved-nodes-control-plane", "ha-scheduler-reserved-nodes-master", "ha-scheduler-reserved-nodes-infra",
	}}
	ReservedPriorityPolicy = Target{File: DefaultReservedPriorityPolicy, Kind: ValidatingBinding,
		Bindings: []string{"ha-scheduler-reserved-priority"}, PriorityPolicy: "ha-scheduler-reserved-priority"}
)

// bindingsText names the target's bindings for a message:
// "MutatingAdmissionPolicyBinding a" or "ValidatingAdmissionPolicyBindings a, b".
func (t Target) bindingsText() string {
	if len(t.Bindings) == 1 {
		return t.Kind + " " + t.Bindings[0]
	}
	return t.Kind + "s " + strings.Join(t.Bindings, ", ")
}

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
	beginRE         = regexp.MustCompile(`^([ \t]*)` + regexp.QuoteMeta(BeginMarker) + `[ \t]*$`)
	priorityBeginRE = regexp.MustCompile(`^([ \t]*)` + regexp.QuoteMeta(PriorityBeginMarker) + `[ \t]*$`)
	endRE           = regexp.MustCompile(`^[ \t]*` + regexp.QuoteMeta(EndMarker) + `[ \t]*$`)
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
	src      Source
	ns       []string
	priority int32
}

// readConfig returns the trusted namespaces and the reserved priority of
// every profile of one configuration file that enables an ha-scheduler
// plugin, read as the scheduler reads them (pkg/policysource).
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
		priority := config.DefaultReservedPriority
		if r.Args.ReservedPriority != nil {
			priority = *r.Args.ReservedPriority
		}
		out = append(out, found{
			src:      Source{File: f.Name, Profile: r.Profile, Defaulted: !r.Written},
			ns:       r.Args.TrustedNamespaces,
			priority: priority,
		})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Values are what the policies are generated from.
type Values struct {
	// TrustedNamespaces are the namespaces every binding leaves alone.
	TrustedNamespaces []string
	// ReservedPriority is the policy's reservedPriority.
	ReservedPriority int32
}

// ReadValues returns the trusted namespaces and the reserved priority the
// configuration files agree on. Every profile of every file that enables an
// ha-scheduler plugin must have the same list, in the same order, and the
// same reserved priority (one admission policy serves every file), or the
// error names each file and profile that differs from the first.
func ReadValues(configs ...File) (Values, error) {
	if len(configs) == 0 {
		return Values{}, errors.New("no scheduler configuration given")
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
		return Values{}, errors.Join(errs...)
	}
	first := all[0]
	for _, f := range all[1:] {
		if !slices.Equal(f.ns, first.ns) {
			errs = append(errs, fmt.Errorf("%s: trustedNamespaces %s, but %s: %s",
				f.src, list(f.ns), first.src, list(first.ns)))
		}
	}
	if len(errs) > 0 {
		return Values{}, fmt.Errorf("the scheduler configurations disagree on the trusted namespaces; make every profile trust the same namespaces:\n%w", errors.Join(errs...))
	}
	for _, f := range all[1:] {
		if f.priority != first.priority {
			errs = append(errs, fmt.Errorf("%s: reservedPriority %d, but %s: %d", f.src, f.priority, first.src, first.priority))
		}
	}
	if len(errs) > 0 {
		return Values{}, fmt.Errorf("the scheduler configurations disagree on the reserved priority; give every profile the same reservedPriority:\n%w", errors.Join(errs...))
	}
	return Values{TrustedNamespaces: first.ns, ReservedPriority: first.priority}, nil
}

// TrustedNamespaces returns the trusted namespaces the configuration files
// agree on (ReadValues).
func TrustedNamespaces(configs ...File) ([]string, error) {
	v, err := ReadValues(configs...)
	return v.TrustedNamespaces, err
}

func list(ns []string) string { return "[" + strings.Join(ns, ", ") + "]" }

// block is one generated block of a policy file: the lines strictly between
// its markers, by index.
type block struct {
	begin, end int
	indent     string
	priority   bool
}

// blocks finds the generated blocks of a file, in order. Markers out of
// order (an end before a begin, a begin inside an open block, a begin never
// closed) are errors naming the line.
func blocks(name string, lines []string) ([]block, error) {
	var out []block
	open := -1
	var cur block
	for i, l := range lines {
		text := strings.TrimRight(l, "\r\n")
		m := beginRE.FindStringSubmatch(text)
		pm := priorityBeginRE.FindStringSubmatch(text)
		switch {
		case m != nil || pm != nil:
			if open >= 0 {
				return nil, fmt.Errorf("%s:%d: a second %q (the first is on line %d)", name, i+1, strings.TrimSpace(text), open+1)
			}
			open = i
			cur = block{begin: i, priority: pm != nil}
			if m != nil {
				cur.indent = m[1]
			} else {
				cur.indent = pm[1]
			}
		case endRE.MatchString(text):
			if open < 0 {
				return nil, fmt.Errorf("%s:%d: %q before %q", name, i+1, EndMarker, BeginMarker)
			}
			cur.end = i
			out = append(out, cur)
			open = -1
		}
	}
	if open >= 0 {
		return nil, fmt.Errorf("%s:%d: %q is not closed by %q", name, open+1, strings.TrimSpace(strings.TrimRight(lines[open], "\r\n")), EndMarker)
	}
	return out, nil
}

// checkBlocks fails unless the file has one trusted-namespaces block per
// binding and, for a priority target, one reserved-priority block.
func (t Target) checkBlocks(name string, bs []block) error {
	var ns, prio []block
	for _, b := range bs {
		if b.priority {
			prio = append(prio, b)
		} else {
			ns = append(ns, b)
		}
	}
	switch {
	case len(ns) == 0:
		return fmt.Errorf("%s: no %q line: put the values of %s %s's %s NotIn requirement between it and %q", name, BeginMarker, t.Kind, t.Bindings[0], NamespaceNameLabel, EndMarker)
	case len(ns) > len(t.Bindings) && len(t.Bindings) == 1:
		return fmt.Errorf("%s:%d: a second %q (the first is on line %d)", name, ns[1].begin+1, BeginMarker, ns[0].begin+1)
	case len(ns) != len(t.Bindings):
		return fmt.Errorf("%s: %d %q blocks, want one per binding: %s", name, len(ns), BeginMarker, t.bindingsText())
	}
	switch {
	case t.PriorityPolicy == "" && len(prio) > 0:
		return fmt.Errorf("%s:%d: %q in a policy that has no %s variable", name, prio[0].begin+1, PriorityBeginMarker, PriorityVariable)
	case t.PriorityPolicy != "" && len(prio) != 1:
		return fmt.Errorf("%s: %d %q blocks, want one, around the expression of variable %s of ValidatingAdmissionPolicy %s", name, len(prio), PriorityBeginMarker, PriorityVariable, t.PriorityPolicy)
	}
	return nil
}

// Generate returns the policy file with each generated block rewritten:
// the trusted namespaces, one list item per line, and the reserved
// priority's expression, each indented as its begin marker; every other
// byte is kept. It fails when the markers are missing, repeated or out of
// order, or when the result's bindings do not exclude exactly those
// namespaces (or the priority variable is not the value): markers that are
// not around the bindings' values.
func (t Target) Generate(policyFile File, v Values) ([]byte, error) {
	if len(v.TrustedNamespaces) == 0 {
		return nil, fmt.Errorf("%s: no trusted namespaces to write", policyFile.Name)
	}
	lines := strings.SplitAfter(string(policyFile.Data), "\n")
	bs, err := blocks(policyFile.Name, lines)
	if err != nil {
		return nil, err
	}
	if err := t.checkBlocks(policyFile.Name, bs); err != nil {
		return nil, err
	}
	var b strings.Builder
	next := 0
	for _, bl := range bs {
		eol := "\n"
		if strings.HasSuffix(lines[bl.begin], "\r\n") {
			eol = "\r\n"
		}
		for _, l := range lines[next : bl.begin+1] {
			b.WriteString(l)
		}
		if bl.priority {
			fmt.Fprintf(&b, "%sexpression: \"%d\"%s", bl.indent, v.ReservedPriority, eol)
		} else {
			for _, ns := range v.TrustedNamespaces {
				// Validated DNS labels: plain YAML scalars, no quoting needed.
				b.WriteString(bl.indent + "- " + ns + eol)
			}
		}
		next = bl.end
	}
	for _, l := range lines[next:] {
		b.WriteString(l)
	}
	out := []byte(b.String())
	generated := File{Name: policyFile.Name + ", as generated", Data: out}
	got, err := t.ExcludedNamespaces(generated)
	if err != nil {
		return nil, err
	}
	if !slices.Equal(got, v.TrustedNamespaces) {
		return nil, fmt.Errorf("%s, as generated: %s excludes %s, not the trusted namespaces %s: the markers must enclose exactly the values of its %s NotIn requirement",
			policyFile.Name, t.bindingsText(), list(got), list(v.TrustedNamespaces), NamespaceNameLabel)
	}
	if t.PriorityPolicy != "" {
		got, err := t.ReservedPriority(generated)
		if err != nil {
			return nil, err
		}
		if got != v.ReservedPriority {
			return nil, fmt.Errorf("%s, as generated: variable %s of ValidatingAdmissionPolicy %s is %d, not the reserved priority %d: the markers must enclose exactly its expression",
				policyFile.Name, PriorityVariable, t.PriorityPolicy, got, v.ReservedPriority)
		}
	}
	return out, nil
}

// documents returns the YAML documents of a multi-document file with their
// kind.
func documents(f File) ([]struct {
	kind string
	data []byte
}, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(f.Data)))
	var out []struct {
		kind string
		data []byte
	}
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
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
		out = append(out, struct {
			kind string
			data []byte
		}{meta.Kind, doc})
	}
}

// namespaceSelectors returns the namespaceSelector of each binding of the
// target's kind in the file, by binding name (nil when a binding has none),
// decoded strictly as that kind.
func (t Target) namespaceSelectors(f File) (map[string][]*metav1.LabelSelector, error) {
	docs, err := documents(f)
	if err != nil {
		return nil, err
	}
	out := map[string][]*metav1.LabelSelector{}
	for _, d := range docs {
		if d.kind != t.Kind {
			continue
		}
		var name string
		var mr *admissionv1.MatchResources
		switch t.Kind {
		case MutatingBinding:
			var b admissionv1.MutatingAdmissionPolicyBinding
			if err := yaml.UnmarshalStrict(d.data, &b); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", f.Name, t.Kind, err)
			}
			name, mr = b.Name, b.Spec.MatchResources
		case ValidatingBinding:
			var b admissionv1.ValidatingAdmissionPolicyBinding
			if err := yaml.UnmarshalStrict(d.data, &b); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", f.Name, t.Kind, err)
			}
			name, mr = b.Name, b.Spec.MatchResources
		default:
			return nil, fmt.Errorf("%s: unknown binding kind %q", f.Name, t.Kind)
		}
		var sel *metav1.LabelSelector
		if mr != nil {
			sel = mr.NamespaceSelector
		}
		out[name] = append(out[name], sel)
	}
	return out, nil
}

// ExcludedNamespaces reads the policy file (a multi-document YAML file) and
// returns the values of its bindings' kubernetes.io/metadata.name NotIn
// requirement: the namespaces the policy leaves alone, which every binding
// of the target must exclude alike. Errors name the file, the binding and
// the field.
func (t Target) ExcludedNamespaces(f File) ([]string, error) {
	selectors, err := t.namespaceSelectors(f)
	if err != nil {
		return nil, err
	}
	var first []string
	for i, name := range t.Bindings {
		values, err := t.excluded(f, name, selectors[name])
		if err != nil {
			return nil, err
		}
		if i == 0 {
			first = values
		} else if !slices.Equal(values, first) {
			return nil, fmt.Errorf("%s: %s %s excludes %s, but %s excludes %s: every binding must exclude the trusted namespaces",
				f.Name, t.Kind, name, list(values), t.Bindings[0], list(first))
		}
	}
	return first, nil
}

// excluded checks one binding's namespaceSelector and returns its NotIn
// values.
func (t Target) excluded(f File, binding string, found []*metav1.LabelSelector) ([]string, error) {
	if len(found) != 1 {
		return nil, fmt.Errorf("%s: want one %s %s, found %d", f.Name, t.Kind, binding, len(found))
	}
	sel := found[0]
	if sel == nil {
		return nil, fmt.Errorf("%s: %s %s has no spec.matchResources.namespaceSelector", f.Name, t.Kind, binding)
	}
	var values []string
	n := 0
	for _, e := range sel.MatchExpressions {
		if e.Key == NamespaceNameLabel && e.Operator == "NotIn" {
			values = e.Values
			n++
		}
	}
	if n != 1 || len(sel.MatchExpressions) != 1 {
		return nil, fmt.Errorf("%s: %s %s: want spec.matchResources.namespaceSelector.matchExpressions of exactly one requirement, %s NotIn [trusted namespaces]", f.Name, t.Kind, binding, NamespaceNameLabel)
	}
	switch {
	case !t.OptIn && len(sel.MatchLabels) > 0:
		return nil, fmt.Errorf("%s: %s %s: want no spec.matchResources.namespaceSelector.matchLabels: the policy applies to every namespace but the trusted ones", f.Name, t.Kind, binding)
	case t.OptIn && len(sel.MatchLabels) == 0:
		return nil, fmt.Errorf("%s: %s %s: want spec.matchResources.namespaceSelector.matchLabels, the label namespaces opt in with: without it the policy applies to every namespace but the trusted ones", f.Name, t.Kind, binding)
	}
	return values, nil
}

// ReservedPriority reads the reserved-priority policy of the file and
// returns the value of its PriorityVariable (an integer literal).
func (t Target) ReservedPriority(f File) (int32, error) {
	docs, err := documents(f)
	if err != nil {
		return 0, err
	}
	var found []admissionv1.ValidatingAdmissionPolicy
	for _, d := range docs {
		if d.kind != "ValidatingAdmissionPolicy" {
			continue
		}
		var p admissionv1.ValidatingAdmissionPolicy
		if err := yaml.UnmarshalStrict(d.data, &p); err != nil {
			return 0, fmt.Errorf("%s: ValidatingAdmissionPolicy: %w", f.Name, err)
		}
		if p.Name == t.PriorityPolicy {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		return 0, fmt.Errorf("%s: want one ValidatingAdmissionPolicy %s, found %d", f.Name, t.PriorityPolicy, len(found))
	}
	for _, v := range found[0].Spec.Variables {
		if v.Name != PriorityVariable {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v.Expression), 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%s: ValidatingAdmissionPolicy %s: variable %s: want an integer literal, the reserved priority: %w", f.Name, t.PriorityPolicy, PriorityVariable, err)
		}
		return int32(n), nil
	}
	return 0, fmt.Errorf("%s: ValidatingAdmissionPolicy %s has no variable %s", f.Name, t.PriorityPolicy, PriorityVariable)
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
	// pod-routing policy file, ReservedNodesPolicy and
	// ReservedPriorityPolicy those policies' files. With none set, Run
	// generates every shipped file; with some set, only those, so that an
	// operator's own copy of one policy is generated without rewriting the
	// shipped others.
	Policy                 string
	RoutingPolicy          string
	ReservedNodesPolicy    string
	ReservedPriorityPolicy string
	// Check reports a stale policy instead of rewriting it.
	Check bool
}

// Targets are the policies Run generates, with the files o names.
func (o Options) Targets() []Target {
	all := []struct {
		target Target
		file   string
	}{
		{DaemonSetPolicy, o.Policy},
		{RoutingPolicy, o.RoutingPolicy},
		{ReservedNodesPolicy, o.ReservedNodesPolicy},
		{ReservedPriorityPolicy, o.ReservedPriorityPolicy},
	}
	var named, shipped []Target
	for _, a := range all {
		shipped = append(shipped, a.target)
		if a.file != "" {
			t := a.target
			t.File = a.file
			named = append(named, t)
		}
	}
	if len(named) == 0 {
		return shipped
	}
	return named
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
	values, err := ReadValues(configs...)
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
		out, err := t.Generate(pf, values)
		if err != nil {
			return nil, err
		}
		d := Diff(t.File, pf.Data, out)
		if d == "" {
			continue
		}
		changed = append(changed, t.File)
		results = append(results, result{t, out})
		priority := ""
		if t.PriorityPolicy != "" {
			priority = fmt.Sprintf(", and refuse priorities from their reservedPriority %d (ValidatingAdmissionPolicy %s, variable %s)",
				values.ReservedPriority, t.PriorityPolicy, PriorityVariable)
		}
		stale = append(stale, fmt.Errorf("%w: %s must exclude exactly the trusted namespaces %s of %s (%s, spec.matchResources.namespaceSelector %s NotIn)%s; run `make manifests`:\n%s",
			ErrStale, t.File, list(values.TrustedNamespaces), strings.Join(o.Configs, ", "), t.bindingsText(), NamespaceNameLabel, priority, d))
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
