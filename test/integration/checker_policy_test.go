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

package integration

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The labels ha-check finds the scheduler's ConfigMap by (the
// configMapGenerator of manifests/secondary sets them).
const schedulerConfigSelector = "app.kubernetes.io/part-of=ha-scheduler,app.kubernetes.io/component=scheduler-config"

// runCheckerArgs runs the real ha-check binary with extra flags and returns
// its exit code and -o json report.
func runCheckerArgs(t *testing.T, args ...string) (int, v1alpha1.Report) {
	t.Helper()
	bin, err := harness.Binary("HA_CHECK_BIN", "bin/ha-check", "make build")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig", cluster.KubeconfigPath, "-o", "json"}, args...)...)
	var stderr []byte
	out, err := cmd.Output()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code, stderr = exitErr.ExitCode(), exitErr.Stderr
	} else if err != nil {
		t.Fatalf("running ha-check: %v", err)
	}
	var report v1alpha1.Report
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("ha-check output is not a JSON report (exit %d): %v\n%s\nstderr:\n%s", code, err, out, stderr)
	}
	if report.APIVersion != "ha-check.ha-scheduler.io/v1alpha1" || report.Kind != "Report" {
		t.Fatalf("ha-check report is apiVersion %q, kind %q; want ha-check.ha-scheduler.io/v1alpha1, Report", report.APIVersion, report.Kind)
	}
	return code, report
}

// deleteSchedulerConfigMaps removes every ConfigMap ha-check would take
// the policy from.
func deleteSchedulerConfigMaps(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cms, err := cluster.Client.CoreV1().ConfigMaps(metav1.NamespaceAll).List(ctx, metav1.ListOptions{LabelSelector: schedulerConfigSelector})
	if err != nil {
		t.Fatal(err)
	}
	for _, cm := range cms.Items {
		if err := cluster.Client.CoreV1().ConfigMaps(cm.Namespace).Delete(ctx, cm.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
	}
}

// TestCheckerPolicySource: ha-check audits with the scheduler's policy,
// read from --config or from the ConfigMap the manifests install, and with
// the default policy only when there is none; the report names its source.
func TestCheckerPolicySource(t *testing.T) {
	cluster.Reset(t)
	deleteSchedulerConfigMaps(t)
	t.Cleanup(func() { deleteSchedulerConfigMaps(t) })
	for _, n := range []harness.NodeSpec{
		withRegion(controlPlaneNode("cp-a", "zone-a", "hyper-a")),
		withRegion(controlPlaneNode("cp-b", "zone-b", "hyper-b")),
		withRegion(controlPlaneNode("cp-c", "zone-c", "hyper-c")),
		withRegion(workerNode("worker-a", "zone-a", "hyper-d")),
	} {
		cluster.CreateNode(t, n)
	}
	vault := componentPod("vault-0", map[string]string{"app": "vault"})
	vault.Spec.NodeName = "worker-a"
	cluster.CreatePod(t, vault)
	cluster.SetReady(t, vault.Namespace, vault.Name, true)

	// The shipped configuration with a vault component: control-plane
	// nodes, spread Required, quorum.
	configPath := cluster.SchedulerConfig(t, "secondary/config.yaml", harness.SetPolicyArg("components", []any{map[string]any{
		"name":       "vault",
		"selectors":  []any{map[string]any{"matchLabels": map[string]any{"app": "vault"}}},
		"nodeRole":   "ControlPlane",
		"spread":     "Required",
		"disruption": map[string]any{"quorum": true},
	}}))
	config, err := os.ReadFile(configPath)
	if err != nil {
		t.Fatal(err)
	}

	offRole := func(t *testing.T, r v1alpha1.Report) bool {
		t.Helper()
		for _, f := range findingsByID(r)[v1alpha1.IDComponentOffRole] {
			if contains(f.Subjects, "kube-system/vault-0") {
				return true
			}
		}
		return false
	}

	t.Run("no ConfigMap: the default policy", func(t *testing.T) {
		code, r := runCheckerArgs(t)
		if want := "default policy (no ha-scheduler configuration found in namespace kube-system)"; r.PolicySource != want {
			t.Errorf("policySource %q, want %q", r.PolicySource, want)
		}
		if offRole(t, r) {
			t.Errorf("exit %d: the default policy has no vault component, yet vault is off its role: %+v", code, r.Findings)
		}
	})

	t.Run("--config", func(t *testing.T) {
		code, r := runCheckerArgs(t, "--config", configPath)
		if want := "file " + configPath + ", profile ha-scheduler"; r.PolicySource != want {
			t.Errorf("policySource %q, want %q", r.PolicySource, want)
		}
		if code != 2 || !offRole(t, r) {
			t.Errorf("exit %d, want 2 with %s for kube-system/vault-0; findings: %+v", code, v1alpha1.IDComponentOffRole, r.Findings)
		}
	})

	t.Run("the scheduler's ConfigMap", func(t *testing.T) {
		cm := &v1.ConfigMap{
			ObjectMeta: metav1.ObjectMeta{Namespace: "kube-system", Name: "ha-scheduler-config-abc", Labels: map[string]string{
				"app.kubernetes.io/part-of": "ha-scheduler", "app.kubernetes.io/component": "scheduler-config",
			}},
			Data: map[string]string{"config.yaml": string(config)},
		}
		if _, err := cluster.Client.CoreV1().ConfigMaps(cm.Namespace).Create(context.Background(), cm, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		code, r := runCheckerArgs(t)
		if want := "ConfigMap kube-system/ha-scheduler-config-abc, profile ha-scheduler"; r.PolicySource != want {
			t.Errorf("policySource %q, want %q", r.PolicySource, want)
		}
		if code != 2 || !offRole(t, r) {
			t.Errorf("exit %d, want 2 with %s for kube-system/vault-0; findings: %+v", code, v1alpha1.IDComponentOffRole, r.Findings)
		}
	})
}
