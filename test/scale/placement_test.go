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

package scale

import (
	"encoding/json"
	"flag"
	"fmt"
	"github.com/ha-scheduler/ha-scheduler/test/scale/result"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubernetes/pkg/scheduler"
	perf "k8s.io/kubernetes/test/integration/scheduler_perf"
	"k8s.io/kubernetes/test/utils/client-go/ktesting"

	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// The namespaces of the measured pods (config/performance-config.yaml).
const (
	userNamespace = "user"
	cpNamespace   = "cp-system"
)

// guaranteed reports whether the profile promises the placement rules: the
// ha-scheduler profile and its upstream equivalent do, the default profile
// does not.
func guaranteed(profile string) bool { return profile != "Default" }

// nodesSeen is the number of nodes at the last createNodes op, per test.
var nodesSeen sync.Map // test name -> int

// onCreateNodes is the benchmark's NodeUpdateFn, called by scheduler_perf
// after every createNodes op of a workload.
//
// On its first call in a workload of a scheduling test case it registers
// a cleanup that, once every op has run and before the cluster goes away,
// lists the pods and checks where they landed (checkPlacement). The
// preemption test cases check their victims instead (preemptionBoundary):
// their fill is bound by nodeName where the placement rules would not put
// it.
//
// A createNodes op that adds no node (count: 0) is the config's phase
// boundary marker (phaseBoundary, and before it preemptionBoundary in a
// preemption test case).
func onCreateNodes(tCtx ktesting.TContext, sched *scheduler.Scheduler, _ *perf.Workload, nodes *v1.NodeList) error {
	name := tCtx.Name()
	bn, err := parseBenchName(name)
	if err != nil {
		return err
	}
	before, seen := nodesSeen.Swap(name, len(nodes.Items))
	if !seen {
		tCtx.Cleanup(func() {
			nodesSeen.Delete(name)
			if tCtx.Failed() || bn.preemption {
				return
			}
			checkPlacement(tCtx, name)
		})
		return nil
	}
	if before == len(nodes.Items) {
		if bn.preemption {
			preemptionBoundary(tCtx, sched, name, bn, nodes.Items)
		}
		phaseBoundary(tCtx, name)
	}
	return nil
}

func checkPlacement(tCtx ktesting.TContext, testName string) {
	parts := strings.Split(testName, "/")
	if len(parts) < 3 {
		tCtx.Errorf("unexpected test name %q", testName)
		return
	}
	nodes, err := tCtx.Client().CoreV1().Nodes().List(tCtx, metav1.ListOptions{})
	if err != nil {
		tCtx.Errorf("placement check: listing nodes: %v", err)
		return
	}
	var pods []v1.Pod
	for _, ns := range []string{userNamespace, cpNamespace} {
		list, err := tCtx.Client().CoreV1().Pods(ns).List(tCtx, metav1.ListOptions{})
		if err != nil {
			tCtx.Errorf("placement check: listing pods: %v", err)
			return
		}
		pods = append(pods, list.Items...)
	}
	p, violations := analyze(nodes.Items, pods)
	p.Profile, p.Workload = parts[1], parts[2]
	tCtx.Logf("placement: %+v", *p)
	if guaranteed(p.Profile) {
		for _, v := range violations {
			tCtx.Errorf("placement: %s", v)
		}
	}
	if err := writeResult(fmt.Sprintf("placement_%s_%s.json", p.Profile, p.Workload), p); err != nil {
		tCtx.Errorf("placement: writing the result: %v", err)
	}
}

// writeResult writes v as JSON into scheduler_perf's -data-items-dir, beside
// the data items, where the report reads it; nothing without the flag.
func writeResult(name string, v any) error {
	f := flag.Lookup("data-items-dir")
	if f == nil || f.Value.String() == "" {
		return nil
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(f.Value.String(), name), data, 0o644)
}

// analyze computes the placement of the measured pods and lists the
// violations of the guarantees (user pods on control-plane or infra nodes,
// control-plane pods elsewhere than on control-plane nodes, a control-plane
// group unbalanced over the control-plane hosts, pending pods).
func analyze(nodes []v1.Node, pods []v1.Pod) (*result.Placement, []string) {
	byName := make(map[string]*v1.Node, len(nodes))
	workerZones, workerHosts, cpHosts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for i := range nodes {
		n := &nodes[i]
		byName[n.Name] = n
		switch policy.RoleOf(n.Labels) {
		case policy.RoleWorker:
			workerZones[zoneOf(n)] = true
			workerHosts[hostOf(n)] = true
		case policy.RoleControlPlane:
			cpHosts[hostOf(n)] = true
		}
	}
	p := &result.Placement{}
	var violations []string
	violate := func(format string, args ...any) {
		if len(violations) < 20 {
			violations = append(violations, fmt.Sprintf(format, args...))
		}
	}
	userZones := map[string]map[string]int{} // group -> zone -> replicas
	userHosts := map[string]map[string]int{} // group -> host -> replicas
	cpGroupHosts := map[string]map[string]int{}
	for i := range pods {
		pod := &pods[i]
		user := pod.Namespace == userNamespace
		if user {
			p.UserPods++
		} else {
			p.CPPods++
		}
		node := byName[pod.Spec.NodeName]
		if node == nil {
			if user {
				p.UserPodsPending++
			} else {
				p.CPPodsPending++
			}
			violate("%s/%s is not scheduled", pod.Namespace, pod.Name)
			continue
		}
		role := policy.RoleOf(node.Labels)
		if user {
			switch role {
			case policy.RoleControlPlane:
				p.UserPodsOnControlPlane++
				violate("user pod %s/%s on control-plane node %s", pod.Namespace, pod.Name, node.Name)
			case policy.RoleInfra:
				p.UserPodsOnInfra++
				violate("user pod %s/%s on infra node %s", pod.Namespace, pod.Name, node.Name)
			}
			g := pod.Labels["app"]
			inc(userZones, g, zoneOf(node))
			inc(userHosts, g, hostOf(node))
			continue
		}
		if role != policy.RoleControlPlane {
			p.CPPodsOffControlPlane++
			violate("control-plane pod %s/%s on %s node %s", pod.Namespace, pod.Name, role, node.Name)
			continue
		}
		inc(cpGroupHosts, pod.Labels["component"], hostOf(node))
	}

	for _, g := range sortedKeys(userZones) {
		p.UserGroups++
		skew := skewOver(userZones[g], workerZones)
		p.MaxZoneSkew = max(p.MaxZoneSkew, skew)
		if skew <= 1 {
			p.ZoneBalancedGroups++
		}
		replicas, most := 0, 0
		for _, c := range userHosts[g] {
			replicas += c
			most = max(most, c)
		}
		p.MaxReplicasPerHost = max(p.MaxReplicasPerHost, most)
		if len(workerHosts) > 0 && most <= (replicas+len(workerHosts)-1)/len(workerHosts) {
			p.HostSpreadGroups++
		}
	}
	for _, g := range sortedKeys(cpGroupHosts) {
		p.CPGroups++
		skew := skewOver(cpGroupHosts[g], cpHosts)
		p.MaxCPHostSkew = max(p.MaxCPHostSkew, skew)
		if skew <= 1 {
			p.CPHostBalancedGroups++
		} else {
			violate("control-plane group %s: replicas per control-plane host differ by %d: %v", g, skew, cpGroupHosts[g])
		}
	}
	return p, violations
}

func zoneOf(n *v1.Node) string {
	return policy.DomainOf(n.Name, n.Labels, policy.LabelZone)
}

func hostOf(n *v1.Node) string {
	return policy.DomainOf(n.Name, n.Labels, policy.LabelHostID)
}

func inc(m map[string]map[string]int, group, domain string) {
	if m[group] == nil {
		m[group] = map[string]int{}
	}
	m[group][domain]++
}

// skewOver is the difference between the most and the fewest replicas on
// the domains (domains without replicas count as zero).
func skewOver(counts map[string]int, domains map[string]bool) int {
	lo, hi, first := 0, 0, true
	for d := range domains {
		c := counts[d]
		if first {
			lo, hi, first = c, c, false
			continue
		}
		lo, hi = min(lo, c), max(hi, c)
	}
	return hi - lo
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
