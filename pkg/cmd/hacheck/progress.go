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
	"fmt"
	"io"
	"time"
)

// Progress lines ("listed 5000 pods…") go to stderr once reading the
// cluster has taken progressAfter, then at most one a progressEvery while a
// list goes on, and one as each list ends.
//
// Time decides, not the cluster's size: a size is known only as its pages
// come in, and it is the wait, not the size, that makes someone wonder
// whether the command hangs. A cluster that answers within progressAfter
// (most clusters; every test's fake API server) gets no progress line at
// all; a large one (thousands of nodes, tens of thousands of pods) or one
// behind a slow link shows that it is still being read, and how far.
const (
	progressAfter = 2 * time.Second
	progressEvery = time.Second
)

// progress writes the progress of cluster.Load (its Progress).
type progress struct {
	w     io.Writer
	now   func() time.Time
	start time.Time
	// last is when the last line was written.
	last time.Time
}

func newProgress(w io.Writer, now func() time.Time) *progress {
	return &progress{w: w, now: now, start: now()}
}

func (p *progress) report(resource string, listed int, done bool) {
	now := p.now()
	if now.Sub(p.start) < progressAfter {
		return
	}
	if done {
		fmt.Fprintf(p.w, "listed %d %s\n", listed, resource)
	} else {
		if !p.last.IsZero() && now.Sub(p.last) < progressEvery {
			return
		}
		fmt.Fprintf(p.w, "listed %d %s…\n", listed, resource)
	}
	p.last = now
}
