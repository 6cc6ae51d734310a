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
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/ha-scheduler/ha-scheduler/test/integration/harness"
)

// The secondary install renders and is accepted by a real API server
// (server-side dry run: schema, defaulting, validation, admission, CEL
// compilation of the admission policy), and holds what it must.
func TestShipSecondaryKustomizationAppliesWithServerDryRun(t *testing.T) {
	objs := shipRenderedObjects(t, "manifests/secondary")
	var got []string
	for _, o := range objs {
		got = append(got, shipKind(o)+"/"+shipName(o))
	}
	sort.Strings(got)
	for _, want := range []string{
		"ServiceAccount/ha-scheduler",
		"ClusterRole/ha-scheduler",
		"ClusterRoleBinding/ha-scheduler",
		"ClusterRoleBinding/ha-scheduler-as-volume-scheduler",
		"Role/ha-scheduler-leader-election",
		"RoleBinding/ha-scheduler-leader-election",
		"RoleBinding/ha-scheduler-extension-apiserver-authentication-reader",
		"Deployment/ha-scheduler",
		"PodDisruptionBudget/ha-scheduler",
		"MutatingAdmissionPolicy/ha-scheduler-daemonset-node-affinity",
		"MutatingAdmissionPolicyBinding/ha-scheduler-daemonset-node-affinity",
		"ValidatingAdmissionPolicy/ha-scheduler-reserved-nodes",
		"ValidatingAdmissionPolicyBinding/ha-scheduler-reserved-nodes-control-plane",
		"ValidatingAdmissionPolicyBinding/ha-scheduler-reserved-nodes-master",
		"ValidatingAdmissionPolicyBinding/ha-scheduler-reserved-nodes-infra",
		"ValidatingAdmissionPolicy/ha-scheduler-reserved-priority",
		"ValidatingAdmissionPolicyBinding/ha-scheduler-reserved-priority",
	} {
		if i := sort.SearchStrings(got, want); i == len(got) || got[i] != want {
			t.Errorf("rendered manifests/secondary lacks %s (has %v)", want, got)
		}
	}
	// Least privilege: one ClusterRole of our own, system:kube-scheduler
	// without its leader election (TestShipSecondaryClusterRoleMirrorsKubeScheduler),
	// nothing but the objects above and the generated ConfigMap.
	configMaps := 0
	for _, o := range objs {
		switch shipKind(o) {
		case "ClusterRole":
			if shipName(o) != "ha-scheduler" {
				t.Errorf("manifests/secondary defines ClusterRole %s: only ha-scheduler, system:kube-scheduler's mirror", shipName(o))
			}
		case "ConfigMap":
			configMaps++
			data, _ := o["data"].(map[string]any)
			if !strings.Contains(fmt.Sprint(data["config.yaml"]), "resourceName: ha-scheduler") {
				t.Errorf("the generated ConfigMap is not manifests/secondary/config.yaml:\n%v", data)
			}
		}
	}
	if configMaps != 1 || len(objs) != 18 {
		t.Errorf("want the 17 objects above and 1 ConfigMap, got %d objects: %v", len(objs), got)
	}

	out, err := cluster.Kubectl(t, "apply", "--dry-run=server", "-k", "manifests/secondary")
	if err != nil {
		t.Fatalf("server dry run of manifests/secondary: %v\n%s", err, out)
	}
	t.Logf("kubectl apply --dry-run=server -k manifests/secondary:\n%s", out)
	if n := strings.Count(out, "(server dry run)"); n != len(objs) {
		t.Errorf("the dry run reported %d objects, want %d", n, len(objs))
	}

	// The replacement static pod is a valid Pod for the API server too.
	out, err = cluster.Kubectl(t, "apply", "--dry-run=server", "-f", "manifests/replacement/kube-scheduler.yaml")
	if err != nil {
		t.Fatalf("server dry run of manifests/replacement/kube-scheduler.yaml: %v\n%s", err, out)
	}
}

const (
	shipPolicyName  = "ha-scheduler-daemonset-node-affinity"
	shipUntrustedNS = "ship-untrusted"
)

var shipKeepOff = []string{
	"node-role.kubernetes.io/control-plane",
	"node-role.kubernetes.io/master",
	"node-role.kubernetes.io/infra",
}

func shipDaemonSet(ns, name string, affinity *v1.Affinity) *appsv1.DaemonSet {
	labels := map[string]string{"app": name}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: v1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec: v1.PodSpec{
					Affinity:   affinity,
					Containers: []v1.Container{{Name: "main", Image: "registry.k8s.io/pause:3.10"}},
				},
			},
		},
	}
}

func keepOffRequirements() []v1.NodeSelectorRequirement {
	var out []v1.NodeSelectorRequirement
	for _, k := range shipKeepOff {
		out = append(out, v1.NodeSelectorRequirement{Key: k, Operator: v1.NodeSelectorOpDoesNotExist})
	}
	return out
}

func requiredTerms(ds *appsv1.DaemonSet) []v1.NodeSelectorTerm {
	a := ds.Spec.Template.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	return a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms
}

func requiredAffinity(terms ...v1.NodeSelectorTerm) *v1.Affinity {
	return &v1.Affinity{NodeAffinity: &v1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &v1.NodeSelector{NodeSelectorTerms: terms},
	}}
}

// The MutatingAdmissionPolicy of manifests/admission, applied to the real
// API server as shipped: DaemonSets of untrusted namespaces are kept off
// control-plane and infra nodes in every term of their required node
// affinity; kube-system's are left alone; UPDATE does not pile up
// duplicates.
func TestShipAdmissionPolicyKeepsUntrustedDaemonSetsOffControlPlane(t *testing.T) {
	ctx := context.Background()
	shipApplyAdmission(t, "manifests/admission")
	cluster.EnsureNamespace(t, shipUntrustedNS)
	t.Cleanup(func() {
		for _, ns := range []string{shipUntrustedNS, "kube-system"} {
			_ = cluster.Client.AppsV1().DaemonSets(ns).DeleteCollection(context.Background(), metav1.DeleteOptions{},
				metav1.ListOptions{LabelSelector: "ship-test=admission"})
		}
	})
	create := func(ds *appsv1.DaemonSet) *appsv1.DaemonSet {
		t.Helper()
		ds.Labels = map[string]string{"ship-test": "admission"}
		got, err := cluster.Client.AppsV1().DaemonSets(ds.Namespace).Create(ctx, ds, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("creating DaemonSet %s/%s: %v", ds.Namespace, ds.Name, err)
		}
		return got
	}

	// A new policy takes a moment to reach the admission chain: probe with
	// dry-run creates until one comes back mutated.
	start := time.Now()
	err := wait.PollUntilContextTimeout(context.Background(), 250*time.Millisecond, harness.Timeout, true, func(ctx context.Context) (bool, error) {
		got, err := cluster.Client.AppsV1().DaemonSets(shipUntrustedNS).Create(ctx, shipDaemonSet(shipUntrustedNS, "probe", nil),
			metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
		if err != nil {
			return false, err
		}
		return len(requiredTerms(got)) > 0, nil
	})
	if err != nil {
		t.Fatalf("the admission policy never mutated a DaemonSet: %v", err)
	}
	t.Logf("policy active %v after apply", time.Since(start).Round(10*time.Millisecond))

	// (a) No affinity: one term with the three requirements.
	a := create(shipDaemonSet(shipUntrustedNS, "no-affinity", nil))
	want := requiredAffinity(v1.NodeSelectorTerm{MatchExpressions: keepOffRequirements()})
	if !reflect.DeepEqual(a.Spec.Template.Spec.Affinity, want) {
		t.Errorf("(a) affinity = %+v, want %+v", a.Spec.Template.Spec.Affinity, want)
	}

	// (b) Two terms: each keeps its own requirements and gains the three
	// (a term that already has one gains only the others; a term with only
	// matchFields gains matchExpressions). Pod anti-affinity and preferred
	// node affinity are kept.
	ssd := v1.NodeSelectorRequirement{Key: "disktype", Operator: v1.NodeSelectorOpIn, Values: []string{"ssd"}}
	noInfra := v1.NodeSelectorRequirement{Key: "node-role.kubernetes.io/infra", Operator: v1.NodeSelectorOpDoesNotExist}
	byName := v1.NodeSelectorRequirement{Key: "metadata.name", Operator: v1.NodeSelectorOpIn, Values: []string{"worker-1"}}
	preferred := []v1.PreferredSchedulingTerm{{Weight: 10, Preference: v1.NodeSelectorTerm{MatchExpressions: []v1.NodeSelectorRequirement{ssd}}}}
	anti := &v1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []v1.PodAffinityTerm{{
		TopologyKey: "kubernetes.io/hostname", LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "two-terms"}},
	}}}
	two := requiredAffinity(
		v1.NodeSelectorTerm{MatchExpressions: []v1.NodeSelectorRequirement{ssd, noInfra}},
		v1.NodeSelectorTerm{MatchFields: []v1.NodeSelectorRequirement{byName}},
	)
	two.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution = preferred
	two.PodAntiAffinity = anti
	b := create(shipDaemonSet(shipUntrustedNS, "two-terms", two))
	wantB := requiredAffinity(
		v1.NodeSelectorTerm{MatchExpressions: []v1.NodeSelectorRequirement{ssd, noInfra, keepOffRequirements()[0], keepOffRequirements()[1]}},
		v1.NodeSelectorTerm{MatchExpressions: keepOffRequirements(), MatchFields: []v1.NodeSelectorRequirement{byName}},
	)
	wantB.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution = preferred
	wantB.PodAntiAffinity = anti
	if !reflect.DeepEqual(b.Spec.Template.Spec.Affinity, wantB) {
		t.Errorf("(b) affinity =\n%+v\nwant\n%+v", b.Spec.Template.Spec.Affinity, wantB)
	}

	// Only pod anti-affinity: node affinity is added beside it.
	antiOnly := create(shipDaemonSet(shipUntrustedNS, "anti-only", &v1.Affinity{PodAntiAffinity: anti}))
	wantAnti := requiredAffinity(v1.NodeSelectorTerm{MatchExpressions: keepOffRequirements()})
	wantAnti.PodAntiAffinity = anti
	if !reflect.DeepEqual(antiOnly.Spec.Template.Spec.Affinity, wantAnti) {
		t.Errorf("pod-anti-affinity-only: affinity = %+v, want %+v", antiOnly.Spec.Template.Spec.Affinity, wantAnti)
	}

	// (c) kube-system (trusted): unchanged.
	c := create(shipDaemonSet("kube-system", "trusted", nil))
	if c.Spec.Template.Spec.Affinity != nil {
		t.Errorf("(c) the kube-system DaemonSet was mutated: %+v", c.Spec.Template.Spec.Affinity)
	}

	// UPDATE: a template change keeps exactly the requirements (no
	// duplicates); an update that drops the affinity gets it back.
	err = shipRetryUpdate(ctx, shipUntrustedNS, "two-terms", func(ds *appsv1.DaemonSet) {
		ds.Spec.Template.Labels["rev"] = "2"
	})
	if err != nil {
		t.Fatal(err)
	}
	b2, err := cluster.Client.AppsV1().DaemonSets(shipUntrustedNS).Get(ctx, "two-terms", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b2.Spec.Template.Spec.Affinity, wantB) {
		t.Errorf("after an update, affinity =\n%+v\nwant\n%+v", b2.Spec.Template.Spec.Affinity, wantB)
	}
	err = shipRetryUpdate(ctx, shipUntrustedNS, "no-affinity", func(ds *appsv1.DaemonSet) {
		ds.Spec.Template.Spec.Affinity = nil
	})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := cluster.Client.AppsV1().DaemonSets(shipUntrustedNS).Get(ctx, "no-affinity", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a2.Spec.Template.Spec.Affinity, want) {
		t.Errorf("after an update dropping it, affinity = %+v, want %+v", a2.Spec.Template.Spec.Affinity, want)
	}
}

func shipRetryUpdate(ctx context.Context, ns, name string, mutate func(*appsv1.DaemonSet)) error {
	for i := 0; i < 5; i++ {
		ds, err := cluster.Client.AppsV1().DaemonSets(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		mutate(ds)
		_, err = cluster.Client.AppsV1().DaemonSets(ns).Update(ctx, ds, metav1.UpdateOptions{})
		if err == nil {
			return nil
		}
		if !apierrors.IsConflict(err) {
			return fmt.Errorf("updating DaemonSet %s/%s: %w", ns, name, err)
		}
	}
	return fmt.Errorf("updating DaemonSet %s/%s: conflicts", ns, name)
}
