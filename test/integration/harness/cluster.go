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
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Cluster is a real etcd and kube-apiserver on loopback.
type Cluster struct {
	Dir            string
	KubeconfigPath string
	Config         *rest.Config
	Client         kubernetes.Interface
	APIServerURL   string

	Etcd      *Process
	APIServer *Process

	etcdURL       string
	apiserverArgs []string
	apiserverBin  string
	// aggregation runs AggregateClusterRoles once.
	aggregation sync.Once
}

// AdminToken authenticates the tests (group system:masters).
const AdminToken = "ha-scheduler-integration-admin"

// StartCluster starts etcd and kube-apiserver in a new directory and waits
// until the API server is ready.
func StartCluster() (*Cluster, error) {
	etcdBin, err := Binary("ETCD_BIN", "_output/bin/etcd", "hack/build-binaries.sh etcd")
	if err != nil {
		return nil, err
	}
	apiBin, err := Binary("KUBE_APISERVER_BIN", "_output/bin/kube-apiserver", "hack/build-binaries.sh kube-apiserver")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ha-scheduler-it-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, apiserverBin: apiBin}
	if err := c.startEtcd(etcdBin); err != nil {
		c.Stop()
		return nil, err
	}
	if err := c.startAPIServer(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) startEtcd(bin string) error {
	clientPort, err := FreePort()
	if err != nil {
		return err
	}
	peerPort, err := FreePort()
	if err != nil {
		return err
	}
	c.etcdURL = "http://127.0.0.1:" + strconv.Itoa(clientPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	c.Etcd, err = StartProcess("etcd", bin, filepath.Join(c.Dir, "etcd.log"),
		"--data-dir", filepath.Join(c.Dir, "etcd-data"),
		"--listen-client-urls", c.etcdURL, "--advertise-client-urls", c.etcdURL,
		"--listen-peer-urls", peerURL, "--initial-advertise-peer-urls", peerURL,
		"--initial-cluster", "default="+peerURL,
		"--unsafe-no-fsync", "--log-level", "warn")
	return err
}

func (c *Cluster) startAPIServer() error {
	port, err := FreePort()
	if err != nil {
		return err
	}
	keyPath := filepath.Join(c.Dir, "sa.key")
	if err := writeRSAKey(keyPath); err != nil {
		return err
	}
	tokens := filepath.Join(c.Dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(AdminToken+",admin,admin,system:masters\n"), 0o600); err != nil {
		return err
	}
	c.APIServerURL = "https://127.0.0.1:" + strconv.Itoa(port)
	c.apiserverArgs = []string{
		"--etcd-servers", c.etcdURL,
		"--bind-address", "127.0.0.1", "--secure-port", strconv.Itoa(port),
		"--cert-dir", filepath.Join(c.Dir, "apiserver-certs"),
		"--token-auth-file", tokens,
		"--authorization-mode", "Node,RBAC",
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-account-key-file", keyPath,
		"--service-account-signing-key-file", keyPath,
		"--service-cluster-ip-range", "10.0.0.0/24",
		// Loopback needs no endpoint reconciliation (and it fails there).
		"--endpoint-reconciler-type", "none",
		// No kubelets: nodes must not get the not-ready taint, and pods
		// need no service account token.
		"--disable-admission-plugins", "ServiceAccount,TaintNodesByCondition",
		"--allow-privileged=true",
		// Do not wait a minute for the scheduler's watches on restart.
		"--shutdown-watch-termination-grace-period=2s",
	}
	if err := c.launchAPIServer(); err != nil {
		return err
	}
	if err := c.writeKubeconfig(); err != nil {
		return err
	}
	return c.WaitReady(2 * time.Minute)
}

func (c *Cluster) launchAPIServer() error {
	var err error
	c.APIServer, err = StartProcess("kube-apiserver", c.apiserverBin, filepath.Join(c.Dir, "kube-apiserver.log"), c.apiserverArgs...)
	return err
}

// RestartAPIServer stops kube-apiserver and starts it again on the same
// port and storage.
func (c *Cluster) RestartAPIServer() error {
	c.APIServer.Stop(30 * time.Second)
	if err := c.launchAPIServer(); err != nil {
		return err
	}
	return c.WaitReady(2 * time.Minute)
}

func (c *Cluster) writeKubeconfig() error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["it"] = &clientcmdapi.Cluster{Server: c.APIServerURL, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{Token: AdminToken}
	cfg.Contexts["it"] = &clientcmdapi.Context{Cluster: "it", AuthInfo: "admin"}
	cfg.CurrentContext = "it"
	c.KubeconfigPath = filepath.Join(c.Dir, "admin.kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, c.KubeconfigPath); err != nil {
		return err
	}
	var err error
	c.Config, err = clientcmd.BuildConfigFromFlags("", c.KubeconfigPath)
	if err != nil {
		return err
	}
	c.Config.QPS, c.Config.Burst = 200, 400
	c.Client, err = kubernetes.NewForConfig(c.Config)
	return err
}

// WaitReady waits for /readyz.
func (c *Cluster) WaitReady(timeout time.Duration) error {
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if exited, err := c.APIServer.Exited(); exited {
			return false, fmt.Errorf("kube-apiserver exited: %v\n%s", err, c.APIServer.LogTail(30))
		}
		body, err := c.Client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			last = fmt.Errorf("%v: %s", err, body)
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("kube-apiserver not ready: %v (last: %v)\n%s", err, last, c.APIServer.LogTail(30))
	}
	return nil
}

// Stop stops the API server and etcd and removes the directory.
func (c *Cluster) Stop() {
	if c.APIServer != nil {
		c.APIServer.Stop(15 * time.Second)
	}
	if c.Etcd != nil {
		c.Etcd.Stop(10 * time.Second)
	}
	if os.Getenv("HA_KEEP_TEST_DIR") == "" {
		_ = os.RemoveAll(c.Dir)
	}
}

func writeRSAKey(path string) error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600)
}
