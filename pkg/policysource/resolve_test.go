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

package policysource

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"
)

// TestResolve: the file's policy, else the ConfigMap's, else the default
// that the options adjust; the options that adjust the default are an
// error with a configuration; the cluster is asked only when there is no
// file.
func TestResolve(t *testing.T) {
	vaultFile := filepath.Join("..", "..", "testdata", "schedulerconfig", "vault.yaml")
	inCluster := &v1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: AdminNamespace, Name: "ha-scheduler-config",
			Labels: map[string]string{"app.kubernetes.io/part-of": "ha-scheduler", "app.kubernetes.io/component": "scheduler-config"}},
		Data: map[string]string{ConfigKey: fixture(t, "vault.yaml")},
	}
	const noConfig = "default policy (no ha-scheduler configuration found in namespace kube-system)"
	// result is what a test compares of a resolved policy.
	type result struct {
		Source, Profile string
		Trusted         []string
		AllowCP         bool
		Err             string
		AskedCluster    bool
	}
	tests := []struct {
		name    string
		o       Options
		cluster []*v1.ConfigMap
		want    result
	}{
		{
			name: "a file: its policy, the cluster not asked", o: Options{ConfigFile: vaultFile},
			want: result{Source: "file " + vaultFile + ", profile ha", Profile: "ha", Trusted: []string{"kube-system", "vault"}},
		},
		{
			name: "a file and a default-policy option", o: Options{ConfigFile: vaultFile, AllowUserWorkloadsOnControlPlane: true},
			want: result{Err: "--trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy; with --config the policy is the configuration's: set them there"},
		},
		{
			name: "the ConfigMap", cluster: []*v1.ConfigMap{inCluster},
			want: result{Source: "ConfigMap kube-system/ha-scheduler-config, profile ha", Profile: "ha", Trusted: []string{"kube-system", "vault"}, AskedCluster: true},
		},
		{
			name: "the ConfigMap and a default-policy option", cluster: []*v1.ConfigMap{inCluster}, o: Options{TrustedNamespaces: []string{"logging"}},
			want: result{Err: "--trusted-namespace and --allow-user-workloads-on-control-plane adjust the default policy, but the policy is the scheduler's (ConfigMap kube-system/ha-scheduler-config, profile ha): set them in its configuration", AskedCluster: true},
		},
		{
			name: "nothing: the default policy", want: result{Source: noConfig, Trusted: []string{"kube-system"}, AskedCluster: true},
		},
		{
			name: "the default policy, adjusted", o: Options{TrustedNamespaces: []string{"logging", "kube-system"}, AllowUserWorkloadsOnControlPlane: true},
			want: result{Source: noConfig, Trusted: []string{"kube-system", "logging"}, AllowCP: true, AskedCluster: true},
		},
		{
			name: "an empty namespace", o: Options{TrustedNamespaces: []string{""}},
			want: result{Err: "--trusted-namespace: empty namespace"},
		},
		{
			name: "a namespace that is no name: the flag's index", o: Options{TrustedNamespaces: []string{"Logging"}},
			want: result{Err: `--trusted-namespace.trustedNamespaces[1]: Invalid value: "Logging": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`, AskedCluster: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			client := func() (kubernetes.Interface, error) {
				got.AskedCluster = true
				cs := fake.NewClientset()
				for _, cm := range tt.cluster {
					_, err := cs.CoreV1().ConfigMaps(cm.Namespace).Create(context.Background(), cm, metav1.CreateOptions{})
					require.NoError(t, err)
				}
				return cs, nil
			}
			found, err := Resolve(context.Background(), tt.o, client)
			if err != nil {
				got.Err = err.Error()
			} else {
				require.NotNil(t, found.Result, "a resolved policy has a result")
				got.Source, got.Profile = found.Source, found.Profile
				got.Trusted, got.AllowCP = found.Args.TrustedNamespaces, found.Args.AllowUserWorkloadsOnControlPlane
				// The policy is the args', compiled.
				require.Equal(t, sets.New(found.Args.TrustedNamespaces...), found.Policy.TrustedNamespaces)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Resolve (-want +got):\n%s", diff)
			}
		})
	}
}

// A client that cannot be made is Resolve's error, without a file only.
func TestResolveClientError(t *testing.T) {
	broken := errors.New("no kubeconfig")
	_, err := Resolve(context.Background(), Options{}, func() (kubernetes.Interface, error) { return nil, broken })
	require.ErrorIs(t, err, broken)
	_, err = Resolve(context.Background(), Options{ConfigFile: filepath.Join("..", "..", "testdata", "schedulerconfig", "vault.yaml")},
		func() (kubernetes.Interface, error) { return nil, broken })
	require.NoError(t, err)
}
