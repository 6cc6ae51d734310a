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

package checker

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The label GeneratePDBs puts on every PodDisruptionBudget it generates:
// app.kubernetes.io/managed-by=ha-check. A budget with it is one ha-check
// may replace (same name) or call obsolete (PDBPlan.Obsolete); every other
// budget is the administrator's.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedBy      = "ha-check"
)

// PDBPlan is what GeneratePDBs proposes: the budgets to apply, the groups
// that get none and why, and the budgets ha-check generated earlier that
// nothing generates any more.
type PDBPlan struct {
	// PDBs are the budgets to apply, in namespace and name order.
	PDBs []GeneratedPDB `json:"pdbs"`
	// Skipped are the disruption-controlled groups with pods that get no
	// budget, in group order.
	Skipped []SkippedGroup `json:"skipped,omitempty"`
	// Obsolete are budgets labelled ManagedByLabel=ManagedBy that are not
	// among PDBs ("namespace/name"): delete them. Left in place, one may
	// select the same pods as a new budget, and the eviction API refuses to
	// evict a pod that two budgets select.
	Obsolete []string `json:"obsolete,omitempty"`
}

// GeneratedPDB is a budget GeneratePDBs makes, with the group it protects.
type GeneratedPDB struct {
	// Group names the disruption-controlled group as the report does:
	// "kube-system/etcd (StatefulSet etcd-events)".
	Group string `json:"group"`
	// PodDisruptionBudget is ready to apply: TypeMeta set, no status.
	PodDisruptionBudget policyv1.PodDisruptionBudget `json:"podDisruptionBudget"`
}

// SkippedGroup is a disruption-controlled group GeneratePDBs makes no
// budget for.
type SkippedGroup struct {
	Group  string `json:"group"`
	Reason string `json:"reason"`
}

// GeneratePDBs returns the PodDisruptionBudgets that give every
// disruption-controlled group with pods the policy's minimum against the
// eviction API (kubectl drain, the cluster autoscaler), as DisruptionGuard
// gives it against preemption: one budget per group (policy.DisruptionGroup:
// one component, one namespace, one owner), in the group's namespace, with
// minAvailable the group's minimum of its desired size (for quorum, ⌊n/2⌋+1
// of the desired size n) and unhealthyPodEvictionPolicy AlwaysAllow
// (evicting a replica that is not Ready never lowers what is available; the
// guard lets such a pod go too).
//
// The selector must select exactly the group's pods in its namespace, or the
// budget would count other pods as healthy replicas (and an eviction of a
// pod that two budgets select fails outright). A component's selectors are
// ORed, which no single label selector can express, and one component may
// have several groups; so the candidates are, first that selects exactly
// the group's current pods: the component's selector when it has only one,
// the owner's selector (a StatefulSet's; a Deployment's, its ReplicaSets'
// without pod-template-hash), and the labels all the group's pods share
// (less the per-pod and per-revision ones). With none exact, the group is
// skipped and the reason says what each candidate selects.
//
// Also skipped:
//   - groups of static pods only: the kubelet owns them. kubectl drain skips
//     mirror pods, and deleting a mirror pod through the API (which an
//     eviction does) stops nothing, the kubelet recreates it; no budget can
//     protect them or needs to.
//   - groups whose pods a budget that is not ha-check's already selects:
//     a second budget over the same pods would make every eviction of them
//     fail. The reason says whether that budget keeps the minimum;
//     Analyze reports it as IDPDBWeakerThanPolicy when it does not.
//
// Names are "ha-<component>", with the owner's name appended when the
// component has several groups in the namespace ("ha-etcd-etcd-events"),
// and made a valid DNS subdomain. The sizes are read now: a group scaled
// later needs its budget generated again.
func GeneratePDBs(p *policy.Policy, c Cluster) PDBPlan {
	if p == nil {
		p = policy.Default()
	}
	nodes := nodesByName(c.Nodes)
	var groups []*group
	for _, g := range classify(&Report{}, p, c, nodes) {
		if g.class.Disruption.Controlled() {
			groups = append(groups, g)
		}
	}
	budgets := newBudgetIndex(c)
	names := pdbNames(groups)
	ctrl := newControllers(c)

	plan := PDBPlan{PDBs: []GeneratedPDB{}} // "pdbs": [] in JSON when there is none, not null
	generated := sets.New[string]()
	for _, g := range groups {
		if len(g.evictable()) == 0 {
			plan.Skipped = append(plan.Skipped, SkippedGroup{Group: g.key, Reason: "static pods only: the kubelet owns them; kubectl drain skips mirror pods and deleting one stops nothing, so no budget can protect them or needs to"})
			continue
		}
		ns := g.namespace()
		sel, why := exactSelector(p, g, ctrl, budgets.pods[ns])
		if sel == nil {
			plan.Skipped = append(plan.Skipped, SkippedGroup{Group: g.key, Reason: why})
			continue
		}
		name := names[g]
		if why := budgets.foreignCover(g, ns, name); why != "" {
			plan.Skipped = append(plan.Skipped, SkippedGroup{Group: g.key, Reason: why})
			continue
		}
		if b, ok := budgets.named(ns, name); ok && b.pdb.Labels[ManagedByLabel] != ManagedBy {
			plan.Skipped = append(plan.Skipped, SkippedGroup{Group: g.key, Reason: fmt.Sprintf(
				"its budget would be %s/%s, but a PodDisruptionBudget of that name that ha-check did not generate exists, and applying would replace it", ns, name)})
			continue
		}
		plan.PDBs = append(plan.PDBs, GeneratedPDB{Group: g.key, PodDisruptionBudget: newPDB(ns, name, sel, g.minAvailable())})
		generated.Insert(ns + "/" + name)
	}
	sort.Slice(plan.PDBs, func(i, j int) bool {
		a, b := plan.PDBs[i].PodDisruptionBudget, plan.PDBs[j].PodDisruptionBudget
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	for _, pdb := range c.PDBs {
		key := pdb.Namespace + "/" + pdb.Name
		if pdb.Labels[ManagedByLabel] == ManagedBy && !generated.Has(key) {
			plan.Obsolete = append(plan.Obsolete, key)
		}
	}
	sort.Strings(plan.Obsolete)
	return plan
}

// newPDB builds a generated budget, ready to apply.
func newPDB(ns, name string, sel *metav1.LabelSelector, minAvailable int) policyv1.PodDisruptionBudget {
	return policyv1.PodDisruptionBudget{
		TypeMeta: metav1.TypeMeta{APIVersion: policyv1.SchemeGroupVersion.String(), Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{
			Namespace: ns,
			Name:      name,
			Labels:    map[string]string{ManagedByLabel: ManagedBy},
		},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable:               ptr.To(intstr.FromInt32(int32(minAvailable))),
			Selector:                   sel,
			UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
		},
	}
}

// evictable returns the members the eviction API can take: all but mirror
// pods.
func (g *group) evictable() []*v1.Pod {
	var out []*v1.Pod
	for _, p := range g.members {
		if !g.isMirror(p) {
			out = append(out, p)
		}
	}
	return out
}

// namespace is the group's namespace (a group is in one).
func (g *group) namespace() string { return g.members[0].Namespace }

// pdbNames names the budget of each group: "ha-<name>", where the name is
// the component's, else the owner's (a controlled group of other pods), else
// what its group key names (a Service, a label's value, a pod); with the
// owner's name appended when one name has several groups in the namespace
// (and its kind too where two owners of different kinds share a name).
// Names are made valid object names and unique per namespace: any name
// still shared by two groups (component "etcd" with StatefulSet "events"
// and a component "etcd-events" both make "ha-etcd-events") gets a hash of
// its group's key appended for each of them, so applying the plan never
// replaces one group's budget with another's.
func pdbNames(groups []*group) map[*group]string {
	byBase := map[string][]*group{}
	for _, g := range groups {
		k := g.namespace() + "/" + baseName(g)
		byBase[k] = append(byBase[k], g)
	}
	out := map[*group]string{}
	for _, gs := range byBase {
		if len(gs) == 1 {
			out[gs[0]] = dnsSubdomain("ha-" + baseName(gs[0]))
			continue
		}
		owners := map[string]int{}
		for _, g := range gs {
			owners[g.dg.Owner.Name]++
		}
		for _, g := range gs {
			name := "ha-" + baseName(g)
			switch o := g.dg.Owner; {
			case o.Kind == "":
			case owners[o.Name] > 1:
				name += "-" + strings.ToLower(o.Kind) + "-" + o.Name
			default:
				name += "-" + o.Name
			}
			out[g] = dnsSubdomain(name)
		}
	}
	// Different bases can still meet ("etcd" + "-events", "etcd-events").
	taken := map[string][]*group{}
	for _, g := range groups {
		k := g.namespace() + "/" + out[g]
		taken[k] = append(taken[k], g)
	}
	for _, gs := range taken {
		if len(gs) < 2 {
			continue
		}
		for _, g := range gs {
			out[g] = withHash(out[g], g.key)
		}
	}
	return out
}

// baseName is what a group's budget is named after: its component, else
// its owner, else the name its group key gives it.
func baseName(g *group) string {
	switch {
	case g.class.Component != "":
		return g.class.Component
	case g.dg.Owner.Name != "":
		return g.dg.Owner.Name
	}
	grp := g.dg.Group
	if grp.By == policy.GroupByLabel {
		return grp.Value
	}
	return grp.Name
}

// withHash appends to name a hash of key, cut so the result stays a valid
// object name.
func withHash(name, key string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	suffix := fmt.Sprintf("-%08x", h.Sum32())
	if limit := validation.DNS1123SubdomainMaxLength - len(suffix); len(name) > limit {
		name = strings.TrimRight(name[:limit], "-.")
	}
	return name + suffix
}

// dnsSubdomain returns s if it is a valid object name (a DNS-1123
// subdomain), else s lowercased, with every character but [a-z0-9-]
// replaced by '-', cut to fit and suffixed with a hash of s, so different
// inputs stay different names.
func dnsSubdomain(s string) string {
	if len(validation.IsDNS1123Subdomain(s)) == 0 {
		return s
	}
	b := []byte(strings.ToLower(s))
	for i, ch := range b {
		if (ch < 'a' || ch > 'z') && (ch < '0' || ch > '9') {
			b[i] = '-'
		}
	}
	return withHash(strings.Trim(string(b), "-"), s)
}

// volatileLabels change from pod to pod or revision to revision of one
// workload: a selector on them would miss the group's next pods.
var volatileLabels = sets.New(
	appsv1PodTemplateHash,
	"controller-revision-hash",
	"pod-template-generation",
	"statefulset.kubernetes.io/pod-name",
	"apps.kubernetes.io/pod-index",
)

// appsv1PodTemplateHash is the label the Deployment controller adds to its
// ReplicaSets' selectors and pods (appsv1.DefaultDeploymentUniqueLabelKey).
const appsv1PodTemplateHash = "pod-template-hash"

// candidate is a label selector that may select a group's pods.
type candidate struct {
	sel *metav1.LabelSelector
	// from says where it comes from, for the reason of a skip.
	from string
}

// exactSelector returns the first candidate selector that selects exactly
// the group's pods among the unfinished pods of its namespace, or nil and
// why none does.
func exactSelector(p *policy.Policy, g *group, ctrl controllers, nsPods []*v1.Pod) (*metav1.LabelSelector, string) {
	cands := selectorCandidates(p, g, ctrl)
	if len(cands) == 0 {
		return nil, "no label selector can select exactly its pods: the component's selectors are ORed, its owner has no selector to read, and its pods share no label"
	}
	members := sets.New[*v1.Pod](g.members...)
	var misses []string
	for _, c := range cands {
		sel, err := metav1.LabelSelectorAsSelector(c.sel)
		if err != nil {
			continue
		}
		var extra, missed []string
		for _, pod := range nsPods {
			switch in := sel.Matches(labels.Set(pod.Labels)); {
			case in && !members.Has(pod):
				extra = append(extra, pod.Namespace+"/"+pod.Name)
			case !in && members.Has(pod):
				missed = append(missed, pod.Namespace+"/"+pod.Name)
			}
		}
		if len(extra) == 0 && len(missed) == 0 {
			return c.sel, ""
		}
		var what []string
		if len(extra) > 0 {
			what = append(what, "also selects "+nameList(extra))
		}
		if len(missed) > 0 {
			what = append(what, "misses "+nameList(missed))
		}
		misses = append(misses, fmt.Sprintf("%s %q %s", c.from, metav1.FormatLabelSelector(c.sel), strings.Join(what, " and ")))
	}
	return nil, "no label selector selects exactly its pods: " + strings.Join(misses, "; ") + "; give its pods a label of their own"
}

// selectorCandidates lists the selectors to try for a group, each once:
// the component's single selector, the owner's selector, the labels the
// group's pods share.
func selectorCandidates(p *policy.Policy, g *group, ctrl controllers) []candidate {
	var out []candidate
	add := func(sel *metav1.LabelSelector, from string) {
		if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
			return // selects the whole namespace
		}
		for _, c := range out {
			if apiequality.Semantic.DeepEqual(c.sel, sel) {
				return
			}
		}
		out = append(out, candidate{sel: sel, from: from})
	}
	for i := range p.Components {
		comp := &p.Components[i]
		if comp.Name != g.class.Component || len(comp.Selectors) != 1 {
			continue
		}
		// Selectors the policy compiled from label selectors print back as
		// one; >, < (which a LabelSelector cannot say) fail to parse.
		if sel, err := metav1.ParseToLabelSelector(comp.Selectors[0].String()); err == nil {
			add(sel, "the component's selector")
		}
	}
	add(ownerSelector(g, ctrl))
	add(commonLabels(g), "the labels its pods share")
	return out
}

// ownerSelector returns the selector of the group's owner: a StatefulSet's,
// a ReplicaSet's, a Deployment's as its ReplicaSets carry it less
// pod-template-hash (which differs from ReplicaSet to ReplicaSet), when
// every ReplicaSet of the group agrees. Nil when it is not known.
func ownerSelector(g *group, ctrl controllers) (*metav1.LabelSelector, string) {
	o := g.dg.Owner
	ns := g.namespace()
	from := fmt.Sprintf("the selector of %s", o)
	switch o.Kind {
	case "StatefulSet":
		if sts := ctrl.StatefulSet(ns, o.Name); sts != nil && sts.Spec.Selector != nil {
			return sts.Spec.Selector.DeepCopy(), from
		}
	case "ReplicaSet", "Deployment":
		var sel *metav1.LabelSelector
		for _, pod := range g.members {
			ref := metav1.GetControllerOfNoCopy(pod)
			if ref == nil || ref.Kind != "ReplicaSet" {
				return nil, ""
			}
			rs := ctrl.ReplicaSet(ns, ref.Name)
			if rs == nil || rs.Spec.Selector == nil {
				return nil, ""
			}
			s := rs.Spec.Selector.DeepCopy()
			if o.Kind == "Deployment" {
				delete(s.MatchLabels, appsv1PodTemplateHash)
				s.MatchExpressions = dropKey(s.MatchExpressions, appsv1PodTemplateHash)
			}
			if sel != nil && !apiequality.Semantic.DeepEqual(sel, s) {
				return nil, ""
			}
			sel = s
		}
		return sel, from
	}
	return nil, ""
}

func dropKey(reqs []metav1.LabelSelectorRequirement, key string) []metav1.LabelSelectorRequirement {
	var out []metav1.LabelSelectorRequirement
	for _, r := range reqs {
		if r.Key != key {
			out = append(out, r)
		}
	}
	return out
}

// commonLabels returns the labels every member of the group carries with
// the same value, less volatileLabels; nil when there are none.
func commonLabels(g *group) *metav1.LabelSelector {
	common := map[string]string{}
	for k, v := range g.members[0].Labels {
		if !volatileLabels.Has(k) {
			common[k] = v
		}
	}
	for _, pod := range g.members[1:] {
		for k, v := range common {
			if pod.Labels[k] != v {
				delete(common, k)
			}
		}
	}
	if len(common) == 0 {
		return nil
	}
	return &metav1.LabelSelector{MatchLabels: common}
}

// named returns the budget of that name.
func (idx budgetIndex) named(ns, name string) (budget, bool) {
	for _, b := range idx.budgets[ns] {
		if b.pdb.Name == name {
			return b, true
		}
	}
	return budget{}, false
}

// covering returns the budgets that select at least one of the group's
// evictable pods (the others are static pods: no budget protects them).
func (idx budgetIndex) covering(g *group) []budget {
	var out []budget
	for _, b := range idx.budgets[g.namespace()] {
		for _, pod := range g.evictable() {
			if b.sel.Matches(labels.Set(pod.Labels)) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// foreignCover says why the group gets no generated budget when a budget
// ha-check did not generate already selects some of its pods; "" when none
// does.
func (idx budgetIndex) foreignCover(g *group, ns, name string) string {
	var keeps, weaker []string
	for _, b := range idx.covering(g) {
		if b.pdb.Labels[ManagedByLabel] == ManagedBy {
			continue // ours: replaced (same name) or obsolete
		}
		floor, spec := idx.floor(b, g)
		id := "PodDisruptionBudget " + ns + "/" + b.pdb.Name + " (" + spec + ")"
		if floor >= g.minAvailable() {
			keeps = append(keeps, id)
		} else {
			weaker = append(weaker, fmt.Sprintf("%s, which lets evictions leave %d of the %d it must keep (%s)", id, floor, g.minAvailable(), IDPDBWeakerThanPolicy))
		}
	}
	const second = "; a second budget over the same pods would make every eviction of them fail, so ha-check generates none"
	switch {
	case len(weaker) > 0:
		return fmt.Sprintf("its pods are selected by %s: give that budget minAvailable: %d, or delete it and apply %s",
			strings.Join(append(weaker, keeps...), " and "), g.minAvailable(), name) + second
	case len(keeps) > 0:
		return "its pods are selected by " + strings.Join(keeps, " and ") + ", which keeps the policy's minimum" + second
	}
	return ""
}

// floor returns how many of the group's replicas the budget keeps
// available at the least, as the disruption controller and the eviction
// API apply it (upstream intstr semantics, percentages rounded up), of the
// group's desired size n, and the budget's spec as a message names it.
//
// Pods the budget selects outside the group (a `selector: {}` over the
// namespace) count, at worst, as healthy pods that stand in for the
// group's: with minAvailable m and e such pods the group keeps m - e. For
// maxUnavailable and percentages the disruption controller counts the
// expected pods by their controllers' scale, and pods without a controller
// not at all: a group of bare pods counts 0 there, and such a budget keeps
// none of it.
func (idx budgetIndex) floor(b budget, g *group) (int, string) {
	members := sets.New[*v1.Pod](g.members...)
	extraHealthy, extraExpected := 0, 0
	for _, pod := range idx.pods[g.namespace()] {
		if members.Has(pod) || !b.sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		extraHealthy++
		if metav1.GetControllerOfNoCopy(pod) != nil {
			extraExpected++
		}
	}
	expected := extraExpected
	if g.dg.Owner.Kind != "" {
		expected += g.desired()
	}
	spec := b.pdb.Spec
	var keep int
	var desc string
	switch {
	case spec.MaxUnavailable != nil:
		desc = "maxUnavailable: " + spec.MaxUnavailable.String()
		k, err := intstr.GetScaledValueFromIntOrPercent(spec.MaxUnavailable, expected, true)
		if err != nil {
			return g.minAvailable(), desc // invalid; the API server refuses it
		}
		keep = max(0, expected-k) - extraHealthy
	case spec.MinAvailable != nil:
		desc = "minAvailable: " + spec.MinAvailable.String()
		// An integer is taken as it is, whatever the expected pods.
		m, err := intstr.GetScaledValueFromIntOrPercent(spec.MinAvailable, expected, true)
		if err != nil {
			return g.minAvailable(), desc
		}
		keep = m - extraHealthy
	default:
		desc = "neither minAvailable nor maxUnavailable"
	}
	if extraHealthy > 0 {
		desc += fmt.Sprintf(", also selecting %s outside the group", count(extraHealthy, "pod"))
	}
	return max(0, keep), desc
}

// weakerFindings reports the budgets over the group's evictable pods that
// let evictions take it below its minimum (IDPDBWeakerThanPolicy).
func (idx budgetIndex) weakerFindings(g *group) []Finding {
	var out []Finding
	keep := g.minAvailable()
	need := fmt.Sprint(keep)
	if g.class.Disruption.Quorum {
		need += " (quorum)"
	}
	for _, b := range idx.covering(g) {
		floor, spec := idx.floor(b, g)
		if floor >= keep {
			continue
		}
		id := b.pdb.Namespace + "/" + b.pdb.Name
		out = append(out, Finding{
			ID:       IDPDBWeakerThanPolicy,
			Severity: SeverityWarn,
			Message: fmt.Sprintf("%s must keep %s of its %d replicas available, but PodDisruptionBudget %s (%s) lets evictions leave %d: a drain can take it below its minimum; give the budget minAvailable: %d (ha-check pdbs)",
				g.key, need, g.desired(), id, spec, floor, keep),
			Subjects: []string{g.key, id},
		})
	}
	return out
}

// WritePDBsYAML writes the plan as YAML that `kubectl apply -f -` takes:
// one document per budget, each after a comment naming its group, and
// comments for the skipped groups and obsolete budgets. Status and other
// server-side fields are left out.
func WritePDBsYAML(w io.Writer, plan PDBPlan) error {
	b := &strings.Builder{}
	b.WriteString("# PodDisruptionBudgets that give the disruption-controlled groups the\n")
	b.WriteString("# policy's minimum against evictions (kubectl drain). Generated by ha-check.\n")
	if len(plan.PDBs) == 0 {
		b.WriteString("# No group needs one.\n")
	}
	for _, s := range plan.Skipped {
		fmt.Fprintf(b, "# Skipped %s: %s.\n", s.Group, s.Reason)
	}
	for _, o := range plan.Obsolete {
		ns, name, _ := strings.Cut(o, "/")
		fmt.Fprintf(b, "# Obsolete: %s was generated by ha-check and is no longer: kubectl delete pdb -n %s %s\n", o, ns, name)
	}
	for i := range plan.PDBs {
		pdb := &plan.PDBs[i].PodDisruptionBudget
		doc, err := applyYAML(pdb)
		if err != nil {
			return fmt.Errorf("PodDisruptionBudget %s/%s: %w", pdb.Namespace, pdb.Name, err)
		}
		b.WriteString("---\n")
		fmt.Fprintf(b, "# %s: keep %s available\n", plan.PDBs[i].Group, pdb.Spec.MinAvailable.String())
		b.Write(doc)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// applyYAML marshals an object without its status and the metadata the
// server sets (creationTimestamp: null).
func applyYAML(pdb *policyv1.PodDisruptionBudget) ([]byte, error) {
	raw, err := json.Marshal(pdb)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "status")
	if md, ok := m["metadata"].(map[string]any); ok {
		delete(md, "creationTimestamp")
	}
	return yaml.Marshal(m)
}
