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

package hacheck

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Progress lines start once reading has taken two seconds, come at most
// once a second while a list goes on, and once as each list ends.
func TestProgress(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	var stderr bytes.Buffer
	p := newProgress(&stderr, func() time.Time { return now })
	at := func(d time.Duration, resource string, listed int, done bool) {
		now = start.Add(d)
		p.report(resource, listed, done)
	}
	at(100*time.Millisecond, "nodes", 500, false)
	at(1500*time.Millisecond, "nodes", 1000, false)
	at(1600*time.Millisecond, "nodes", 1000, true) // within 2s: silent
	at(2100*time.Millisecond, "pods", 500, false)
	at(2500*time.Millisecond, "pods", 1000, false) // within a second of the last line
	at(3100*time.Millisecond, "pods", 1500, false)
	at(3200*time.Millisecond, "pods", 1700, true)
	at(3300*time.Millisecond, "PodDisruptionBudgets", 40, false)
	at(3300*time.Millisecond, "PodDisruptionBudgets", 40, true)
	want := "listed 500 pods…\nlisted 1500 pods…\nlisted 1700 pods\nlisted 40 PodDisruptionBudgets\n"
	if diff := cmp.Diff(want, stderr.String()); diff != "" {
		t.Errorf("progress (-want +got):\n%s", diff)
	}
}
