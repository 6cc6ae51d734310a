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

package manifests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/ha-scheduler/ha-scheduler/hack/gen-admission/gen"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

const policyDoc = "docs/policy.md"

// docExample is one ```yaml block of docs/policy.md and the heading above it.
type docExample struct {
	heading string
	line    int
	yaml    string
}

func (e docExample) String() string {
	return fmt.Sprintf("%s:%d (%s)", policyDoc, e.line, e.heading)
}

func readPolicyDoc(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, policyDoc))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func yamlBlocks(doc string) []docExample {
	var out []docExample
	var cur *docExample
	heading := ""
	for i, l := range strings.Split(doc, "\n") {
		switch {
		case cur != nil && strings.TrimSpace(l) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.yaml += l + "\n"
		case strings.HasPrefix(l, "#"):
			heading = strings.TrimSpace(strings.TrimLeft(l, "#"))
		case strings.TrimSpace(l) == "```yaml":
			cur = &docExample{heading: heading, line: i + 1}
		}
	}
	return out
}

// TestPolicyDocExamples loads every yaml block of docs/policy.md as the
// scheduler would: the example's pluginConfig next to the shipped plugins
// block, decoded by upstream's loader, then each profile's policy (the
// HAPolicy entry) loaded strictly, defaulted and validated as the binary's
// start-up does. An example that replaces the component table must keep
// every default component unchanged.
func TestPolicyDocExamples(t *testing.T) {
	examples := yamlBlocks(readPolicyDoc(t))
	if len(examples) < 4 {
		t.Fatalf("%s has %d yaml examples, want at least 4 (compact cluster, CNI, custom component, zone required)", policyDoc, len(examples))
	}
	plugins := shippedPlugins(t)
	defaults := config.DefaultComponentArgs()
	config.SetDefaultsPolicyArgs(&config.PolicyArgs{Components: defaults})
	for _, ex := range examples {
		t.Run(ex.heading, func(t *testing.T) {
			raw, err := yaml.YAMLToJSONStrict([]byte(ex.yaml))
			require.NoError(t, err, "%s: not YAML", ex)
			var snippet struct {
				PluginConfig []struct {
					Name string          `json:"name"`
					Args json.RawMessage `json:"args"`
				} `json:"pluginConfig"`
			}
			require.NoError(t, config.UnmarshalStrict(raw, &snippet), "%s: want a pluginConfig snippet", ex)
			var names []string
			for _, pc := range snippet.PluginConfig {
				names = append(names, pc.Name)
			}
			// The policy once; DisruptionGuard's own settings at most.
			if !slices.Contains(names, config.PolicyName) {
				t.Errorf("%s: pluginConfig %v has no %s entry", ex, names, config.PolicyName)
			}
			for _, n := range names {
				if n != config.PolicyName && n != config.DisruptionGuardName {
					t.Errorf("%s: pluginConfig entry %q: only %s and %s take args", ex, n, config.PolicyName, config.DisruptionGuardName)
				}
			}
			res, err := policysource.Load(profileConfig(t, plugins, raw), "ha-scheduler")
			require.NoError(t, err, "%s: in a KubeSchedulerConfiguration", ex)
			checkDefaultsKept(t, ex, res.Args.Components, defaults)
		})
	}
}

// checkDefaultsKept: an example that writes components copies the default
// table whole (setting components replaces it).
func checkDefaultsKept(t *testing.T, ex docExample, got, defaults []config.ComponentArgs) {
	t.Helper()
	byName := map[string]config.ComponentArgs{}
	for _, c := range got {
		byName[c.Name] = c
	}
	for _, d := range defaults {
		c, ok := byName[d.Name]
		if !ok {
			t.Errorf("%s: components leave out the default component %s", ex, d.Name)
			continue
		}
		if diff := cmp.Diff(d, c); diff != "" {
			t.Errorf("%s: default component %s changed (-default +example):\n%s", ex, d.Name, diff)
		}
	}
}

// shippedPlugins is the plugins block of the shipped secondary config.
func shippedPlugins(t *testing.T) any {
	t.Helper()
	var cfg struct {
		Profiles []struct {
			Plugins any `json:"plugins"`
		} `json:"profiles"`
	}
	if err := yaml.Unmarshal(readFile(t, gen.DefaultConfigs[0]).Data, &cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Profiles) != 1 || cfg.Profiles[0].Plugins == nil {
		t.Fatalf("%s: want one profile with a plugins block", gen.DefaultConfigs[0])
	}
	return cfg.Profiles[0].Plugins
}

// profileConfig is a configuration made of the shipped plugins block and
// the example's pluginConfig, in one profile named ha-scheduler.
func profileConfig(t *testing.T, plugins any, snippetJSON []byte) []byte {
	t.Helper()
	var snippet map[string]any
	require.NoError(t, json.Unmarshal(snippetJSON, &snippet))
	cfg := map[string]any{
		"apiVersion": "kubescheduler.config.k8s.io/v1",
		"kind":       "KubeSchedulerConfiguration",
		"profiles": []any{map[string]any{
			"schedulerName": "ha-scheduler",
			"plugins":       plugins,
			"pluginConfig":  snippet["pluginConfig"],
		}},
	}
	data, err := json.Marshal(cfg)
	require.NoError(t, err)
	return data
}

var backticked = regexp.MustCompile("`([^`=]+)=([^`]*)`")

// TestPolicyDocDefaultTable: the table under "## The default table" of
// docs/policy.md is policy.DefaultComponents, DefaultOtherTrusted and
// DefaultUserWorkloads, row by row.
func TestPolicyDocDefaultTable(t *testing.T) {
	doc := readPolicyDoc(t)
	_, section, ok := strings.Cut(doc, "\n## The default table\n")
	if !ok {
		t.Fatalf("%s: no section \"## The default table\"", policyDoc)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	type row struct{ name, matchedBy, nodeRole, spread, disruption string }
	var got []row
	header := true
	for _, l := range strings.Split(section, "\n") {
		if !strings.HasPrefix(l, "|") {
			if len(got) > 0 {
				break // the first table only
			}
			continue
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if header || strings.HasPrefix(cells[0], "---") {
			header = false
			continue
		}
		if len(cells) < 5 {
			t.Fatalf("%s: table row %q has %d cells, want at least 5", policyDoc, l, len(cells))
		}
		got = append(got, row{cells[0], cells[1], cells[2], cells[3], cells[4]})
	}

	disruption := func(d policy.Disruption) string {
		switch {
		case d.Quorum:
			return "quorum"
		case d.MinAvailable > 0:
			return fmt.Sprintf("minAvailable %d", d.MinAvailable)
		}
		return "no"
	}
	var want []row
	for _, c := range policy.DefaultComponents() {
		var sel []string
		for _, m := range c.MatchLabels {
			if len(m) != 1 {
				t.Fatalf("component %s: a selector of %d labels; teach this test to write it", c.Name, len(m))
			}
			for k, v := range m {
				sel = append(sel, "`"+k+"="+v+"`")
			}
		}
		want = append(want, row{c.Name, strings.Join(sel, " or "), string(c.Placement), string(c.Spread), disruption(c.Disruption)})
	}
	other, user := policy.DefaultOtherTrusted(), policy.DefaultUserWorkloads()
	want = append(want,
		row{"*other trusted pods*", "", string(other.Placement), string(other.Spread), disruption(other.Disruption)},
		row{"*user workloads*", "", string(user.Placement), string(user.Spread), disruption(user.Disruption)})

	// Normalise the doc's cells: the matched-by cell to its backticked
	// k=v pairs, the disruption cell to its first words.
	for i := range got {
		var sel []string
		for _, m := range backticked.FindAllStringSubmatch(got[i].matchedBy, -1) {
			sel = append(sel, "`"+m[1]+"="+m[2]+"`")
		}
		got[i].matchedBy = strings.Join(sel, " or ")
		if d, _, ok := strings.Cut(got[i].disruption, " ("); ok {
			got[i].disruption = d
		}
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(row{})); diff != "" {
		t.Errorf("%s: the default table differs from pkg/policy/defaults.go (-code +doc):\n%s", policyDoc, diff)
	}
}
