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
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/disruptionguard"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/failuredomainspread"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/workloadseparation"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

const troubleshootingDoc = "docs/troubleshooting.md"

// exportedReasons are the reasons the plugins export, by reference.
var exportedReasons = map[string]string{
	"workloadseparation.ErrReasonControlPlaneReserved": workloadseparation.ErrReasonControlPlaneReserved,
	"workloadseparation.ErrReasonInfraReserved":        workloadseparation.ErrReasonInfraReserved,
	"workloadseparation.ErrReasonNotControlPlane":      workloadseparation.ErrReasonNotControlPlane,
	"workloadseparation.ErrReasonNotInfra":             workloadseparation.ErrReasonNotInfra,
	"workloadseparation.ErrReasonWorkerReserved":       workloadseparation.ErrReasonWorkerReserved,
	"failuredomainspread.ErrReasonSpreadFormat":        failuredomainspread.ErrReasonSpreadFormat,
	"failuredomainspread.ErrReasonNodeDown":            failuredomainspread.ErrReasonNodeDown,
	"disruptionguard.ReasonMirror":                     disruptionguard.ReasonMirror,
}

// verb matches a fmt verb: the parts of a format between verbs are what
// the doc must hold ("<namespace>" stands for the verb there).
var verb = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)

// reasonName is a constant that holds a reason or a reason's format: the
// exported ErrReason*/Reason* and the unexported reason*Fmt of the guard.
var reasonName = regexp.MustCompile(`^(ErrReason|Reason|reason)`)

// sourceReasons reads every reasons.go of pkg/plugins: the string constants
// named as reasons, and the formats passed to fmt.Sprintf there (messages
// built in place, such as WorkloadSeparation's DaemonSet reason). Parsing
// the source reaches the unexported formats without copying them.
func sourceReasons(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, "pkg/plugins/*/reasons.go"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no pkg/plugins/*/reasons.go")
	out := map[string]string{}
	for _, file := range files {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, nil, 0)
		require.NoError(t, err)
		pkg := f.Name.Name
		found := 0
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if !reasonName.MatchString(name.Name) || i >= len(n.Values) {
						continue
					}
					if s, ok := stringLit(n.Values[i]); ok {
						out[pkg+"."+name.Name] = s
						found++
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Sprintf" || len(n.Args) == 0 {
					return true
				}
				if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "fmt" {
					return true
				}
				if s, ok := stringLit(n.Args[0]); ok {
					out[pkg+" "+fset.Position(n.Pos()).String()] = s
					found++
				}
			}
			return true
		})
		require.NotZero(t, found, "%s: no reason found", file)
	}
	return out
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// fragments are the fixed parts of a reason or format, between its verbs.
func fragments(format string) []string {
	var out []string
	for _, p := range verb.Split(format, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// TestTroubleshootingDoc fails when docs/troubleshooting.md lacks a reason
// our plugins write: each exported reason, each reason constant and reason
// format of pkg/plugins/*/reasons.go, and the fixed messages built
// elsewhere (FailureDomainSpread's SignPod, DisruptionGuard's prefix).
func TestTroubleshootingDoc(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, troubleshootingDoc))
	require.NoError(t, err)
	doc := string(data)

	parsed := sourceReasons(t)
	// The parser sees what the packages export: it reads the right files.
	values := map[string]bool{}
	for _, v := range parsed {
		values[v] = true
	}
	for name, v := range exportedReasons {
		require.True(t, values[v], "%s is not among the reasons parsed from pkg/plugins/*/reasons.go", name)
	}

	all := map[string]string{
		"failuredomainspread.SignPod": "pods spread by " + failuredomainspread.Name + " are not signable",
		"disruptionguard.PostFilter":  "preemption: ",
		// WorkloadSeparation appends it for DaemonSet pods of untrusted
		// namespaces.
		"policy.TrustHint": policy.TrustHint("%s"),
	}
	for k, v := range exportedReasons {
		all[k] = v
	}
	for k, v := range parsed {
		all[k] = v
	}
	for name, reason := range all {
		for _, frag := range fragments(reason) {
			if !strings.Contains(doc, frag) {
				t.Errorf("%s lacks %q of the reason %s (%q)", troubleshootingDoc, frag, name, reason)
			}
		}
	}
}
