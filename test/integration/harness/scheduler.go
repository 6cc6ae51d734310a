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

package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"
)

// Scheduler is a running ha-scheduler binary.
type Scheduler struct {
	*Process
	Port int
}

// ConfigEdit changes a parsed KubeSchedulerConfiguration.
type ConfigEdit func(cfg map[string]any)

// SetPolicyArg sets one field of every profile's policy (the HAPolicy
// entry), as an operator does: one line per profile.
func SetPolicyArg(key string, value any) ConfigEdit {
	return SetPluginArg(key, value, "HAPolicy")
}

// SetPluginArg sets one field in the args of the named pluginConfig entries
// of every profile.
func SetPluginArg(key string, value any, plugins ...string) ConfigEdit {
	return func(cfg map[string]any) {
		profiles, _ := cfg["profiles"].([]any)
		for _, p := range profiles {
			prof, _ := p.(map[string]any)
			pcs, _ := prof["pluginConfig"].([]any)
			for _, pc := range pcs {
				entry, _ := pc.(map[string]any)
				name, _ := entry["name"].(string)
				if !slices.Contains(plugins, name) {
					continue
				}
				args, _ := entry["args"].(map[string]any)
				if args == nil {
					args = map[string]any{}
				}
				args[key] = value
				entry["args"] = args
			}
		}
	}
}

// SchedulerConfig writes the shipped configuration manifests/<rel> with
// clientConnection.kubeconfig pointed at the test cluster (with --config,
// kube-scheduler ignores --kubeconfig) and the given edits, and returns the
// file's path.
func (c *Cluster) SchedulerConfig(t testing.TB, rel string, edits ...ConfigEdit) string {
	t.Helper()
	return WriteConfig(t, rel, c.KubeconfigPath, edits...)
}

// WriteConfig writes the shipped configuration manifests/<rel> with
// clientConnection.kubeconfig set to kubeconfig and the edits applied, and
// returns the file's path.
func WriteConfig(t testing.TB, rel, kubeconfig string, edits ...ConfigEdit) string {
	t.Helper()
	raw, err := os.ReadFile(ManifestPath(rel))
	if err != nil {
		t.Fatalf("reading shipped config: %v", err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("parsing shipped config %s: %v", rel, err)
	}
	conn, _ := cfg["clientConnection"].(map[string]any)
	if conn == nil {
		conn = map[string]any{}
	}
	conn["kubeconfig"] = kubeconfig
	cfg["clientConnection"] = conn
	for _, edit := range edits {
		edit(cfg)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), filepath.Base(rel))
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// StartScheduler runs ha-scheduler with the given config file and flags,
// authenticating its secure port's clients with the admin kubeconfig.
func (c *Cluster) StartScheduler(t testing.TB, configPath string, flags ...string) *Scheduler {
	t.Helper()
	return c.StartSchedulerWith(t, configPath, SchedulerOptions{Flags: flags})
}

// SchedulerOptions say how StartSchedulerWith runs ha-scheduler.
type SchedulerOptions struct {
	// AuthKubeconfig is passed as --authentication-kubeconfig and
	// --authorization-kubeconfig (delegated authn/authz of the secure
	// port). Default: the admin kubeconfig, as StartScheduler does.
	AuthKubeconfig string
	// Flags are appended to the command line.
	Flags []string
	// LogName names the log file (default ha-scheduler.log), so that two
	// instances of one test are told apart in failure output.
	LogName string
}

// StartSchedulerWith is StartScheduler with options: another identity for
// delegated authn/authz, extra flags, a log name.
func (c *Cluster) StartSchedulerWith(t testing.TB, configPath string, o SchedulerOptions) *Scheduler {
	t.Helper()
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	auth := o.AuthKubeconfig
	if auth == "" {
		auth = c.KubeconfigPath
	}
	args := append([]string{
		"--config", configPath,
		"--bind-address", "127.0.0.1", "--secure-port", strconv.Itoa(port),
		"--cert-dir", t.TempDir(),
		"--authentication-kubeconfig", auth,
		"--authorization-kubeconfig", auth,
		"--v", "3",
	}, o.Flags...)
	return c.StartSchedulerArgs(t, port, o.LogName, args...)
}

// StartSchedulerArgs runs ha-scheduler with exactly args (nothing added),
// waits until https://127.0.0.1:<port>/healthz answers, and stops it when
// the test ends (printing its log tail if the test failed).
func (c *Cluster) StartSchedulerArgs(t testing.TB, port int, logName string, args ...string) *Scheduler {
	t.Helper()
	bin, err := SchedulerBinary()
	if err != nil {
		t.Fatal(err)
	}
	if logName == "" {
		logName = "ha-scheduler.log"
	}
	p, err := StartProcess("ha-scheduler", bin, filepath.Join(t.TempDir(), logName), args...)
	if err != nil {
		t.Fatal(err)
	}
	s := &Scheduler{Process: p, Port: port}
	t.Cleanup(func() {
		s.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("%s tail:\n%s", logName, s.LogTail(60))
		}
	})
	if err := s.waitHealthy(60 * time.Second); err != nil {
		t.Fatal(err)
	}
	return s
}

// GetAnonymous fetches a path from the scheduler's secure port without
// credentials, as a kubelet probe does.
func (s *Scheduler) GetAnonymous(path string) (int, string, error) {
	resp, err := insecureClient.Get("https://127.0.0.1:" + strconv.Itoa(s.Port) + path)
	if err != nil {
		return 0, "", err
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

func (s *Scheduler) waitHealthy(timeout time.Duration) error {
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, timeout, true, func(context.Context) (bool, error) {
		if exited, err := s.Exited(); exited {
			return false, fmt.Errorf("ha-scheduler exited: %v\n%s", err, s.LogTail(40))
		}
		code, _, err := s.Get("/healthz")
		return err == nil && code == 200, nil
	})
	if wait.Interrupted(err) {
		return fmt.Errorf("ha-scheduler not healthy after %v\n%s", timeout, s.LogTail(40))
	}
	return err
}
