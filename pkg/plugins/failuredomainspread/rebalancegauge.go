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

package failuredomainspread

import (
	"context"
	"sync"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/component-base/metrics"
	"k8s.io/component-base/metrics/legacyregistry"
	"k8s.io/klog/v2"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// MetricRebalancePossibleGroups is the full name of the rebalance gauge.
const MetricRebalancePossibleGroups = "ha_scheduler_failuredomainspread_rebalance_possible_groups"

// rebalanceGaugeInterval is how often each profile counts its groups: the
// alert on the gauge waits an hour, and a count reads every pod and node.
const rebalanceGaugeInterval = time.Minute

// rebalancePossible is process-wide, as every metric: registered once
// however many profiles create the plugin, their series told apart by
// "profile". One series per profile, whatever the number of groups: the
// groups themselves are ha-check rebalance's to name.
var (
	rebalancePossible = metrics.NewGaugeVec(&metrics.GaugeOpts{
		Namespace:      "ha_scheduler",
		Subsystem:      "failuredomainspread",
		Name:           "rebalance_possible_groups",
		Help:           "Spread groups whose replicas the scheduler would place better now than they are (ha-check rebalance would move some), by profile; counted every minute.",
		StabilityLevel: metrics.ALPHA,
	}, []string{"profile"})
	registerRebalanceGauge sync.Once
)

// rebalanceGauge counts, for one profile, the spread groups that
// `ha-check rebalance` would move replicas of: policy.RebalanceGroups and
// RebalanceGroup.Plan, the decision the command and the audit's
// spread.rebalance-possible make, on the scheduler's informers. The
// informers hold no controllers (caching every ReplicaSet with its template
// would cost the scheduler memory all the time; see the guard's owners), so
// it counts in two looks: every group without controllers, then the groups
// that look movable again, with their ReplicaSets and StatefulSets read
// from the API server (liveControllers). The second look is the command's
// answer: a replica whose controller's template sets spec.nodeName does
// not move, and a group whose controller wants replicas not created yet
// waits.
type rebalanceGauge struct {
	profile       string
	policy        *policy.Policy
	services      policy.Services
	comparisonOps bool
	// client reads the controllers of the second look; nil: no second look.
	client  kubernetes.Interface
	pods    corelisters.PodLister
	nodes   corelisters.NodeLister
	claims  corelisters.PersistentVolumeClaimLister
	volumes corelisters.PersistentVolumeLister
	synced  []cache.InformerSynced
}

// newRebalanceGauge registers the gauge (once per process), creates the
// profile's series at 0 and asks the factory for the informers it reads
// (the scheduler starts them; VolumeBinding reads the same claims and
// volumes).
func newRebalanceGauge(f informers.SharedInformerFactory, client kubernetes.Interface, profile string, p *policy.Policy, services policy.Services, comparisonOps bool) *rebalanceGauge {
	registerRebalanceGauge.Do(func() { legacyregistry.MustRegister(rebalancePossible) })
	rebalancePossible.WithLabelValues(profile).Set(0)
	pods, nodes := f.Core().V1().Pods(), f.Core().V1().Nodes()
	claims, volumes := f.Core().V1().PersistentVolumeClaims(), f.Core().V1().PersistentVolumes()
	return &rebalanceGauge{
		profile: profile, policy: p, services: services, comparisonOps: comparisonOps, client: client,
		pods: pods.Lister(), nodes: nodes.Lister(), claims: claims.Lister(), volumes: volumes.Lister(),
		synced: []cache.InformerSynced{pods.Informer().HasSynced, nodes.Informer().HasSynced, claims.Informer().HasSynced, volumes.Informer().HasSynced},
	}
}

// run counts every interval until ctx ends, from the informers' first
// full lists on (before them it would count a partial cluster).
func (g *rebalanceGauge) run(ctx context.Context, interval time.Duration) {
	if !cache.WaitForCacheSync(ctx.Done(), g.synced...) {
		return
	}
	wait.UntilWithContext(ctx, g.update, interval)
}

// update sets the profile's series to the count now.
func (g *rebalanceGauge) update(ctx context.Context) {
	logger := klog.FromContext(ctx)
	n, err := g.count(ctx)
	if err != nil {
		logger.Error(err, "Counting the groups that could be spread better", "plugin", Name, "profile", g.profile)
		return
	}
	rebalancePossible.WithLabelValues(g.profile).Set(float64(n))
}

// count returns how many spread groups have moves.
func (g *rebalanceGauge) count(ctx context.Context) (int, error) {
	logger := klog.FromContext(ctx)
	pods, err := g.pods.List(labels.Everything())
	if err != nil {
		return 0, err
	}
	nodes, err := g.nodes.List(labels.Everything())
	if err != nil {
		return 0, err
	}
	byName := make(map[string]*v1.Node, len(nodes))
	for _, n := range nodes {
		byName[n.Name] = n
	}
	in := policy.RebalanceInput{
		Pods:  pods,
		Nodes: nodes,
		Lookups: policy.Lookups{
			Services: g.services,
			Node:     func(name string) *v1.Node { return byName[name] },
		},
		Volumes:       listerVolumes{claims: g.claims, volumes: g.volumes},
		ComparisonOps: g.comparisonOps,
	}
	movable := withMoves(g.policy.RebalanceGroups(logger, in))
	if len(movable) == 0 || g.client == nil {
		return len(movable), nil
	}
	// The second look: the same decision for the pods of those groups
	// only (a pod's group does not depend on its controller: GroupOf),
	// with their controllers.
	in.Pods = nil
	for _, pod := range pods {
		if movable.Has(policy.GroupOf(pod, g.policy.Classify(pod), g.services)) {
			in.Pods = append(in.Pods, pod)
		}
	}
	controllers := newLiveControllers(ctx, g.client)
	in.Lookups.Controllers = controllers
	movable = withMoves(g.policy.RebalanceGroups(logger, in))
	if controllers.err != nil {
		return 0, controllers.err
	}
	return len(movable), nil
}

// withMoves returns the groups whose plan has moves.
func withMoves(groups []*policy.RebalanceGroup) sets.Set[policy.Group] {
	out := sets.New[policy.Group]()
	for _, grp := range groups {
		if grp.HasMoves() {
			out.Insert(grp.Group)
		}
	}
	return out
}

// listerVolumes answers policy.Volumes from the informers.
type listerVolumes struct {
	claims  corelisters.PersistentVolumeClaimLister
	volumes corelisters.PersistentVolumeLister
}

func (v listerVolumes) PersistentVolumeClaim(namespace, name string) *v1.PersistentVolumeClaim {
	c, err := v.claims.PersistentVolumeClaims(namespace).Get(name)
	if err != nil {
		return nil
	}
	return c
}

func (v listerVolumes) PersistentVolume(name string) *v1.PersistentVolume {
	pv, err := v.volumes.Get(name)
	if err != nil {
		return nil
	}
	return pv
}
