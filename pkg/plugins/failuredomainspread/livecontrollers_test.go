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

package failuredomainspread

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
)

// TestLiveControllersReadEachOnce: each controller is read once per count,
// found or not; a failed read is no answer, is not remembered, and the
// first one is kept as the error.
func TestLiveControllersReadEachOnce(t *testing.T) {
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web-5d"}}
	sts := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "db"}}
	client := clientsetfake.NewClientset(rs, sts)
	c := newLiveControllers(context.Background(), client)

	for range 2 {
		if got := c.ReplicaSet("shop", "web-5d"); got == nil || got.Name != "web-5d" {
			t.Errorf("ReplicaSet(shop/web-5d) = %v, want it", got)
		}
		if got := c.StatefulSet("shop", "db"); got == nil || got.Name != "db" {
			t.Errorf("StatefulSet(shop/db) = %v, want it", got)
		}
		if got := c.ReplicaSet("shop", "gone"); got != nil {
			t.Errorf("ReplicaSet(shop/gone) = %v, want none", got)
		}
		// The same name in another namespace is another object.
		if got := c.ReplicaSet("other", "web-5d"); got != nil {
			t.Errorf("ReplicaSet(other/web-5d) = %v, want none", got)
		}
	}
	if diff := cmp.Diff([]string{"shop/web-5d", "shop/db", "shop/gone", "other/web-5d"}, reads(client)); diff != "" {
		t.Errorf("reads (-want +got):\n%s", diff)
	}
	if c.err != nil {
		t.Errorf("err = %v after reads that found or did not find", c.err)
	}

	down := errors.New("the API server is down")
	client.PrependReactor("get", "statefulsets", func(clienttesting.Action) (bool, runtime.Object, error) { return true, nil, down })
	for range 2 {
		if got := c.StatefulSet("shop", "cache"); got != nil {
			t.Errorf("StatefulSet(shop/cache) with the reads failing = %v, want none", got)
		}
	}
	if !errors.Is(c.err, down) {
		t.Errorf("err = %v, want the failed read's", c.err)
	}
	if diff := cmp.Diff([]string{"shop/web-5d", "shop/db", "shop/gone", "other/web-5d", "shop/cache", "shop/cache"}, reads(client)); diff != "" {
		t.Errorf("reads, a failed one tried again (-want +got):\n%s", diff)
	}
}

// reads lists the client's get actions as namespace/name.
func reads(client *clientsetfake.Clientset) []string {
	var out []string
	for _, a := range client.Actions() {
		if g, ok := a.(clienttesting.GetAction); ok {
			out = append(out, g.GetNamespace()+"/"+g.GetName())
		}
	}
	return out
}
