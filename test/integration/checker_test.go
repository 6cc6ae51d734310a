package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// runChecker runs the real ha-check binary against the test cluster and
// returns its exit code and JSON report.
func runChecker(t *testing.T) (int, checker.Report) {
	t.Helper()
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--kubeconfig", cluster.KubeconfigPath, "-o", "json")
	out, err := cmd.Output()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running ha-check: %v", err)
	}
	var report checker.Report
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("ha-check output is not a JSON report (exit %d): %v\n%s", code, err, out)
	}
	return code, report
}

func withRegion(n harness.NodeSpec) harness.NodeSpec {
	n.Labels[policy.LabelRegion] = "region-1"
	return n
}

func findingsByID(r checker.Report) map[string][]checker.Finding {
	out := map[string][]checker.Finding{}
	for _, f := range r.Findings {
		out[f.ID] = append(out[f.ID], f)
	}
	return out
}

// Placements made by hand (spec.nodeName) that break the rules: the checker
// fails and names each.
func TestCheckerFailsHandMadeBadPlacements(t *testing.T) {
	cluster.Reset(t)
	for _, n := range []harness.NodeSpec{
		// Two control-plane VMs on one hypervisor in one zone, no region.
		controlPlaneNode("cp-1", "zone-a", "hyper-a"),
		controlPlaneNode("cp-2", "zone-a", "hyper-a"),
		workerNode("worker-1", "zone-b", "hyper-b"),
	} {
		cluster.CreateNode(t, n)
	}
	placed := func(p *v1.Pod, node string) {
		p.Spec.NodeName = node
		cluster.CreatePod(t, p)
	}
	placed(componentPod("kube-scheduler-0", map[string]string{"component": "kube-scheduler"}), "cp-1")
	placed(componentPod("etcd-0", map[string]string{"component": "etcd"}), "cp-1")
	placed(componentPod("etcd-1", map[string]string{"component": "etcd"}), "cp-2")
	placed(componentPod("etcd-2", map[string]string{"component": "etcd"}), "cp-2")
	placed(pod("shop", "web-on-master", map[string]string{"app": "web"}), "cp-1")

	code, report := runChecker(t)
	if code != 2 || report.Verdict != checker.VerdictFail {
		t.Fatalf("exit %d, verdict %s; want 2 and FAIL", code, report.Verdict)
	}
	got := findingsByID(report)
	for id, subject := range map[string]string{
		checker.IDLabelsMissing:              "",
		checker.IDControlPlaneNotDistributed: "",
		checker.IDEvenControlPlaneCount:      "",
		checker.IDUserWorkloadOnControlPlane: "shop/web-on-master",
		checker.IDSingleReplica:              "kube-system/kube-scheduler",
		checker.IDHostLosesComponent:         "kube-system/etcd",
	} {
		fs, ok := got[id]
		if !ok {
			t.Errorf("finding %s missing; findings: %+v", id, report.Findings)
			continue
		}
		named := subject == ""
		for _, f := range fs {
			named = named || contains(f.Subjects, subject) || strings.Contains(f.Message, subject)
		}
		if !named {
			t.Errorf("no finding %s names %s: %+v", id, subject, fs)
		}
	}
}

// The same components placed by ha-scheduler on a well-labelled cluster
// pass.
func TestCheckerPassesHASchedulerPlacements(t *testing.T) {
	nodes := []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
		withRegion(workerNode("worker-b", "zone-b", "hyper-e")),
		withRegion(workerNode("worker-c", "zone-c", "hyper-f")),
	}
	startSecondary(t, nodes...)
	var pods []*v1.Pod
	pods = append(pods, replicas(2, "kube-scheduler", map[string]string{"component": "kube-scheduler"})...)
	pods = append(pods, replicas(2, "kube-controller-manager", map[string]string{"component": "kube-controller-manager"})...)
	pods = append(pods, replicas(3, "etcd", map[string]string{"component": "etcd"})...)
	for i := 0; i < 3; i++ {
		pods = append(pods, pod("shop", fmt.Sprintf("web-%d", i), map[string]string{"app": "web"}))
	}
	placeAll(t, pods...)
	for _, c := range []string{"kube-scheduler", "kube-controller-manager", "etcd"} {
		cluster.CreatePDB(t, "kube-system", c, map[string]string{"component": c}, 1, 2, 1)
	}

	code, report := runChecker(t)
	if code != 0 || report.Verdict != checker.VerdictPass {
		t.Fatalf("exit %d, verdict %s; want 0 and PASS; findings: %+v", code, report.Verdict, report.Findings)
	}
	if !report.NodeDistribution.Pass {
		t.Errorf("node distribution did not pass: %+v", report.NodeDistribution)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
