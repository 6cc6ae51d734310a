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

package policy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

func service(ns, name string, selector map[string]string) *v1.Service {
	return &v1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, UID: types.UID(ns + "/" + name)}, Spec: v1.ServiceSpec{Selector: selector}}
}

// TestServiceIndex: the first Service by name whose whole selector selects
// the labels, in the pod's namespace; Services without a selector select
// nothing; updates and deletions are followed.
func TestServiceIndex(t *testing.T) {
	ix := NewServiceIndex()
	for _, s := range []*v1.Service{
		service("shop", "web", map[string]string{"app": "web"}),
		service("shop", "a-web-canary", map[string]string{"app": "web", "track": "canary"}),
		service("shop", "z-web", map[string]string{"app": "web"}),
		service("shop", "external", nil),
		service("shop", "empty", map[string]string{}),
		service("bank", "web", map[string]string{"app": "web"}),
	} {
		ix.Upsert(s)
	}
	type probe struct {
		ns     string
		labels map[string]string
	}
	probes := []probe{
		{"shop", map[string]string{"app": "web"}},
		{"shop", map[string]string{"app": "web", "track": "canary"}},
		{"shop", map[string]string{"track": "canary"}},
		{"shop", map[string]string{"app": "api"}},
		{"shop", nil},
		{"bank", map[string]string{"app": "web", "track": "canary"}},
		{"other", map[string]string{"app": "web"}},
	}
	answers := func() []string {
		var out []string
		for _, p := range probes {
			out = append(out, ix.ServiceFor(p.ns, p.labels))
		}
		return out
	}
	if diff := cmp.Diff([]string{"web", "a-web-canary", "", "", "", "web", ""}, answers()); diff != "" {
		t.Errorf("ServiceFor (-want +got):\n%s", diff)
	}

	// The canary Service selects app=api now; shop/web goes.
	if !ix.Upsert(service("shop", "a-web-canary", map[string]string{"app": "api"})) {
		t.Error("Upsert of a changed selector reports no change")
	}
	if ix.Upsert(service("shop", "a-web-canary", map[string]string{"app": "api"})) {
		t.Error("Upsert of the same selector reports a change")
	}
	if !ix.Delete(service("shop", "web", nil)) || ix.Delete(service("shop", "web", nil)) {
		t.Error("Delete reports wrongly whether the Service was indexed")
	}
	if diff := cmp.Diff([]string{"z-web", "z-web", "", "a-web-canary", "", "web", ""}, answers()); diff != "" {
		t.Errorf("ServiceFor after the changes (-want +got):\n%s", diff)
	}
	var nilIndex *ServiceIndex
	if got := nilIndex.ServiceFor("shop", map[string]string{"app": "web"}); got != "" {
		t.Errorf("nil index answers %q", got)
	}
}

func BenchmarkServiceFor1000(b *testing.B) {
	ix := NewServiceIndex()
	for i := range 1000 {
		ix.Upsert(service("user", "g-"+string(rune('a'+i%26))+string(rune('a'+i/26)), map[string]string{"app": "g-" + string(rune('a'+i%26)) + string(rune('a'+i/26))}))
	}
	labels := map[string]string{"app": "g-zz", "pod-template-hash": "5d"}
	b.ReportAllocs()
	for b.Loop() {
		ix.ServiceFor("user", labels)
	}
}
