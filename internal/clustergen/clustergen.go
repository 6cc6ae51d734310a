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

// Package clustergen generates clusters for tests, seeded and
// reproducible: nodes over zones, physical hosts and roles, some tainted,
// cordoned, down or gone; and the pods of groups of every kind the policy
// knows (static control-plane pods, components run by Deployments and
// StatefulSets, DaemonSets, other pods of trusted namespaces, user
// Deployments, StatefulSets, Service-selected and bare pods), in every
// state (bound and Ready or not, pending, terminating, on a node that is
// gone), with the controllers that size them, Services and
// PodDisruptionBudgets. The same seed gives the same cluster.
//
// The agreement test (the plugins' verdicts against ha-check's) and the
// checker's golden outputs run over generated clusters.
package clustergen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Cluster is a generated cluster's objects.
type Cluster struct {
	Seed         uint64
	Nodes        []*v1.Node
	Pods         []*v1.Pod
	PDBs         []*policyv1.PodDisruptionBudget
	StatefulSets []*appsv1.StatefulSet
	ReplicaSets  []*appsv1.ReplicaSet
	Services     []*v1.Service
}

// Epoch is the time every generated timestamp is taken from.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Options shape what Generate makes.
type Options struct {
	// MaxNodes bounds the nodes (at least 3; default 12).
	MaxNodes int
}

type gen struct {
	r *rand.Rand
	c *Cluster
	// uid numbers objects.
	uid int
}

// Generate returns the cluster of a seed.
func Generate(seed uint64, o Options) *Cluster {
	if o.MaxNodes < 3 {
		o.MaxNodes = 12
	}
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), c: &Cluster{Seed: seed}}
	g.nodes(o.MaxNodes)
	g.controlPlane()
	g.daemonSet("kube-system", "kube-proxy", map[string]string{"k8s-app": "kube-proxy"})
	if g.chance(0.4) {
		g.daemonSet("logging", "fluent-bit", map[string]string{"app": "fluent-bit"})
	}
	g.deployment("kube-system", "coredns", map[string]string{"k8s-app": "kube-dns"}, 1+g.r.IntN(3))
	if g.chance(0.5) {
		g.deployment("kube-system", "metrics-server", map[string]string{"k8s-app": "metrics-server"}, 1+g.r.IntN(2))
	}
	for i := range 1 + g.r.IntN(3) {
		name := fmt.Sprintf("web-%d", i)
		g.deployment("shop", name, map[string]string{"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": name}, 1+g.r.IntN(5))
	}
	if g.chance(0.6) {
		g.statefulSet("shop", "db", map[string]string{"app": "db"}, 1+g.r.IntN(3))
	}
	if g.chance(0.6) {
		g.servicePods("shop", "frontend", 1+g.r.IntN(4))
	}
	for i := range g.r.IntN(3) {
		g.bare("shop", fmt.Sprintf("lonely-%d", i), nil)
	}
	if g.chance(0.5) {
		g.bare("bank", "batch", map[string]string{"app": "batch"})
	}
	g.budgetStatus()
	return g.c
}

// budgetStatus writes each budget's status as the disruption controller
// computes it from the pods it selects (now and then one disruption more
// or less, a status that lags), and sometimes leaves it older than the
// spec.
func (g *gen) budgetStatus() {
	nodes := map[string]*v1.Node{}
	for _, n := range g.c.Nodes {
		nodes[n.Name] = n
	}
	for _, pdb := range g.c.PDBs {
		sel, err := policy.PDBSelector(pdb)
		if err != nil {
			continue
		}
		expected, healthy := 0, 0
		for _, p := range g.c.Pods {
			if p.Namespace != pdb.Namespace || !sel.Matches(labels.Set(p.Labels)) || p.DeletionTimestamp != nil {
				continue
			}
			expected++
			if n := nodes[p.Spec.NodeName]; n != nil && policy.NodeCanRunPods(n) && policy.IsAvailable(p) {
				healthy++
			}
		}
		desired := 0
		switch {
		case pdb.Spec.MinAvailable != nil:
			desired = pdb.Spec.MinAvailable.IntValue()
		case pdb.Spec.MaxUnavailable != nil:
			desired = max(0, expected-pdb.Spec.MaxUnavailable.IntValue())
		}
		allowed := max(0, healthy-desired)
		if g.chance(0.1) {
			allowed = max(0, allowed+g.r.IntN(3)-1) // the status lags
		}
		pdb.Status = policyv1.PodDisruptionBudgetStatus{ObservedGeneration: 1, DisruptionsAllowed: int32(allowed),
			CurrentHealthy: int32(healthy), DesiredHealthy: int32(desired), ExpectedPods: int32(expected)}
		if g.chance(0.05) {
			pdb.Status.ObservedGeneration = 0 // not yet computed for this spec
		}
	}
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) nextUID(kind string) types.UID {
	g.uid++
	return types.UID(fmt.Sprintf("%s-%04d-%d", kind, g.uid, g.c.Seed))
}

// nodes makes control-plane nodes (1 to 3), infra nodes (0 to 2) and
// workers, over up to three zones (sometimes unlabelled) and physical hosts
// (a worker host may carry two VMs; a host-id may be missing), some of them
// tainted, cordoned or down.
func (g *gen) nodes(maxNodes int) {
	cps, infras := 1+g.r.IntN(3), g.r.IntN(3)
	workers := max(1, min(maxNodes-cps-infras, 2+g.r.IntN(maxNodes)))
	zones := 1 + g.r.IntN(3)
	add := func(name, role string, i int) {
		labels := map[string]string{v1.LabelHostname: name}
		switch role {
		case "control-plane":
			labels[policy.LabelControlPlane] = ""
		case "master":
			labels[policy.LabelMaster] = ""
		case "infra":
			labels[policy.LabelInfra] = ""
		}
		if !g.chance(0.08) {
			labels[policy.LabelZone] = fmt.Sprintf("zone-%c", 'a'+rune(i%zones))
			labels[policy.LabelRegion] = "region-1"
		}
		if !g.chance(0.1) {
			host := name
			if role == "worker" {
				host = fmt.Sprintf("w%d", i/2)
			}
			labels[policy.LabelHostID] = "hv-" + host
		}
		n := &v1.Node{
			ObjectMeta: metav1.ObjectMeta{Name: name, UID: g.nextUID("node"), Labels: labels},
			Status: v1.NodeStatus{
				Capacity:    v1.ResourceList{v1.ResourceCPU: resource.MustParse(g.pick("2", "4", "8")), v1.ResourceMemory: resource.MustParse("16Gi"), v1.ResourcePods: resource.MustParse("110")},
				Conditions:  []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue}},
				Allocatable: nil,
			},
		}
		n.Status.Allocatable = n.Status.Capacity
		if role == "control-plane" || role == "master" {
			n.Spec.Taints = append(n.Spec.Taints, v1.Taint{Key: policy.LabelControlPlane, Effect: v1.TaintEffectNoSchedule})
		}
		switch x := g.r.Float64(); {
		case x < 0.06:
			n.Spec.Unschedulable = true
		case x < 0.10:
			n.Spec.Taints = append(n.Spec.Taints, v1.Taint{Key: "example.com/maintenance", Effect: v1.TaintEffectNoSchedule})
		case x < 0.14:
			n.Status.Conditions[0].Status = v1.ConditionUnknown
			n.Spec.Taints = append(n.Spec.Taints, v1.Taint{Key: v1.TaintNodeUnreachable, Effect: v1.TaintEffectNoSchedule},
				v1.Taint{Key: v1.TaintNodeUnreachable, Effect: v1.TaintEffectNoExecute})
		case x < 0.17:
			// Down, the taint not there yet (kube-controller-manager down).
			n.Status.Conditions[0].Status = v1.ConditionFalse
		case x < 0.19:
			n.Spec.Taints = append(n.Spec.Taints, v1.Taint{Key: v1.TaintNodeDiskPressure, Effect: v1.TaintEffectNoSchedule})
		}
		g.c.Nodes = append(g.c.Nodes, n)
	}
	for i := range cps {
		role := "control-plane"
		if g.chance(0.15) {
			role = "master"
		}
		add(fmt.Sprintf("cp-%d", i), role, i)
	}
	for i := range infras {
		add(fmt.Sprintf("infra-%d", i), "infra", i)
	}
	for i := range workers {
		add(fmt.Sprintf("w-%d", i), "worker", i)
	}
}

// nodeNames returns the names of the nodes of a role ("" for every node).
func (g *gen) nodeNames(role policy.NodeRole) []string {
	var out []string
	for _, n := range g.c.Nodes {
		if role == "" || policy.RoleOf(n.Labels) == role {
			out = append(out, n.Name)
		}
	}
	return out
}

// placement is where a new pod of a group goes: a node of the preferred
// role (now and then another node, or one that does not exist), pending,
// or terminating; and whether it is Ready.
func (g *gen) place(p *v1.Pod, preferred policy.NodeRole) {
	nodes := g.nodeNames(preferred)
	if len(nodes) == 0 || g.chance(0.1) {
		nodes = g.nodeNames("")
	}
	switch x := g.r.Float64(); {
	case x < 0.12:
		// Pending.
		p.Status.Phase = v1.PodPending
		return
	case x < 0.15:
		p.Spec.NodeName = "gone-" + strconv.Itoa(g.r.IntN(2))
	default:
		p.Spec.NodeName = nodes[g.r.IntN(len(nodes))]
	}
	p.Status.Phase = v1.PodRunning
	ready := v1.ConditionTrue
	if g.chance(0.1) {
		ready = v1.ConditionFalse
	}
	p.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: ready}}
	if g.chance(0.06) {
		p.DeletionTimestamp = ptr.To(metav1.NewTime(Epoch.Add(time.Hour)))
		p.DeletionGracePeriodSeconds = ptr.To[int64](30)
	}
}

func (g *gen) pod(ns, name string, labels map[string]string) *v1.Pod {
	p := &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: g.nextUID("pod"), Labels: labels, CreationTimestamp: metav1.NewTime(Epoch)},
		Spec: v1.PodSpec{
			SchedulerName: g.pick("default-scheduler", "ha-scheduler"),
			Containers: []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10", Resources: v1.ResourceRequirements{
				Requests: v1.ResourceList{v1.ResourceCPU: resource.MustParse(g.pick("100m", "500m", "1"))}}}},
		},
	}
	if ns == "kube-system" {
		p.Spec.Priority = ptr.To[int32](2000000000)
		p.Spec.PriorityClassName = "system-cluster-critical"
		p.Spec.Tolerations = []v1.Toleration{{Key: policy.LabelControlPlane, Operator: v1.TolerationOpExists, Effect: v1.TaintEffectNoSchedule}}
	} else {
		p.Spec.Priority = ptr.To(int32(g.r.IntN(3) * 1000))
	}
	if g.chance(0.1) {
		p.Spec.Tolerations = []v1.Toleration{{Operator: v1.TolerationOpExists}}
	}
	g.c.Pods = append(g.c.Pods, p)
	return p
}

func controller(kind, name string, uid types.UID) []metav1.OwnerReference {
	apiVersion := "apps/v1"
	if kind == "Node" {
		apiVersion = "v1"
	}
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid, Controller: ptr.To(true)}}
}

// controlPlane makes the control plane: static pods on the control-plane
// nodes (kube-apiserver, kube-scheduler, kube-controller-manager, etcd) as
// mirror pods, or kube-scheduler and kube-controller-manager as
// Deployments and etcd as a StatefulSet, as a lab runs them.
func (g *gen) controlPlane() {
	static := g.chance(0.6)
	for _, n := range g.c.Nodes {
		if policy.RoleOf(n.Labels) != policy.RoleControlPlane {
			continue
		}
		components := []string{"kube-apiserver"}
		if static {
			components = append(components, "kube-scheduler", "kube-controller-manager", "etcd")
		}
		for _, c := range components {
			if g.chance(0.1) {
				continue // not there (an outage, a node being set up)
			}
			p := g.pod("kube-system", c+"-"+n.Name, map[string]string{"component": c, "tier": "control-plane"})
			p.Spec.NodeName = n.Name
			p.Annotations = map[string]string{policy.MirrorPodAnnotation: "hash"}
			p.OwnerReferences = controller("Node", n.Name, n.UID)
			p.Spec.Containers[0].Image = "registry.k8s.io/" + c + ":v1.37.2"
			p.Spec.Containers[0].Command = []string{c}
			p.Status.Phase = v1.PodRunning
			p.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}
		}
	}
	if !static {
		g.deployment("kube-system", "kube-scheduler", map[string]string{"component": "kube-scheduler"}, 1+g.r.IntN(3))
		g.deployment("kube-system", "kube-controller-manager", map[string]string{"component": "kube-controller-manager"}, 1+g.r.IntN(3))
		g.statefulSet("kube-system", "etcd", map[string]string{"component": "etcd"}, 1+2*g.r.IntN(3))
	}
}

// roleOf is the role a group's pods are placed on by the generator: the
// control plane for components meant for it, workers for the rest.
func roleOf(ns string, labels map[string]string) policy.NodeRole {
	c := policy.Default().Classify(&v1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Labels: labels}})
	if r, ok := c.Roles.Only(); ok {
		return r
	}
	return policy.RoleWorker
}

func (g *gen) daemonSet(ns, name string, labels map[string]string) {
	uid := g.nextUID("ds")
	for _, n := range g.c.Nodes {
		p := g.pod(ns, name+"-"+n.Name, labels)
		p.OwnerReferences = controller("DaemonSet", name, uid)
		p.Spec.NodeName = n.Name
		p.Spec.Tolerations = []v1.Toleration{{Operator: v1.TolerationOpExists}}
		p.Status.Phase = v1.PodRunning
		p.Status.Conditions = []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}
	}
}

// deployment makes a Deployment's ReplicaSet (its desired replicas now and
// then above its pods) and pods, and now and then a budget.
func (g *gen) deployment(ns, name string, labels map[string]string, replicas int) {
	hash := fmt.Sprintf("%x", 0x5d0+g.r.IntN(0xff))
	rsName := name + "-" + hash
	desired := replicas + g.r.IntN(2)
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: rsName, UID: g.nextUID("rs"),
			Annotations:     map[string]string{policy.DesiredReplicasAnnotation: strconv.Itoa(desired)},
			OwnerReferences: controller("Deployment", name, g.nextUID("deploy"))},
		Spec: appsv1.ReplicaSetSpec{Replicas: ptr.To(int32(desired)), Selector: &metav1.LabelSelector{MatchLabels: with(labels, "pod-template-hash", hash)}},
	}
	g.c.ReplicaSets = append(g.c.ReplicaSets, rs)
	role := roleOf(ns, labels)
	for i := range replicas {
		p := g.pod(ns, fmt.Sprintf("%s-%d", rsName, i), with(labels, "pod-template-hash", hash))
		p.OwnerReferences = controller("ReplicaSet", rsName, rs.UID)
		g.place(p, role)
	}
	g.budget(ns, name, labels)
}

func (g *gen) statefulSet(ns, name string, labels map[string]string, replicas int) {
	sts := &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: g.nextUID("sts")},
		Spec:       appsv1.StatefulSetSpec{Replicas: ptr.To(int32(replicas + g.r.IntN(2))), Selector: &metav1.LabelSelector{MatchLabels: labels}},
	}
	g.c.StatefulSets = append(g.c.StatefulSets, sts)
	role := roleOf(ns, labels)
	for i := range replicas {
		p := g.pod(ns, fmt.Sprintf("%s-%d", name, i), with(labels, "statefulset.kubernetes.io/pod-name", fmt.Sprintf("%s-%d", name, i)))
		p.OwnerReferences = controller("StatefulSet", name, sts.UID)
		g.place(p, role)
	}
	g.budget(ns, name, labels)
}

// servicePods makes pods without a controller or group label that a
// Service selects.
func (g *gen) servicePods(ns, name string, n int) {
	labels := map[string]string{"run": name}
	g.c.Services = append(g.c.Services, &v1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: g.nextUID("svc")},
		Spec:       v1.ServiceSpec{Selector: labels, ClusterIP: v1.ClusterIPNone},
	})
	for i := range n {
		g.place(g.pod(ns, fmt.Sprintf("%s-%d", name, i), labels), policy.RoleWorker)
	}
}

func (g *gen) bare(ns, name string, labels map[string]string) {
	g.place(g.pod(ns, name, labels), policy.RoleWorker)
}

// budget makes, now and then, a PodDisruptionBudget over a group, its
// status as the disruption controller would have written it.
func (g *gen) budget(ns, name string, labels map[string]string) {
	if !g.chance(0.35) {
		return
	}
	pdb := &policyv1.PodDisruptionBudget{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: g.nextUID("pdb"), Generation: 1},
		Spec:       policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: labels}},
	}
	if g.chance(0.5) {
		pdb.Spec.MinAvailable = ptr.To(intstr.FromInt32(int32(1 + g.r.IntN(2))))
	} else {
		pdb.Spec.MaxUnavailable = ptr.To(intstr.FromInt32(int32(g.r.IntN(2))))
	}
	g.c.PDBs = append(g.c.PDBs, pdb)
}

// with returns labels plus one more.
func with(labels map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for lk, lv := range labels {
		out[lk] = lv
	}
	return out
}

// PodNames returns the namespace/name of every pod, sorted.
func (c *Cluster) PodNames() []string {
	var out []string
	for _, p := range c.Pods {
		out = append(out, p.Namespace+"/"+p.Name)
	}
	slices.Sort(out)
	return out
}
