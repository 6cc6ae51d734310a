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

package disruptionguard

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2/ktesting"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// indexed is what the budget index holds, by name.
type indexed struct {
	// Groups are the controlled groups' members.
	Groups map[string][]string
	// PDBs are the pods each budget covers (namespace/name); Namespaces
	// the budgets of each namespace.
	PDBs       map[string][]string
	Namespaces map[string][]string
	// Entries are what entry says of each pod the test created.
	Entries map[string]indexEntry
}

// indexEntry is where an indexed pod is counted, and the value of the app
// label of the informer's copy the entry holds.
type indexEntry struct {
	Group string
	PDBs  []string
	App   string
}

// contents reads the index; uids are the pods whose entries it reads.
func contents(ix *budgetIndex, uids map[string]types.UID) indexed {
	out := indexed{Groups: map[string][]string{}, PDBs: map[string][]string{}, Namespaces: map[string][]string{}, Entries: map[string]indexEntry{}}
	ix.mu.RLock()
	var groups []policy.Group
	for g := range ix.groups {
		groups = append(groups, g)
	}
	var pdbs []*indexedPDB
	for _, b := range ix.pdbs {
		pdbs = append(pdbs, b)
	}
	for ns, list := range ix.byNamespace {
		for _, b := range list {
			out.Namespaces[ns] = append(out.Namespaces[ns], b.pdb.Name)
		}
		slices.Sort(out.Namespaces[ns])
	}
	ix.mu.RUnlock()
	for _, g := range groups {
		var names []string
		for _, m := range ix.members(g) {
			names = append(names, m.pod.Name)
		}
		slices.Sort(names)
		out.Groups[g.String()] = names
	}
	for _, b := range pdbs {
		var names []string
		for _, p := range ix.covered(b) {
			names = append(names, p.Name)
		}
		slices.Sort(names)
		out.PDBs[b.pdb.Namespace+"/"+b.pdb.Name] = names
	}
	for name, uid := range uids {
		e, ok := ix.entry(uid)
		if !ok {
			continue
		}
		ie := indexEntry{Group: e.group.String(), App: e.pod.Labels["app"]}
		for _, b := range e.pdbs {
			ie.PDBs = append(ie.PDBs, b.pdb.Namespace+"/"+b.pdb.Name)
		}
		slices.Sort(ie.PDBs)
		out.Entries[name] = ie
	}
	return out
}

// TestBudgetIndexFollowsTheInformers: the index's handlers follow pods,
// PodDisruptionBudgets and Services through the scheduler's informers (a
// fake API server): who is in which controlled group and which budget
// covers which pod, and each pod's entry, the informer's copy of it.
func TestBudgetIndexFollowsTheInformers(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// User workloads are disruption-controlled: their groups follow
	// Services (pods without a controller).
	pa := testutil.LoadedPolicy(t, config.PolicyArgs{UserWorkloads: &config.RuleArgs{
		Placement:  "Worker",
		Disruption: &config.DisruptionArgs{MinAvailable: ptr.To[int32](1)},
	}})
	web := func(name, app string) *v1.Pod {
		return running("default", name, "w-1", userLow, "1", 1).Label("app", app).Obj()
	}
	ks := kubeScheduler("ks-1", "w-1", system).Obj()
	web1 := web("web-1", "web")
	api := ownedBy(running("default", "api-1", "w-1", userLow, "1", 1).Label("app", "api"), "api-rs", "ReplicaSet").Obj()
	helper := running("kube-system", "helper", "w-1", system, "1", 1).Label("app", "helper").Obj()
	proxy := ownedBy(running("kube-system", "proxy", "w-1", system, "1", 1).Label("k8s-app", "kube-proxy"), "kube-proxy", "DaemonSet").Obj()
	webPDB, helpers := pdb("default", "web", 1, "app", "web"), pdb("kube-system", "helpers", 1, "app", "helper")
	e := newEnv(t, ctx, pa, nil, false, []*v1.Node{node("w-1", "10")}, []*v1.Pod{ks, web1, api, helper, proxy},
		[]*policyv1.PodDisruptionBudget{webPDB, helpers}, nil)
	ix := e.pl.budgets
	uids := map[string]types.UID{}
	for _, p := range []*v1.Pod{ks, web1, api, helper, proxy} {
		uids[p.Name] = p.UID
	}
	web2 := web("web-2", "web")
	uids[web2.Name] = web2.UID
	pods, pdbs, services := e.cs.CoreV1().Pods("default"), e.cs.PolicyV1().PodDisruptionBudgets("default"), e.cs.CoreV1().Services("default")
	frontend := &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "frontend"}, Spec: v1.ServiceSpec{Selector: map[string]string{"app": "web"}}}

	// Each step's changes go through the API server; want is the index
	// once its handlers have seen them.
	for _, step := range []struct {
		name   string
		change func() error
		want   indexed
	}{
		{
			name: "the initial lists: the DaemonSet pod is in nothing",
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/web"}, App: "web"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name:   "a pod added",
			change: func() error { _, err := pods.Create(ctx, web2, metav1.CreateOptions{}); return err },
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1", "web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1", "web-2"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/web"}, App: "web"},
					"web-2":  {Group: "default/app=web", PDBs: []string{"default/web"}, App: "web"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name:   "a pod relabelled: another group, out of the budget",
			change: func() error { _, err := pods.Update(ctx, web("web-2", "cache"), metav1.UpdateOptions{}); return err },
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/app=cache": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/web"}, App: "web"},
					"web-2":  {Group: "default/app=cache", App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name:   "a Service selecting app=web: its pods without a controller are its group",
			change: func() error { _, err := services.Create(ctx, frontend, metav1.CreateOptions{}); return err },
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/Service/frontend": {"web-1"}, "default/app=cache": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/Service/frontend", PDBs: []string{"default/web"}, App: "web"},
					"web-2":  {Group: "default/app=cache", App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name: "the Service selects app=cache now",
			change: func() error {
				s := frontend.DeepCopy()
				s.Spec.Selector = map[string]string{"app": "cache"}
				_, err := services.Update(ctx, s, metav1.UpdateOptions{})
				return err
			},
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/Service/frontend": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/web"}, App: "web"},
					"web-2":  {Group: "default/Service/frontend", App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name:   "the Service deleted",
			change: func() error { return services.Delete(ctx, frontend.Name, metav1.DeleteOptions{}) },
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/app=cache": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/web"}, App: "web"},
					"web-2":  {Group: "default/app=cache", App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name: "a budget of the whole namespace added",
			change: func() error {
				_, err := pdbs.Create(ctx, namespacePDB("default", "all", 1), metav1.CreateOptions{})
				return err
			},
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/app=cache": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-1"}, "default/all": {"api-1", "web-1", "web-2"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"all", "web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/all", "default/web"}, App: "web"},
					"web-2":  {Group: "default/app=cache", PDBs: []string{"default/all"}, App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", PDBs: []string{"default/all"}, App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name: "a budget's selector changed",
			change: func() error {
				_, err := pdbs.Update(ctx, pdb("default", "web", 1, "app", "cache"), metav1.UpdateOptions{})
				return err
			},
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/app=cache": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-2"}, "default/all": {"api-1", "web-1", "web-2"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"all", "web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", PDBs: []string{"default/all"}, App: "web"},
					"web-2":  {Group: "default/app=cache", PDBs: []string{"default/all", "default/web"}, App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", PDBs: []string{"default/all"}, App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name:   "a budget deleted",
			change: func() error { return pdbs.Delete(ctx, "all", metav1.DeleteOptions{}) },
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/app=cache": {"web-2"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": {"web-2"}, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", App: "web"},
					"web-2":  {Group: "default/app=cache", PDBs: []string{"default/web"}, App: "cache"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			name:   "a pod deleted",
			change: func() error { return pods.Delete(ctx, "web-2", metav1.DeleteOptions{}) },
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}, "default/ReplicaSet/api-rs": {"api-1"}},
				PDBs:       map[string][]string{"default/web": nil, "kube-system/helpers": {"helper"}},
				Namespaces: map[string][]string{"default": {"web"}, "kube-system": {"helpers"}},
				Entries: map[string]indexEntry{
					"ks-1":   {Group: "kube-system/kube-scheduler"},
					"web-1":  {Group: "default/app=web", App: "web"},
					"api-1":  {Group: "default/ReplicaSet/api-rs", App: "api"},
					"helper": {PDBs: []string{"kube-system/helpers"}, App: "helper"},
				},
			},
		},
		{
			// An informer that missed a deletion hands its handlers the
			// last state it knew; a fake API server cannot make one.
			name: "a pod and a budget deleted, seen as tombstones",
			change: func() error {
				ix.deletePod(cacheTombstone(api))
				ix.deletePDB(cache.DeletedFinalStateUnknown{Key: "kube-system/helpers", Obj: helpers})
				return nil
			},
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}},
				PDBs:       map[string][]string{"default/web": nil},
				Namespaces: map[string][]string{"default": {"web"}},
				Entries: map[string]indexEntry{
					"ks-1":  {Group: "kube-system/kube-scheduler"},
					"web-1": {Group: "default/app=web", App: "web"},
				},
			},
		},
		{
			name: "objects that are no pods or budgets",
			change: func() error {
				ix.upsertPod(helpers)
				ix.deletePod("web-1")
				ix.upsertPDB(web1)
				ix.deletePDB(web1)
				return nil
			},
			want: indexed{
				Groups:     map[string][]string{"kube-system/kube-scheduler": {"ks-1"}, "default/app=web": {"web-1"}},
				PDBs:       map[string][]string{"default/web": nil},
				Namespaces: map[string][]string{"default": {"web"}},
				Entries: map[string]indexEntry{
					"ks-1":  {Group: "kube-system/kube-scheduler"},
					"web-1": {Group: "default/app=web", App: "web"},
				},
			},
		},
	} {
		if step.change != nil {
			require.NoError(t, step.change(), step.name)
		}
		// The handlers run on the informers' goroutines.
		var got indexed
		_ = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, wait.ForeverTestTimeout, true, func(context.Context) (bool, error) {
			got = contents(ix, uids)
			return cmp.Equal(step.want, got, cmpopts.EquateEmpty()), nil
		})
		if diff := cmp.Diff(step.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("%s: index (-want +got):\n%s", step.name, diff)
		}
	}
}
