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

package scale

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMachineBusySeconds reads the busy fields of /proc/stat's cpu line:
// user, nice, system, irq, softirq and steal, not idle and iowait.
func TestMachineBusySeconds(t *testing.T) {
	for _, tc := range []struct {
		name, stat string
		want       float64
		wantErr    bool
	}{{
		name: "busy ticks of all cores",
		//          user nice system idle  iowait irq softirq steal guest guest_nice
		stat: "cpu  1000 20   300    90000 500    7   3       70    0     0\ncpu0 500 10 150 45000 250 3 1 35 0 0\nintr 1\n",
		want: (1000 + 20 + 300 + 7 + 3 + 70) / 100.0,
	}, {
		name:    "no cpu line",
		stat:    "cpu0 500 10 150 45000 250 3 1 35 0 0\n",
		wantErr: true,
	}, {
		name:    "a field that is not a number",
		stat:    "cpu  1000 x 300 90000 500 7 3 70 0 0\n",
		wantErr: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "stat")
			require.NoError(t, os.WriteFile(path, []byte(tc.stat), 0o600))
			got, err := machineBusySeconds(path)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("machineBusySeconds = %v, want an error", got)
				}
				return
			}
			require.NoError(t, err)
			if got != tc.want {
				t.Errorf("machineBusySeconds = %v, want %v", got, tc.want)
			}
		})
	}
}
