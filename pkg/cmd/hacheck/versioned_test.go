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

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/explain"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/pdbplan"
	hcprinters "github.com/ha-scheduler/ha-scheduler/pkg/checker/printers"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// explain, what-if and pdbs write their answer as a versioned object
// through cli-runtime's printers, as the check writes its report: -o json
// and -o yaml in key order, nested keys too (as kubectl writes the objects
// it reads), jsonpath and go-template on the same object; and their own
// formats (the text, pdbs' PodDisruptionBudgets) themselves. The JSON and
// YAML below are the bytes the commands wrote before they shared the
// printers.
func TestOutputAnswers(t *testing.T) {
	// A worker without a zone label is in the zone "<unlabelled>", which
	// JSON writes HTML-escaped, as encoding/json does.
	worker := v1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "worker-x", Labels: map[string]string{policy.LabelRegion: "r1", policy.LabelHostID: "h9"}},
		Status:     v1.NodeStatus{Conditions: []v1.NodeCondition{{Type: v1.NodeReady, Status: v1.ConditionTrue}}},
	}
	web := v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: "apps", Name: "web-0", Labels: map[string]string{"app": "web"}},
		Spec:       v1.PodSpec{NodeName: "worker-x"},
		Status:     v1.PodStatus{Phase: v1.PodRunning, Conditions: []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue}}},
	}
	api := fakeAPI{
		nodes:        []v1.Node{cpNode("cp-a", "a", "h1"), cpNode("cp-b", "b", "h2"), cpNode("cp-c", "c", "h3"), worker},
		pods:         []v1.Pod{etcdMember("etcd-0", "cp-a"), etcdMember("etcd-1", "cp-b"), etcdMember("etcd-2", "cp-c"), web},
		statefulSets: []appsv1.StatefulSet{etcdStatefulSet(5)},
	}
	kubeconfig := kubeconfigFor(t, apiServer(t, api).URL)
	const source = "default policy (no ha-scheduler configuration found in namespace kube-system)"
	defaults := defaultPolicy(t, nil)

	// The text formats are pkg/checker/printers' (tested with the checker)
	// of the answers with the policy's source.
	var explainText, whatIfText, pdbsYAML bytes.Buffer
	m := model.New(defaults, api.cluster())
	e, err := explain.Explain(m, "apps", "web-0")
	require.NoError(t, err)
	e.PolicySource = source
	require.NoError(t, hcprinters.Text{}.PrintObj(e, &explainText))
	r, err := explain.WhatIf(m, v1alpha1.Failure{Node: "cp-b"})
	require.NoError(t, err)
	r.PolicySource = source
	require.NoError(t, hcprinters.Text{}.PrintObj(r, &whatIfText))
	plan := pdbplan.Generate(m)
	plan.PolicySource = source
	require.NoError(t, hcprinters.ApplyYAML{}.PrintObj(plan, &pdbsYAML))

	explainFormats := "text, json, yaml, jsonpath=..., jsonpath-file=..., go-template=... or go-template-file=..."
	pdbsFormats := "yaml, json, jsonpath=..., jsonpath-file=..., go-template=... or go-template-file=..."
	tests := []struct {
		name string
		args []string
		want output
	}{
		{name: "explain", args: []string{"explain", "apps/web-0"}, want: output{Stdout: explainText.String()}},
		{name: "explain -o text", args: []string{"explain", "apps/web-0", "-o", "text"}, want: output{Stdout: explainText.String()}},
		{name: "explain -o json", args: []string{"explain", "apps/web-0", "-o", "json"}, want: output{Stdout: explanationJSON}},
		{name: "explain -o JSON: the printers take any case", args: []string{"explain", "apps/web-0", "-o", "JSON"}, want: output{Stdout: explanationJSON}},
		{name: "explain -o yaml", args: []string{"explain", "apps/web-0", "-o", "yaml"}, want: output{Stdout: explanationYAML}},
		{name: "explain -o jsonpath", args: []string{"explain", "apps/web-0", "-o", "jsonpath={.kind} {.state} {.zone}"},
			want: output{Stdout: "Explanation available <unlabelled>"}},
		{name: "explain --template", args: []string{"explain", "apps/web-0", "--template", "{{.apiVersion}} {{.policySource}}"},
			want: output{Stdout: "ha-check.ha-scheduler.io/v1alpha1 " + source}},
		{name: "explain -o wide", args: []string{"explain", "apps/web-0", "-o", "wide"},
			want: output{Code: exitError, Stderr: "ha-check explain: --output must be " + explainFormats + ", not \"wide\"\nSee 'ha-check explain --help' for usage.\n"}},
		{name: "explain -o name", args: []string{"explain", "apps/web-0", "-o", "name"},
			want: output{Code: exitError, Stderr: "ha-check explain: --output must be " + explainFormats + ", not \"name\"\nSee 'ha-check explain --help' for usage.\n"}},
		{name: "explain: a template that does not parse", args: []string{"explain", "apps/web-0", "-o", "jsonpath={.kind"},
			want: output{Code: exitError, Stderr: "ha-check explain: --output jsonpath={.kind: error parsing jsonpath {.kind, unclosed action\nSee 'ha-check explain --help' for usage.\n"}},

		{name: "what-if", args: []string{"what-if", "--node", "cp-b"}, want: output{Code: exitFail, Stdout: whatIfText.String()}},
		{name: "what-if -o json", args: []string{"what-if", "--zone", "<unlabelled>", "-o", "json"}, want: output{Code: exitFail, Stdout: whatIfZoneJSON}},
		{name: "what-if -o yaml", args: []string{"what-if", "--node", "cp-b", "-o", "yaml"}, want: output{Code: exitFail, Stdout: whatIfNodeYAML}},
		{name: "what-if -o go-template", args: []string{"what-if", "--node", "cp-b", "-o", "go-template={{.level}} {{range .quorumLost}}{{.group}}{{end}}"},
			want: output{Code: exitFail, Stdout: "node kube-system/etcd (StatefulSet etcd)"}},
		{name: "what-if -o xml", args: []string{"what-if", "--node", "cp-b", "-o", "xml"},
			want: output{Code: exitError, Stderr: "ha-check what-if: --output must be " + explainFormats + ", not \"xml\"\nSee 'ha-check what-if --help' for usage.\n"}},
		{name: "what-if: -o is asked before the failure", args: []string{"what-if", "-o", "xml"},
			want: output{Code: exitError, Stderr: "ha-check what-if: --output must be " + explainFormats + ", not \"xml\"\nSee 'ha-check what-if --help' for usage.\n"}},

		{name: "pdbs", args: []string{"pdbs"}, want: output{Stdout: pdbsYAML.String()}},
		{name: "pdbs -o yaml: the budgets, not the plan", args: []string{"pdbs", "-o", "yaml"}, want: output{Stdout: pdbsYAML.String()}},
		{name: "pdbs -o YAML: the budgets, as -o yaml", args: []string{"pdbs", "-o", "YAML"}, want: output{Stdout: pdbsYAML.String()}},
		{name: "pdbs -o json", args: []string{"pdbs", "-o", "json"}, want: output{Stdout: pdbPlanJSON}},
		{name: "pdbs -o jsonpath", args: []string{"pdbs", "-o", "jsonpath={.pdbs[*].podDisruptionBudget.metadata.name}"}, want: output{Stdout: "ha-etcd"}},
		{name: "pdbs -o text", args: []string{"pdbs", "-o", "text"},
			want: output{Code: exitError, Stderr: "ha-check pdbs: --output must be " + pdbsFormats + ", not \"text\"\nSee 'ha-check pdbs --help' for usage.\n"}},
		{name: "pdbs -o ''", args: []string{"pdbs", "-o", ""},
			want: output{Code: exitError, Stderr: "ha-check pdbs: --output must be " + pdbsFormats + ", not \"\"\nSee 'ha-check pdbs --help' for usage.\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runOutput(append(tc.args, "--kubeconfig", kubeconfig)...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("run (-want +got):\n%s", diff)
			}
		})
	}
}

const explanationJSON = `{
    "apiVersion": "ha-check.ha-scheduler.io/v1alpha1",
    "class": {
        "allowedRoles": [
            "worker"
        ],
        "disruptionControlled": false,
        "kind": "user-workload",
        "nodeRole": "Worker",
        "spread": "Preferred",
        "trustedNamespace": false
    },
    "group": {
        "available": 1,
        "component": "",
        "desired": 1,
        "disruptionControlled": false,
        "group": "apps/app=web",
        "members": [
            {
                "node": "worker-x",
                "pod": "apps/web-0",
                "state": "available"
            }
        ],
        "nodeRole": "Worker",
        "perHost": {
            "h9": 1
        },
        "perNode": {
            "worker-x": 1
        },
        "perZone": {
            "\u003cunlabelled\u003e": 1
        },
        "placed": 1,
        "replicas": 1,
        "spread": "Preferred"
    },
    "host": "h9",
    "kind": "Explanation",
    "node": "worker-x",
    "pod": "apps/web-0",
    "policySource": "default policy (no ha-scheduler configuration found in namespace kube-system)",
    "protection": {
        "preemptibleBy": "any",
        "priority": 0
    },
    "schedulerName": "",
    "state": "available",
    "zone": "\u003cunlabelled\u003e"
}
`

const explanationYAML = `apiVersion: ha-check.ha-scheduler.io/v1alpha1
class:
  allowedRoles:
  - worker
  disruptionControlled: false
  kind: user-workload
  nodeRole: Worker
  spread: Preferred
  trustedNamespace: false
group:
  available: 1
  component: ""
  desired: 1
  disruptionControlled: false
  group: apps/app=web
  members:
  - node: worker-x
    pod: apps/web-0
    state: available
  nodeRole: Worker
  perHost:
    h9: 1
  perNode:
    worker-x: 1
  perZone:
    <unlabelled>: 1
  placed: 1
  replicas: 1
  spread: Preferred
host: h9
kind: Explanation
node: worker-x
pod: apps/web-0
policySource: default policy (no ha-scheduler configuration found in namespace kube-system)
protection:
  preemptibleBy: any
  priority: 0
schedulerName: ""
state: available
zone: <unlabelled>
`

const whatIfZoneJSON = `{
    "apiVersion": "ha-check.ha-scheduler.io/v1alpha1",
    "belowMinimum": [],
    "componentsLost": [],
    "domain": "\u003cunlabelled\u003e",
    "failure": {
        "zone": "\u003cunlabelled\u003e"
    },
    "kind": "WhatIf",
    "level": "zone",
    "nodes": [
        "worker-x"
    ],
    "policySource": "default policy (no ha-scheduler configuration found in namespace kube-system)",
    "quorumLost": [],
    "userGroupsLost": [
        {
            "desired": 1,
            "group": "apps/app=web",
            "lost": 1
        }
    ]
}
`

const whatIfNodeYAML = `apiVersion: ha-check.ha-scheduler.io/v1alpha1
belowMinimum: []
componentsLost: []
domain: cp-b
failure:
  node: cp-b
kind: WhatIf
level: node
nodes:
- cp-b
policySource: default policy (no ha-scheduler configuration found in namespace kube-system)
quorumLost:
- group: kube-system/etcd (StatefulSet etcd)
  members: 5
  quorum: 3
  survivors: 2
userGroupsLost: []
`

const pdbPlanJSON = `{
    "apiVersion": "ha-check.ha-scheduler.io/v1alpha1",
    "kind": "PDBPlan",
    "pdbs": [
        {
            "group": "kube-system/etcd (StatefulSet etcd)",
            "podDisruptionBudget": {
                "apiVersion": "policy/v1",
                "kind": "PodDisruptionBudget",
                "metadata": {
                    "labels": {
                        "app.kubernetes.io/managed-by": "ha-check"
                    },
                    "name": "ha-etcd",
                    "namespace": "kube-system"
                },
                "spec": {
                    "minAvailable": 3,
                    "selector": {
                        "matchLabels": {
                            "app": "etcd"
                        }
                    },
                    "unhealthyPodEvictionPolicy": "AlwaysAllow"
                },
                "status": {
                    "currentHealthy": 0,
                    "desiredHealthy": 0,
                    "disruptionsAllowed": 0,
                    "expectedPods": 0
                }
            }
        }
    ],
    "policySource": "default policy (no ha-scheduler configuration found in namespace kube-system)"
}
`
