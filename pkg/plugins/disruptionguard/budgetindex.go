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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/services"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/shared"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// budgetIndex keeps, from the informers, who belongs to which budget: the
// pods of each disruption-controlled group (by policy.Group; the owners
// split a group further, per attempt) and the pods each
// PodDisruptionBudget covers. A preemption attempt then counts the budgets
// of the victims it considers, each over its own members, instead of
// walking every pod of the cluster: its cost follows the candidate nodes'
// victims and their groups and budgets, not the cluster.
//
// Pods are indexed as the informer has them (bound or pending); an attempt
// reads their node and availability against its snapshot.
type budgetIndex struct {
	policy   *policy.Policy
	services *policy.ServiceIndex
	pods     cache.Indexer

	mu sync.RWMutex
	// groups are the disruption-controlled groups' pods, with their owner
	// (policy.OwnerOf, its desired replicas read per attempt).
	groups map[policy.Group]map[types.UID]member
	// pdbs are the budgets by namespace/name; byNamespace the same by
	// namespace.
	pdbs        map[string]*indexedPDB
	byNamespace map[string][]*indexedPDB
	// of is what each indexed pod is in.
	of map[types.UID]podEntry

	synced []cache.InformerSynced
}

// member is a pod of a controlled group and its owner's kind and name.
type member struct {
	pod   *v1.Pod
	owner policy.Owner
}

// indexedPDB is a budget and the pods it covers (policy/v1 selector).
type indexedPDB struct {
	pdb      *policyv1.PodDisruptionBudget
	selector labels.Selector
	covered  map[types.UID]*v1.Pod
}

// podEntry is where an indexed pod is counted, and the informer's copy of
// it.
type podEntry struct {
	pod   *v1.Pod
	group policy.Group // zero: in no controlled group
	pdbs  []*indexedPDB
}

// sharedBudgetIndex returns the index of the policy, shared by the guards
// of every profile with the same policy (a group is what a policy says it
// is; the args, defaulted and encoded, name the policy).
func sharedBudgetIndex(ctx context.Context, f informers.SharedInformerFactory, args *config.PolicyArgs, p *policy.Policy, svcs *policy.ServiceIndex) (*budgetIndex, error) {
	encoded, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	fingerprint := sha256.Sum256(encoded)
	return shared.Get(ctx, f, "budgetindex/"+hex.EncodeToString(fingerprint[:]), func() (*budgetIndex, error) {
		ix := &budgetIndex{policy: p, services: svcs, groups: map[policy.Group]map[types.UID]member{},
			pdbs: map[string]*indexedPDB{}, byNamespace: map[string][]*indexedPDB{}, of: map[types.UID]podEntry{}}
		return ix, ix.watch(f)
	})
}

// watch feeds the index from the pod, PodDisruptionBudget and Service
// informers. The pod informer gets a namespace index (the scheduler's has
// none): a new budget looks up the pods of its namespace.
func (ix *budgetIndex) watch(f informers.SharedInformerFactory) error {
	podInformer := f.Core().V1().Pods().Informer()
	if _, ok := podInformer.GetIndexer().GetIndexers()[cache.NamespaceIndex]; !ok {
		if err := podInformer.AddIndexers(cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}); err != nil {
			return err
		}
	}
	ix.pods = podInformer.GetIndexer()
	pdbReg, err := f.Policy().V1().PodDisruptionBudgets().Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    ix.upsertPDB,
		UpdateFunc: func(_, obj any) { ix.upsertPDB(obj) },
		DeleteFunc: ix.deletePDB,
	})
	if err != nil {
		return err
	}
	podReg, err := podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    ix.upsertPod,
		UpdateFunc: func(_, obj any) { ix.upsertPod(obj) },
		DeleteFunc: ix.deletePod,
	})
	if err != nil {
		return err
	}
	if _, err := f.Core().V1().Services().Informer().AddEventHandler(services.Handler(ix.services, ix.regroup)); err != nil {
		return err
	}
	ix.synced = []cache.InformerSynced{pdbReg.HasSynced, podReg.HasSynced}
	return nil
}

// waitForSync waits until the handlers have seen the informers' initial
// lists, or ctx ends.
func (ix *budgetIndex) waitForSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), ix.synced...)
}

func podOf(obj any) *v1.Pod {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	pod, _ := obj.(*v1.Pod)
	return pod
}

func (ix *budgetIndex) upsertPod(obj any) {
	if pod := podOf(obj); pod != nil {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		ix.unindex(pod.UID)
		ix.index(pod)
	}
}

func (ix *budgetIndex) deletePod(obj any) {
	if pod := podOf(obj); pod != nil {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		ix.unindex(pod.UID)
	}
}

// index counts the pod in its group and budgets. The caller holds mu.
func (ix *budgetIndex) index(pod *v1.Pod) {
	e := podEntry{pod: pod}
	if c := ix.policy.Classify(pod); c.Disruption.Controlled() {
		e.group = policy.GroupOf(pod, c, ix.services)
		members := ix.groups[e.group]
		if members == nil {
			members = map[types.UID]member{}
			ix.groups[e.group] = members
		}
		members[pod.UID] = member{pod: pod, owner: policy.OwnerOf(pod, nil)}
	}
	for _, b := range ix.byNamespace[pod.Namespace] {
		if b.selector.Matches(labels.Set(pod.Labels)) {
			b.covered[pod.UID] = pod
			e.pdbs = append(e.pdbs, b)
		}
	}
	if e.group.By != 0 || len(e.pdbs) > 0 {
		ix.of[pod.UID] = e
	}
}

// unindex forgets the pod. The caller holds mu.
func (ix *budgetIndex) unindex(uid types.UID) {
	e, ok := ix.of[uid]
	if !ok {
		return
	}
	delete(ix.of, uid)
	if members := ix.groups[e.group]; members != nil {
		delete(members, uid)
		if len(members) == 0 {
			delete(ix.groups, e.group)
		}
	}
	for _, b := range e.pdbs {
		delete(b.covered, uid)
	}
}

// regroup follows a Service change: the controlled groups of the
// namespace's pods may have changed (pods without a controller).
func (ix *budgetIndex) regroup(namespace string) {
	pods, err := ix.pods.ByIndex(cache.NamespaceIndex, namespace)
	if err != nil {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, obj := range pods {
		if pod, ok := obj.(*v1.Pod); ok {
			ix.unindex(pod.UID)
			ix.index(pod)
		}
	}
}

func (ix *budgetIndex) upsertPDB(obj any) {
	pdb, ok := obj.(*policyv1.PodDisruptionBudget)
	if !ok {
		return
	}
	sel, err := policy.PDBSelector(pdb)
	if err != nil {
		// The API server rejects invalid selectors; one that slipped
		// through protects nothing, as in the eviction API.
		sel = labels.Nothing()
	}
	pods, _ := ix.pods.ByIndex(cache.NamespaceIndex, pdb.Namespace)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	key := pdb.Namespace + "/" + pdb.Name
	if old := ix.pdbs[key]; old != nil {
		ix.dropPDB(old)
	}
	b := &indexedPDB{pdb: pdb, selector: sel, covered: map[types.UID]*v1.Pod{}}
	ix.pdbs[key] = b
	ix.byNamespace[pdb.Namespace] = append(ix.byNamespace[pdb.Namespace], b)
	for _, obj := range pods {
		pod, ok := obj.(*v1.Pod)
		if !ok || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		b.covered[pod.UID] = pod
		e := ix.of[pod.UID]
		e.pod = pod
		e.pdbs = append(e.pdbs, b)
		ix.of[pod.UID] = e
	}
}

func (ix *budgetIndex) deletePDB(obj any) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	pdb, ok := obj.(*policyv1.PodDisruptionBudget)
	if !ok {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if b := ix.pdbs[pdb.Namespace+"/"+pdb.Name]; b != nil {
		ix.dropPDB(b)
	}
}

// dropPDB forgets a budget. The caller holds mu.
func (ix *budgetIndex) dropPDB(b *indexedPDB) {
	delete(ix.pdbs, b.pdb.Namespace+"/"+b.pdb.Name)
	list := ix.byNamespace[b.pdb.Namespace]
	for i, o := range list {
		if o == b {
			list = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(ix.byNamespace, b.pdb.Namespace)
	} else {
		ix.byNamespace[b.pdb.Namespace] = list
	}
	for uid := range b.covered {
		e := ix.of[uid]
		for i, o := range e.pdbs {
			if o == b {
				e.pdbs = append(e.pdbs[:i:i], e.pdbs[i+1:]...)
				break
			}
		}
		if e.group.By == 0 && len(e.pdbs) == 0 {
			delete(ix.of, uid)
		} else {
			ix.of[uid] = e
		}
	}
}

// entry returns where the pod with this UID is counted, and the
// informer's copy of it; false when the informer has no such pod in a
// controlled group or covered by a budget (or no such pod at all).
func (ix *budgetIndex) entry(uid types.UID) (podEntry, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e, ok := ix.of[uid]
	return e, ok
}

// members returns the pods of a controlled group and their owners, a
// copy.
func (ix *budgetIndex) members(g policy.Group) []member {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]member, 0, len(ix.groups[g]))
	for _, m := range ix.groups[g] {
		out = append(out, m)
	}
	return out
}

// covered returns the pods a budget covers, a copy.
func (ix *budgetIndex) covered(b *indexedPDB) []*v1.Pod {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]*v1.Pod, 0, len(b.covered))
	for _, p := range b.covered {
		out = append(out, p)
	}
	return out
}
