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

// kubectl, kubeconfigs for ServiceAccount tokens, and leases.

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// WriteTokenKubeconfig writes a kubeconfig for the test API server that
// authenticates with the bearer token, and returns its path.
func (c *Cluster) WriteTokenKubeconfig(t testing.TB, name, token string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["it"] = &clientcmdapi.Cluster{Server: c.APIServerURL, InsecureSkipTLSVerify: true}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts["it"] = &clientcmdapi.Context{Cluster: "it", AuthInfo: name}
	cfg.CurrentContext = "it"
	path := filepath.Join(t.TempDir(), name+".kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// KubectlBinary is kubectl built from the pinned modules.
func KubectlBinary() (string, error) {
	return Binary("KUBECTL_BIN", "_output/bin/kubectl", "hack/build-binaries.sh kubectl")
}

// Kubectl runs kubectl in the repository root with the admin kubeconfig
// and returns its combined output.
func (c *Cluster) Kubectl(t testing.TB, args ...string) (string, error) {
	t.Helper()
	bin, err := KubectlBinary()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--kubeconfig", c.KubeconfigPath}, args...)...)
	cmd.Dir = RepoRoot()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %v: %w", args, err)
	}
	return string(out), nil
}

// DeleteLease deletes a lease (leader election) if it exists, so that a
// test's scheduler does not wait for a lease left by an earlier test.
func (c *Cluster) DeleteLease(t testing.TB, namespace, name string) {
	t.Helper()
	err := c.Client.CoordinationV1().Leases(namespace).Delete(context.Background(), name, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatalf("deleting lease %s/%s: %v", namespace, name, err)
	}
}

// Lease returns the lease, nil if it does not exist.
func (c *Cluster) Lease(ctx context.Context, namespace, name string) (*coordinationv1.Lease, error) {
	l, err := c.Client.CoordinationV1().Leases(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return l, err
}
