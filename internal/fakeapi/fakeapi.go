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

// Package fakeapi serves read-only lists of objects over HTTP, as an API
// server answers them, for the tests of ha-check's commands: a command
// runs end to end (kubeconfig, client, pager, printers) against the objects
// a test gives, with no cluster. The integration tests use a real API
// server instead.
package fakeapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Objects are what the server lists.
type Objects struct {
	Nodes        []*v1.Node
	Pods         []*v1.Pod
	Services     []*v1.Service
	ConfigMaps   []*v1.ConfigMap
	PDBs         []*policyv1.PodDisruptionBudget
	StatefulSets []*appsv1.StatefulSet
	ReplicaSets  []*appsv1.ReplicaSet
}

// Serve starts a server listing the objects (every other list it knows is
// empty; an unknown path is 404) and returns its URL; it stops with the
// test. Lists of pods honour the field selector on status.phase that
// ha-check sends; lists of one namespace return that namespace's objects.
func Serve(t testing.TB, o Objects) string {
	t.Helper()
	lists := map[string]func(ns string) runtime.Object{
		"/api/v1/nodes": func(string) runtime.Object {
			return &v1.NodeList{TypeMeta: listMeta("v1", "NodeList"), Items: items(o.Nodes, "")}
		},
		"/api/v1/pods": func(ns string) runtime.Object {
			return &v1.PodList{TypeMeta: listMeta("v1", "PodList"), Items: items(o.Pods, ns)}
		},
		"/api/v1/services": func(ns string) runtime.Object {
			return &v1.ServiceList{TypeMeta: listMeta("v1", "ServiceList"), Items: items(o.Services, ns)}
		},
		"/api/v1/configmaps": func(ns string) runtime.Object {
			return &v1.ConfigMapList{TypeMeta: listMeta("v1", "ConfigMapList"), Items: items(o.ConfigMaps, ns)}
		},
		"/apis/policy/v1/poddisruptionbudgets": func(ns string) runtime.Object {
			return &policyv1.PodDisruptionBudgetList{TypeMeta: listMeta("policy/v1", "PodDisruptionBudgetList"), Items: items(o.PDBs, ns)}
		},
		"/apis/apps/v1/statefulsets": func(ns string) runtime.Object {
			return &appsv1.StatefulSetList{TypeMeta: listMeta("apps/v1", "StatefulSetList"), Items: items(o.StatefulSets, ns)}
		},
		"/apis/apps/v1/replicasets": func(ns string) runtime.Object {
			return &appsv1.ReplicaSetList{TypeMeta: listMeta("apps/v1", "ReplicaSetList"), Items: items(o.ReplicaSets, ns)}
		},
		"/apis/rbac.authorization.k8s.io/v1/clusterroles": func(string) runtime.Object {
			return &rbacv1.ClusterRoleList{TypeMeta: listMeta("rbac.authorization.k8s.io/v1", "ClusterRoleList")}
		},
		"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings": func(string) runtime.Object {
			return &rbacv1.ClusterRoleBindingList{TypeMeta: listMeta("rbac.authorization.k8s.io/v1", "ClusterRoleBindingList")}
		},
		"/apis/rbac.authorization.k8s.io/v1/roles": func(string) runtime.Object {
			return &rbacv1.RoleList{TypeMeta: listMeta("rbac.authorization.k8s.io/v1", "RoleList")}
		},
		"/apis/rbac.authorization.k8s.io/v1/rolebindings": func(string) runtime.Object {
			return &rbacv1.RoleBindingList{TypeMeta: listMeta("rbac.authorization.k8s.io/v1", "RoleBindingList")}
		},
		"/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies": func(string) runtime.Object {
			return &admissionregistrationv1.ValidatingAdmissionPolicyList{TypeMeta: listMeta("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyList")}
		},
		"/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings": func(string) runtime.Object {
			return &admissionregistrationv1.ValidatingAdmissionPolicyBindingList{TypeMeta: listMeta("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBindingList")}
		},
		"/apis/admissionregistration.k8s.io/v1/mutatingadmissionpolicies": func(string) runtime.Object {
			return &admissionregistrationv1.MutatingAdmissionPolicyList{TypeMeta: listMeta("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyList")}
		},
		"/apis/admissionregistration.k8s.io/v1/mutatingadmissionpolicybindings": func(string) runtime.Object {
			return &admissionregistrationv1.MutatingAdmissionPolicyBindingList{TypeMeta: listMeta("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicyBindingList")}
		},
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path, ns := clusterPath(r.URL.Path)
		list, ok := lists[path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		obj := list(ns)
		if pods, ok := obj.(*v1.PodList); ok && strings.Contains(r.URL.Query().Get("fieldSelector"), "status.phase!=") {
			kept := pods.Items[:0]
			for _, p := range pods.Items {
				if p.Status.Phase != v1.PodSucceeded && p.Status.Phase != v1.PodFailed {
					kept = append(kept, p)
				}
			}
			pods.Items = kept
		}
		if cms, ok := obj.(*v1.ConfigMapList); ok {
			sel := r.URL.Query().Get("labelSelector")
			kept := cms.Items[:0]
			for _, cm := range cms.Items {
				if matchesAll(cm.Labels, sel) {
					kept = append(kept, cm)
				}
			}
			cms.Items = kept
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(obj)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// clusterPath turns /api/v1/namespaces/NS/pods into /api/v1/pods and NS.
func clusterPath(p string) (string, string) {
	parts := strings.Split(p, "/")
	for i := range len(parts) - 2 {
		if parts[i] == "namespaces" {
			return strings.Join(append(parts[:i:i], parts[i+2:]...), "/"), parts[i+1]
		}
	}
	return p, ""
}

// matchesAll reports whether labels have every k=v of a comma-separated
// equality selector.
func matchesAll(labels map[string]string, selector string) bool {
	if selector == "" {
		return true
	}
	for _, req := range strings.Split(selector, ",") {
		k, v, _ := strings.Cut(req, "=")
		if labels[k] != v {
			return false
		}
	}
	return true
}

func listMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

// object is what every listed type is.
type object[T any] interface {
	*T
	GetNamespace() string
}

// items copies the objects of a namespace ("" for all) into a list's items.
func items[T any, P object[T]](objs []P, ns string) []T {
	out := []T{}
	for _, o := range objs {
		if ns == "" || o.GetNamespace() == ns {
			out = append(out, *o)
		}
	}
	return out
}
