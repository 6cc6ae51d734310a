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

package rebalance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Applier carries out the rebalance: one move at a time, each planned
// from the cluster as it is then.
//
// Before each move it reads the cluster again (Load) and plans anew; the
// move it makes is the first of that plan (groups by key, each group's
// moves in order), so it follows the cluster rather than the plan it
// printed, which may differ where the scheduler chose another of equally
// good nodes. It stops, having evicted nothing more, when:
//
//   - the move's group is not as the last look left it: its replicas, the
//     nodes they are on, the nodes open to it, or its recovery changed,
//     except by the replacement of its own last eviction (the cluster
//     changed under it);
//   - the eviction would take a disruption-controlled group below the
//     policy's minimum (Blocked: etcd below the quorum of its desired
//     size);
//   - a PodDisruptionBudget of the pod has not caught up with the cluster
//     within Timeout, or the eviction API refuses the eviction (429: a
//     budget allows no disruption; the budgets are named);
//   - the replacement is not scheduled and Ready within Timeout of the
//     eviction;
//   - a move left the group spread no better than before (the scheduler
//     placed the replacement elsewhere than planned: resources, another
//     scheduler), which would otherwise repeat forever.
//
// Run again, it plans from the cluster as it is: a group whose last
// replacement is still on its way is not settled and waits.
type Applier struct {
	// Client evicts pods, and lists the pods and budgets of a namespace
	// while it waits.
	Client kubernetes.Interface
	// Load reads the cluster into a model under the policy.
	Load func(ctx context.Context) (*model.Model, error)
	// Timeout bounds each move's waits: for the budgets to be current,
	// and from the eviction until the replacement is Ready.
	Timeout time.Duration
	// Interval is the time between two looks while it waits (default 1s).
	Interval time.Duration
	// Progress receives a line for each step.
	Progress io.Writer
}

// Stopped is why Apply stopped before the spread was restored. Nothing it
// started is left half-done: it stops before an eviction, or after one
// whose replacement it waited for in vain (the message says where it is).
type Stopped struct {
	Reason string
}

func (s *Stopped) Error() string { return s.Reason }

func stopped(format string, args ...any) error { return &Stopped{Reason: fmt.Sprintf(format, args...)} }

// Result is what Apply did.
type Result struct {
	// Moves made.
	Moves int
	// Waiting are the groups left unplanned because they have not
	// recovered, with why.
	Waiting []string
}

// lastMove is the move Apply made last: the group as it should be now.
type lastMove struct {
	group     string
	potential []int
	evicted   string
}

// Run makes the moves, until none is left or it stops (*Stopped).
func (a *Applier) Run(ctx context.Context) (Result, error) {
	var res Result
	if a.Interval == 0 {
		a.Interval = time.Second
	}
	// expected is each group's fingerprint as the last look, and the
	// moves since, leave it.
	expected := map[string]string{}
	first := true
	var last *lastMove
	for {
		m, err := a.Load(ctx)
		if err != nil {
			return res, err
		}
		groups := Groups(m)
		if first {
			for _, g := range groups {
				expected[g.Key] = fingerprint(g)
			}
			first = false
		}
		if last != nil {
			if err := a.checkProgress(groups, last); err != nil {
				return res, err
			}
		}
		g, mv, ok := nextMove(groups)
		if !ok {
			for _, g := range groups {
				if g.Unsettled != "" && len(g.Ideal().Plan()) > 0 {
					res.Waiting = append(res.Waiting, g.Key+": "+g.Unsettled)
				}
			}
			a.progressf("done: %d %s; every group that can is spread as the scheduler would place it now", res.Moves, plural(res.Moves, "move", "moves"))
			for _, w := range res.Waiting {
				a.progressf("not planned, not recovered yet: %s", w)
			}
			return res, nil
		}
		fp, known := expected[g.Key]
		if !known {
			return res, stopped("the cluster changed under it: group %s appeared since it started; run it again to plan from the cluster as it is", g.Key)
		}
		if now := fingerprint(g); now != fp {
			return res, stopped("the cluster changed under it: group %s is not as it left it (%s); run it again to plan from the cluster as it is", g.Key, fingerprintDiff(fp, now))
		}
		after, err := a.move(ctx, m, g, mv, res.Moves+1)
		if err != nil {
			return res, err
		}
		res.Moves++
		expected[g.Key] = after
		last = &lastMove{group: g.Key, potential: g.Potential(), evicted: mv.Pod}
	}
}

// nextMove is the first move of the plan: the first group, by key, with
// moves, and its first move.
func nextMove(groups []*policy.RebalanceGroup) (*policy.RebalanceGroup, policy.RebalanceMove, bool) {
	for _, g := range groups {
		if moves := g.Plan(); len(moves) > 0 {
			return g, moves[0], true
		}
	}
	return nil, policy.RebalanceMove{}, false
}

// checkProgress stops when the last move left its group spread no better
// than before (policy.RebalanceGroup.Potential).
func (a *Applier) checkProgress(groups []*policy.RebalanceGroup, last *lastMove) error {
	i := slices.IndexFunc(groups, func(g *policy.RebalanceGroup) bool { return g.Key == last.group })
	if i < 0 {
		return nil // gone: the fingerprint check has nothing left to guard
	}
	if slices.Compare(groups[i].Potential(), last.potential) >= 0 {
		return stopped("the replacement of %s was placed where %s is spread no better than before (the scheduler chose another node than planned: full nodes, or another scheduler?); stopping so as not to move it again", last.evicted, last.group)
	}
	return nil
}

// move makes one move: the checks, the eviction, the wait for the
// replacement. It returns the group's fingerprint as the move leaves it.
func (a *Applier) move(ctx context.Context, m *model.Model, g *policy.RebalanceGroup, mv policy.RebalanceMove, n int) (string, error) {
	ns, name, _ := strings.Cut(mv.Pod, "/")
	mp := m.Pod(ns, name)
	if mp == nil {
		return "", stopped("the cluster changed under it: %s is gone", mv.Pod)
	}
	pod := mp.Pod
	if why := Blocked(m, pod); why != "" {
		return "", stopped("move %d: not evicting %s: %s", n, mv.Pod, why)
	}
	level := printers.LevelName(g.Levels[mv.Level])
	a.progressf("move %d: evicting %s from %s (%s %s: %d → %d, %s %s: %d → %d)", n, mv.Pod, mv.Node,
		level, mv.From, mv.FromReplicas, mv.FromReplicas-1, level, mv.To, mv.ToReplicas, mv.ToReplicas+1)

	budgets := m.Budgets.Selecting(pod)
	if err := a.waitBudgetsCurrent(ctx, pod, budgets); err != nil {
		return "", err
	}
	err := a.Client.CoreV1().Pods(ns).EvictV1(ctx, &policyv1.Eviction{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, DeleteOptions: &metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}}})
	switch {
	case apierrors.IsTooManyRequests(err):
		return "", stopped("move %d: the eviction of %s was refused: %s%s; nothing was evicted", n, mv.Pod, refusal(err), namedBudgets(budgets))
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		return "", stopped("the cluster changed under it: %s is gone or was replaced before its eviction", mv.Pod)
	case err != nil:
		return "", fmt.Errorf("evicting %s: %w%s", mv.Pod, err, namedBudgets(budgets))
	}

	repl, err := a.waitReplacement(ctx, m, g, pod)
	if err != nil {
		return "", err
	}
	node := m.Nodes[repl.Spec.NodeName]
	where := repl.Spec.NodeName
	if node != nil {
		where += " (" + level + " " + policy.DomainOf(node.Name, node.Labels, g.Levels[mv.Level]) + ")"
	}
	a.progressf("move %d: %s/%s is Ready on %s", n, repl.Namespace, repl.Name, where)

	// The group as this move leaves it: the evicted replica replaced.
	after := *g
	after.Members = slices.Clone(g.Members)
	for i := range after.Members {
		if after.Members[i].Pod == mv.Pod {
			after.Members[i].Pod, after.Members[i].Node = repl.Namespace+"/"+repl.Name, repl.Spec.NodeName
		}
	}
	return fingerprint(&after), nil
}

// waitBudgetsCurrent waits until the status of every budget of the pod
// reflects the cluster: computed for its current spec, no eviction it has
// not seen the end of, and as many healthy pods as are Ready now. Right
// after a move the disruption controller may still count the evicted pod
// or not yet the replacement, and the eviction API would refuse a move
// the budget allows.
func (a *Applier) waitBudgetsCurrent(ctx context.Context, pod *v1.Pod, budgets []model.Budget) error {
	if len(budgets) == 0 {
		return nil
	}
	var behind string
	err := wait.PollUntilContextTimeout(ctx, a.Interval, a.Timeout, true, func(ctx context.Context) (bool, error) {
		pdbs, err := a.Client.PolicyV1().PodDisruptionBudgets(pod.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		pods, err := a.Client.CoreV1().Pods(pod.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		behind = ""
		for _, b := range budgets {
			i := slices.IndexFunc(pdbs.Items, func(p policyv1.PodDisruptionBudget) bool { return p.Name == b.PDB.Name })
			if i < 0 {
				continue // deleted: it protects nothing any more
			}
			if why := budgetBehind(&pdbs.Items[i], pods.Items); why != "" {
				behind = "PodDisruptionBudget " + pod.Namespace + "/" + b.PDB.Name + " " + why
				return false, nil
			}
		}
		return true, nil
	})
	if wait.Interrupted(err) && behind != "" && ctx.Err() == nil {
		return stopped("not evicting %s/%s: %s after %s: is kube-controller-manager's disruption controller running?", pod.Namespace, pod.Name, behind, a.Timeout)
	}
	return err
}

// budgetBehind says how the budget's status lags the pods; "" when it is
// current.
func budgetBehind(pdb *policyv1.PodDisruptionBudget, pods []v1.Pod) string {
	st := pdb.Status
	if st.ObservedGeneration < pdb.Generation {
		return fmt.Sprintf("has not computed its status for generation %d", pdb.Generation)
	}
	if len(st.DisruptedPods) > 0 {
		return fmt.Sprintf("still waits for %d evicted pods to go", len(st.DisruptedPods))
	}
	sel, err := policy.PDBSelector(pdb)
	if err != nil {
		return ""
	}
	healthy := 0
	for i := range pods {
		if sel.Matches(labels.Set(pods[i].Labels)) && policy.IsAvailable(&pods[i]) {
			healthy++
		}
	}
	if int(st.CurrentHealthy) != healthy {
		return fmt.Sprintf("counts %d healthy pods, %d are", st.CurrentHealthy, healthy)
	}
	return ""
}

// waitReplacement waits until the evicted pod is gone and a new replica of
// its group is bound and Ready on a node that is up, and returns it.
func (a *Applier) waitReplacement(ctx context.Context, m *model.Model, g *policy.RebalanceGroup, evicted *v1.Pod) (*v1.Pod, error) {
	before := map[string]bool{}
	for _, mb := range g.Members {
		before[mb.Pod] = true
	}
	var state string
	var repl *v1.Pod
	err := wait.PollUntilContextTimeout(ctx, a.Interval, a.Timeout, false, func(ctx context.Context) (bool, error) {
		pods, err := a.Client.CoreV1().Pods(evicted.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		gone := true
		var fresh []*v1.Pod
		for i := range pods.Items {
			p := &pods.Items[i]
			if p.UID == evicted.UID {
				gone = false
				continue
			}
			if model.IsFinished(p) || !policy.CountsInSpread(p) || before[p.Namespace+"/"+p.Name] && p.Name != evicted.Name {
				continue
			}
			if policy.GroupOf(p, m.Policy.Classify(p), m.Lookups.Services) == g.Group {
				fresh = append(fresh, p)
			}
		}
		switch {
		case !gone:
			state = evicted.Namespace + "/" + evicted.Name + " has not gone yet"
			return false, nil
		case len(fresh) == 0:
			state = "no replacement has been created"
			return false, nil
		}
		sort.Slice(fresh, func(i, j int) bool { return fresh[i].CreationTimestamp.After(fresh[j].CreationTimestamp.Time) })
		repl = fresh[0]
		node := m.Nodes[repl.Spec.NodeName]
		switch {
		case repl.Spec.NodeName == "":
			state = fmt.Sprintf("its replacement %s is pending%s", repl.Name, scheduledMessage(repl))
			return false, nil
		case node == nil || !policy.NodeCanRunPods(node):
			state = fmt.Sprintf("its replacement %s is on node %s, which is not up", repl.Name, repl.Spec.NodeName)
			return false, nil
		case !policy.IsAvailable(repl):
			state = fmt.Sprintf("its replacement %s on %s is not Ready", repl.Name, repl.Spec.NodeName)
			return false, nil
		}
		return true, nil
	})
	if wait.Interrupted(err) && ctx.Err() == nil {
		return nil, stopped("%s/%s was evicted, but %s after %s; nothing more was evicted: see to it, then run again", evicted.Namespace, evicted.Name, state, a.Timeout)
	}
	return repl, err
}

// scheduledMessage is the scheduler's last word on a pending pod: ":
// <PodScheduled message>", or "".
func scheduledMessage(pod *v1.Pod) string {
	for _, c := range pod.Status.Conditions {
		if c.Type == v1.PodScheduled && c.Message != "" {
			return ": " + c.Message
		}
	}
	return ""
}

// namedBudgets names the budgets: " (PodDisruptionBudget shop/web)".
func namedBudgets(budgets []model.Budget) string {
	if len(budgets) == 0 {
		return ""
	}
	names := make([]string, len(budgets))
	for i, b := range budgets {
		names[i] = b.PDB.Namespace + "/" + b.PDB.Name
	}
	word := "PodDisruptionBudget "
	if len(names) > 1 {
		word = "PodDisruptionBudgets "
	}
	return " (" + word + strings.Join(names, ", ") + ")"
}

// refusal is what the eviction API said when it refused: its message and
// the causes it names (the budget and its numbers).
func refusal(err error) string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return err.Error()
	}
	s := status.Status()
	msg := s.Message
	if s.Details != nil {
		for _, c := range s.Details.Causes {
			msg += " " + c.Message
		}
	}
	return msg
}

// fingerprint is a group as Apply compares it between two looks: its
// replicas and their nodes, the nodes open to it, its recovery.
func fingerprint(g *policy.RebalanceGroup) string {
	members := make([]string, len(g.Members))
	for i, m := range g.Members {
		members[i] = m.Pod + "@" + m.Node
	}
	sort.Strings(members)
	nodes := make([]string, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[i] = n.Name
	}
	return strings.Join(members, ",") + "|" + strings.Join(nodes, ",") + "|" + g.Unsettled
}

// fingerprintDiff says what differs between two fingerprints.
func fingerprintDiff(was, now string) string {
	w, n := strings.SplitN(was, "|", 3), strings.SplitN(now, "|", 3)
	var parts []string
	if added, gone := setDiff(w[0], n[0]); added != "" || gone != "" {
		parts = append(parts, describe("replicas", added, gone))
	}
	if added, gone := setDiff(w[1], n[1]); added != "" || gone != "" {
		parts = append(parts, describe("nodes open to it", added, gone))
	}
	if w[2] != n[2] {
		parts = append(parts, fmt.Sprintf("not recovered: %q, was %q", n[2], w[2]))
	}
	return strings.Join(parts, "; ")
}

func setDiff(was, now string) (string, string) {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	w, n := split(was), split(now)
	var added, gone []string
	for _, x := range n {
		if !slices.Contains(w, x) {
			added = append(added, x)
		}
	}
	for _, x := range w {
		if !slices.Contains(n, x) {
			gone = append(gone, x)
		}
	}
	return strings.Join(added, ", "), strings.Join(gone, ", ")
}

func describe(what, added, gone string) string {
	var parts []string
	if added != "" {
		parts = append(parts, "new "+added)
	}
	if gone != "" {
		parts = append(parts, "gone "+gone)
	}
	return what + ": " + strings.Join(parts, ", ")
}

func (a *Applier) progressf(format string, args ...any) {
	if a.Progress != nil {
		fmt.Fprintf(a.Progress, format+"\n", args...)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
