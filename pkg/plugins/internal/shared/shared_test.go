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

package shared

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
)

func TestGetBuildsOncePerFactoryAndName(t *testing.T) {
	f1 := informers.NewSharedInformerFactory(fake.NewClientset(), 0)
	f2 := informers.NewSharedInformerFactory(fake.NewClientset(), 0)
	builds := 0
	build := func() (*int, error) { builds++; v := builds; return &v, nil }

	a, err := Get(t.Context(), f1, "x", build)
	require.NoError(t, err)
	b, err := Get(t.Context(), f1, "x", build)
	require.NoError(t, err)
	if a != b {
		t.Errorf("second Get on the same factory built a new value")
	}
	c, err := Get(t.Context(), f2, "x", build)
	require.NoError(t, err)
	d, err := Get(t.Context(), f1, "y", build)
	require.NoError(t, err)
	if c == a || d == a || c == d {
		t.Errorf("other factories or names share a value")
	}
	if builds != 3 {
		t.Errorf("built %d times, want 3", builds)
	}

	_, err = Get(t.Context(), f1, "x", func() (string, error) { return "", nil })
	require.Error(t, err, "a value of another type under the same name")

	failed := errors.New("no informer")
	_, err = Get(t.Context(), f2, "z", func() (*int, error) { return nil, failed })
	require.ErrorIs(t, err, failed)
	_, err = Get(t.Context(), f2, "z", build)
	require.NoError(t, err, "a failed build is not remembered")
}

// Without an informer factory there is nothing to share state over (nor to
// feed it): Get fails, naming the state, and builds nothing.
func TestGetWithoutFactory(t *testing.T) {
	built := false
	_, err := Get(t.Context(), nil, "x", func() (*int, error) { built = true; return new(int), nil })
	require.Error(t, err)
	if diff := cmp.Diff(`shared state "x": the framework handle has no informer factory`, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	require.False(t, built, "built a value without a factory")
}

// When the scheduler's context ends, its factory's values go: a process
// that builds scheduler after scheduler does not keep the earlier ones'
// informers (and clusters) alive. Other factories keep theirs.
func TestGetReleasesTheFactoryWhenItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	f1 := informers.NewSharedInformerFactory(fake.NewClientset(), 0)
	f2 := informers.NewSharedInformerFactory(fake.NewClientset(), 0)
	builds := 0
	build := func() (*int, error) { builds++; v := builds; return &v, nil }
	first, err := Get(ctx, f1, "x", build)
	require.NoError(t, err)
	_, err = Get(ctx, f1, "y", build)
	require.NoError(t, err)
	kept, err := Get(t.Context(), f2, "x", build)
	require.NoError(t, err)

	cancel()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		_, x := values[key{factory: f1, name: "x"}]
		_, y := values[key{factory: f1, name: "y"}]
		return !x && !y
	}, 10*time.Second, 10*time.Millisecond, "f1's values are dropped when its context ends")

	again, err := Get(t.Context(), f1, "x", build)
	require.NoError(t, err)
	if again == first {
		t.Errorf("Get after the release returned the released value")
	}
	still, err := Get(t.Context(), f2, "x", build)
	require.NoError(t, err)
	if still != kept {
		t.Errorf("f2's value was dropped with f1's")
	}
}
