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
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/kubernetes/cmd/kubeadm/app/phases/controlplane"
	configutil "k8s.io/kubernetes/cmd/kubeadm/app/util/config"
	"k8s.io/kubernetes/cmd/kubeadm/app/util/patches"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The replacement static pod, run as written: the binary gets the exact
// command of manifests/replacement/kube-scheduler.yaml, with only the file
// paths under its volume mounts mapped to test-local files (the kubeconfig
// to the test cluster's, the config to a copy of the shipped
// replacement/config.yaml whose own kubeconfig path is mapped the same
// way). It must serve the probes of the manifest without credentials, take
// the kube-scheduler lease and schedule pods that name no scheduler.
func TestShipReplacementStaticPodSchedulesDefaultSchedulerPods(t *testing.T) {
	raw, err := os.ReadFile(harness.ManifestPath("replacement/kube-scheduler.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var pod v1.Pod
	if err := yaml.UnmarshalStrict(raw, &pod); err != nil {
		t.Fatalf("parsing the static pod manifest: %v", err)
	}
	if !pod.Spec.HostNetwork || pod.Namespace != "kube-system" || len(pod.Spec.Containers) != 1 {
		t.Fatalf("not a kubeadm-style static pod (hostNetwork %v, namespace %q, %d containers)",
			pod.Spec.HostNetwork, pod.Namespace, len(pod.Spec.Containers))
	}
	ctr := pod.Spec.Containers[0]

	// Container path -> host path, from the manifest's mounts.
	hostPaths := map[string]string{}
	for _, vol := range pod.Spec.Volumes {
		if vol.HostPath != nil {
			hostPaths[vol.Name] = vol.HostPath.Path
		}
	}
	mounts := map[string]string{}
	for _, m := range ctr.VolumeMounts {
		if hp, ok := hostPaths[m.Name]; ok {
			mounts[m.MountPath] = hp
		}
	}
	// Host path -> test-local file.
	dir := t.TempDir()
	local := map[string]string{"/etc/kubernetes/scheduler.conf": cluster.KubeconfigPath}
	// toLocal maps a path seen inside the container to the test's file; a
	// path the pod does not mount is a bug of the manifest.
	toLocal := func(p string) string {
		t.Helper()
		hp, ok := mounts[p]
		if !ok {
			t.Fatalf("the manifest uses %s but mounts no hostPath volume there (mounts: %v)", p, mounts)
		}
		l, ok := local[hp]
		if !ok {
			t.Fatalf("no test-local file for host path %s", hp)
		}
		return l
	}
	// The config: the shipped file, with its kubeconfig (a container path)
	// mapped like the flags.
	cfgRaw, err := os.ReadFile(harness.ManifestPath("replacement/config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(cfgRaw, &cfg); err != nil {
		t.Fatal(err)
	}
	conn, _ := cfg["clientConnection"].(map[string]any)
	kubeconfigInPod, _ := conn["kubeconfig"].(string)
	if kubeconfigInPod == "" {
		t.Fatal("replacement/config.yaml sets no clientConnection.kubeconfig: the static pod has no in-cluster service account")
	}
	conn["kubeconfig"] = toLocal(kubeconfigInPod)
	cfgOut, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgLocal := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfgLocal, cfgOut, 0o600); err != nil {
		t.Fatal(err)
	}
	local["/etc/kubernetes/ha-scheduler/config.yaml"] = cfgLocal

	// The binary is where the Dockerfile puts it.
	dockerfile, err := os.ReadFile(filepath.Join(harness.RepoRoot(), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^COPY --from=builder /src/bin/ha-scheduler (\S+)$`).FindSubmatch(dockerfile)
	if m == nil {
		t.Fatal("the Dockerfile does not copy bin/ha-scheduler into the image")
	}
	if len(ctr.Command) == 0 || ctr.Command[0] != string(m[1]) {
		t.Fatalf("command = %v, want the image's binary %s first", ctr.Command, m[1])
	}
	args := []string{}
	for _, a := range ctr.Command[1:] {
		if name, val, ok := strings.Cut(a, "="); ok && strings.HasPrefix(val, "/") {
			a = name + "=" + toLocal(val)
		}
		args = append(args, a)
	}

	// The probes of the manifest: host, port (by name), path, scheme.
	probePort := 0
	for _, p := range ctr.Ports {
		if p.Name == ctr.LivenessProbe.HTTPGet.Port.String() || strconv.Itoa(int(p.ContainerPort)) == ctr.LivenessProbe.HTTPGet.Port.String() {
			probePort = int(p.ContainerPort)
		}
	}
	for _, pr := range []*v1.Probe{ctr.LivenessProbe, ctr.ReadinessProbe, ctr.StartupProbe} {
		if pr == nil || pr.HTTPGet == nil || pr.HTTPGet.Host != "127.0.0.1" || pr.HTTPGet.Scheme != v1.URISchemeHTTPS {
			t.Fatalf("probe %+v is not HTTPS on 127.0.0.1", pr)
		}
	}
	if probePort != 10259 {
		t.Fatalf("the probes use port %d, want kube-scheduler's 10259", probePort)
	}
	// The manifest relies on the default secure port. If another process
	// on this machine holds 10259, move only the port.
	port := probePort
	if l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err != nil {
		port, err = harness.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, "--secure-port="+strconv.Itoa(port))
		t.Logf("127.0.0.1:10259 is taken on this machine; added --secure-port=%d", port)
	} else {
		_ = l.Close()
	}
	t.Logf("ha-scheduler %s", strings.Join(args, " "))

	cluster.Reset(t)
	cluster.DeleteLease(t, "kube-system", shipReplacementLease)
	t.Cleanup(func() { cluster.DeleteLease(t, "kube-system", shipReplacementLease) })
	cluster.CreateNode(t, shipControlPlane("cp-1", "zone-a", "host-1"))
	cluster.CreateNode(t, shipWorker("worker-1", "zone-a", "host-2", ""))
	s := cluster.StartSchedulerArgs(t, port, "ha-scheduler.log", args...)

	for _, pr := range []*v1.Probe{ctr.LivenessProbe, ctr.ReadinessProbe} {
		path := pr.HTTPGet.Path
		err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, harness.Timeout, true, func(_ context.Context) (bool, error) {
			code, _, err := s.GetAnonymous(path)
			return err == nil && code == 200, nil
		})
		if err != nil {
			code, body, gerr := s.GetAnonymous(path)
			t.Errorf("probe %s without credentials: %d %s %v", path, code, body, gerr)
		}
	}
	_, holder := shipWaitLeader(t, shipReplacementLease, s)
	t.Logf("holds lease kube-system/%s as %s", shipReplacementLease, holder)

	// No schedulerName: the API server defaults it to default-scheduler.
	cluster.CreatePod(t, shipPod("default", "plain", "", "", map[string]string{"app": "plain"}))
	cluster.CreatePod(t, shipControlPlanePod("kube-controller-manager-0", "", "kube-controller-manager"))
	if node := cluster.WaitScheduled(t, "default", "plain"); node != "worker-1" {
		t.Errorf("default/plain landed on %s, want worker-1", node)
	}
	if node := cluster.WaitScheduled(t, "kube-system", "kube-controller-manager-0"); node != "cp-1" {
		t.Errorf("kube-controller-manager-0 landed on %s, want cp-1", node)
	}
	got, err := cluster.Client.CoreV1().Pods("default").Get(context.Background(), "plain", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec.SchedulerName != v1.DefaultSchedulerName {
		t.Errorf("schedulerName = %q, want %q", got.Spec.SchedulerName, v1.DefaultSchedulerName)
	}
}

// The kubeadm patch of manifests/replacement/kubeadm-patches, given to
// kubeadm v1.37.2's own code as `kubeadm init|join|upgrade --patches DIR`
// gives it: controlplane.CreateStaticPodFiles (what init, join
// --control-plane and upgrade apply|node call to write the control-plane
// manifests) generates the stock kube-scheduler static pod of a defaulted
// ClusterConfiguration, reads the directory with kubeadm's patches package
// (file names, targets, patch types) and writes the patched manifest. The
// result must be manifests/replacement/kube-scheduler.yaml, the static pod
// TestShipReplacementStaticPodSchedulesDefaultSchedulerPods runs: the same
// image, command, mounts, volumes, probes and security context. Only the
// order of volumes and mounts (a strategic merge puts the patch's first)
// and the proxy variables kubeadm copies from its own environment are left
// out of the comparison.
func TestShipReplacementKubeadmPatch(t *testing.T) {
	dir := harness.ManifestPath("replacement/kubeadm-patches")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, entries, "no patch in %s", dir)
	// Every file must be a patch kubeadm takes, for the scheduler only:
	// kubeadm ignores, with a mere warning, a file whose name it does not
	// parse, and would patch another component with one named after it.
	target := regexp.MustCompile(`^(` + strings.Join(patches.KnownTargets(), "|") + `)[^.+]*(\+(strategic|merge|json))?\.(yaml|json)$`)
	for _, e := range entries {
		m := target.FindStringSubmatch(e.Name())
		if m == nil || m[1] != "kube-scheduler" {
			t.Errorf("%s/%s: not a kubeadm patch of target kube-scheduler (target[suffix][+patchtype].yaml|json; targets %v)", dir, e.Name(), patches.KnownTargets())
		}
	}

	cfg, err := configutil.DefaultedStaticInitConfiguration()
	require.NoError(t, err)
	out := t.TempDir()
	require.NoError(t, controlplane.CreateStaticPodFiles(out, dir, &cfg.ClusterConfiguration, &cfg.LocalAPIEndpoint, false, "kube-scheduler"))
	raw, err := os.ReadFile(filepath.Join(out, "kube-scheduler.yaml"))
	require.NoError(t, err)
	var got v1.Pod
	require.NoError(t, yaml.UnmarshalStrict(raw, &got), "kubeadm's patched manifest:\n%s", raw)

	raw, err = os.ReadFile(harness.ManifestPath("replacement/kube-scheduler.yaml"))
	require.NoError(t, err)
	var want v1.Pod
	require.NoError(t, yaml.UnmarshalStrict(raw, &want))
	want.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}

	opts := cmp.Options{
		cmpopts.SortSlices(func(a, b v1.Volume) bool { return a.Name < b.Name }),
		cmpopts.SortSlices(func(a, b v1.VolumeMount) bool { return a.MountPath < b.MountPath }),
		cmpopts.IgnoreFields(v1.Container{}, "Env"),
	}
	if diff := cmp.Diff(want, got, opts); diff != "" {
		t.Errorf("kubeadm's kube-scheduler static pod with the patch differs from manifests/replacement/kube-scheduler.yaml (-shipped +kubeadm):\n%s", diff)
	}
}
