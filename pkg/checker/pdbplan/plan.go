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

// Package pdbplan proposes the PodDisruptionBudgets that give every
// disruption-controlled group the policy's minimum against evictions
// (kubectl drain, the cluster autoscaler), as DisruptionGuard gives it
// against preemption: ha-check pdbs.
package pdbplan

import (
	"fmt"
	"hash/fnv"
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

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/internal/words"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Generate returns the PodDisruptionBudgets that give every
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
//     fail. The reason says whether that budget keeps the minimum; the
//     report says disruption.pdb-weaker-than-policy when it does not.
//
// Names are "ha-<component>", with the owner's name appended when the
// component has several groups in the namespace ("ha-etcd-etcd-events"),
// and made a valid DNS subdomain. The sizes are read now: a group scaled
// later needs its budget generated again.
func Generate(m *model.Model) *v1alpha1.PDBPlan {
	p := m.Policy
	var groups []*model.Group
	for _, g := range m.Groups {
		if g.Class.Disruption.Controlled() {
			groups = append(groups, g)
		}
	}
	budgets := m.Budgets
	names := pdbNames(groups)
	ctrl := m.Controllers

	plan := &v1alpha1.PDBPlan{PDBs: []v1alpha1.GeneratedPDB{}} // "pdbs": [] in JSON when there is none, not null
	generated := sets.New[string]()
	for _, g := range groups {
		if len(g.Evictable()) == 0 {
			plan.Skipped = append(plan.Skipped, v1alpha1.SkippedGroup{Group: g.Key, Reason: "static pods only: the kubelet owns them; kubectl drain skips mirror pods and deleting one stops nothing, so no budget can protect them or needs to"})
			continue
		}
		ns := g.Namespace()
		sel, why := exactSelector(p, g, ctrl, budgets.NamespacePods(ns))
		if sel == nil {
			plan.Skipped = append(plan.Skipped, v1alpha1.SkippedGroup{Group: g.Key, Reason: why})
			continue
		}
		name := names[g]
		if why := foreignCover(budgets, g, ns, name); why != "" {
			plan.Skipped = append(plan.Skipped, v1alpha1.SkippedGroup{Group: g.Key, Reason: why})
			continue
		}
		if b, ok := budgets.Named(ns, name); ok && b.PDB.Labels[v1alpha1.ManagedByLabel] != v1alpha1.ManagedBy {
			plan.Skipped = append(plan.Skipped, v1alpha1.SkippedGroup{Group: g.Key, Reason: fmt.Sprintf(
				"its budget would be %s/%s, but a PodDisruptionBudget of that name that ha-check did not generate exists, and applying would replace it", ns, name)})
			continue
		}
		plan.PDBs = append(plan.PDBs, v1alpha1.GeneratedPDB{Group: g.Key, PodDisruptionBudget: newPDB(ns, name, sel, g.MinAvailable())})
		generated.Insert(ns + "/" + name)
	}
	sort.Slice(plan.PDBs, func(i, j int) bool {
		a, b := plan.PDBs[i].PodDisruptionBudget, plan.PDBs[j].PodDisruptionBudget
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
	for _, pdb := range m.Cluster.PDBs {
		key := pdb.Namespace + "/" + pdb.Name
		if pdb.Labels[v1alpha1.ManagedByLabel] == v1alpha1.ManagedBy && !generated.Has(key) {
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
			Labels:    map[string]string{v1alpha1.ManagedByLabel: v1alpha1.ManagedBy},
		},
		Spec: policyv1.PodDisruptionBudgetSpec{
			MinAvailable:               ptr.To(intstr.FromInt32(int32(minAvailable))),
			Selector:                   sel,
			UnhealthyPodEvictionPolicy: ptr.To(policyv1.AlwaysAllow),
		},
	}
}

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
func pdbNames(groups []*model.Group) map[*model.Group]string {
	byBase := map[string][]*model.Group{}
	for _, g := range groups {
		k := g.Namespace() + "/" + baseName(g)
		byBase[k] = append(byBase[k], g)
	}
	out := map[*model.Group]string{}
	for _, gs := range byBase {
		if len(gs) == 1 {
			out[gs[0]] = dnsSubdomain("ha-" + baseName(gs[0]))
			continue
		}
		owners := map[string]int{}
		for _, g := range gs {
			owners[g.Disruption.Owner.Name]++
		}
		for _, g := range gs {
			name := "ha-" + baseName(g)
			switch o := g.Disruption.Owner; {
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
	taken := map[string][]*model.Group{}
	for _, g := range groups {
		k := g.Namespace() + "/" + out[g]
		taken[k] = append(taken[k], g)
	}
	for _, gs := range taken {
		if len(gs) < 2 {
			continue
		}
		for _, g := range gs {
			out[g] = withHash(out[g], g.Key)
		}
	}
	return out
}

// baseName is what a group's budget is named after: its component, else
// its owner, else the name its group key gives it.
func baseName(g *model.Group) string {
	switch {
	case g.Class.Component != "":
		return g.Class.Component
	case g.Disruption.Owner.Name != "":
		return g.Disruption.Owner.Name
	}
	grp := g.Disruption.Group
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
func exactSelector(p *policy.Policy, g *model.Group, ctrl model.Controllers, nsPods []*v1.Pod) (*metav1.LabelSelector, string) {
	cands := selectorCandidates(p, g, ctrl)
	if len(cands) == 0 {
		return nil, "no label selector can select exactly its pods: the component's selectors are ORed, its owner has no selector to read, and its pods share no label"
	}
	members := sets.New[*v1.Pod](g.Members...)
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
			what = append(what, "also selects "+words.List(extra))
		}
		if len(missed) > 0 {
			what = append(what, "misses "+words.List(missed))
		}
		misses = append(misses, fmt.Sprintf("%s %q %s", c.from, metav1.FormatLabelSelector(c.sel), strings.Join(what, " and ")))
	}
	return nil, "no label selector selects exactly its pods: " + strings.Join(misses, "; ") + "; give its pods a label of their own"
}

// selectorCandidates lists the selectors to try for a group, each once:
// the component's single selector, the owner's selector, the labels the
// group's pods share.
func selectorCandidates(p *policy.Policy, g *model.Group, ctrl model.Controllers) []candidate {
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
		if comp.Name != g.Class.Component || len(comp.Selectors) != 1 {
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
func ownerSelector(g *model.Group, ctrl model.Controllers) (*metav1.LabelSelector, string) {
	o := g.Disruption.Owner
	ns := g.Namespace()
	from := fmt.Sprintf("the selector of %s", o)
	switch o.Kind {
	case "StatefulSet":
		if sts := ctrl.StatefulSet(ns, o.Name); sts != nil && sts.Spec.Selector != nil {
			return sts.Spec.Selector.DeepCopy(), from
		}
	case "ReplicaSet", "Deployment":
		var sel *metav1.LabelSelector
		for _, pod := range g.Members {
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
func commonLabels(g *model.Group) *metav1.LabelSelector {
	common := map[string]string{}
	for k, v := range g.Members[0].Labels {
		if !volatileLabels.Has(k) {
			common[k] = v
		}
	}
	for _, pod := range g.Members[1:] {
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

// foreignCover says why the group gets no generated budget when a budget
// ha-check did not generate already selects some of its pods; "" when none
// does.
func foreignCover(idx *model.Budgets, g *model.Group, ns, name string) string {
	var keeps, weaker []string
	for _, b := range idx.Covering(g) {
		if b.PDB.Labels[v1alpha1.ManagedByLabel] == v1alpha1.ManagedBy {
			continue // ours: replaced (same name) or obsolete
		}
		floor, spec := idx.Floor(b, g)
		id := "PodDisruptionBudget " + ns + "/" + b.PDB.Name + " (" + spec + ")"
		if floor >= g.MinAvailable() {
			keeps = append(keeps, id)
		} else {
			weaker = append(weaker, fmt.Sprintf("%s, which lets evictions leave %d of the %d it must keep (%s)", id, floor, g.MinAvailable(), v1alpha1.IDPDBWeakerThanPolicy))
		}
	}
	const second = "; a second budget over the same pods would make every eviction of them fail, so ha-check generates none"
	switch {
	case len(weaker) > 0:
		return fmt.Sprintf("its pods are selected by %s: give that budget minAvailable: %d, or delete it and apply %s",
			strings.Join(append(weaker, keeps...), " and "), g.MinAvailable(), name) + second
	case len(keeps) > 0:
		return "its pods are selected by " + strings.Join(keeps, " and ") + ", which keeps the policy's minimum" + second
	}
	return ""
}
