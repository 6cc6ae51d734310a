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

package v1alpha1

// Report is the check's report: what was read, node distribution by a
// revision of the SCS standard scs-0214-v2, the replicas of every assessed
// group and where the available ones run, what the failure of each single
// domain would take, which scheduler runs the control plane, who may act
// as a component, the findings, and the verdict.
//
// The JSON keeps the order of the fields (apiVersion and kind first).
//
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
type Report struct {
	TypeMeta `json:",inline"`
	// PolicySource says where the policy came from, in words (as the text's
	// Policy: line).
	PolicySource string `json:"policySource"`

	Verdict  Verdict `json:"verdict"`
	Fails    int     `json:"fails"`
	Warnings int     `json:"warnings"`

	Summary Summary `json:"summary"`
	// Levels are the failure-domain levels audited (the policy's, but the
	// node level), by label, when they are not the default policy's zone
	// and host.
	Levels           []string           `json:"levels,omitempty"`
	NodeDistribution NodeDistribution   `json:"nodeDistribution"`
	Replicas         []ComponentReplica `json:"replicas"`
	Survival         []DomainSurvival   `json:"survival"`
	// ControlPlaneScheduler says which scheduler each kube-scheduler pod
	// runs (ha-scheduler or the stock one) and which one is expected.
	ControlPlaneScheduler ControlPlaneScheduler `json:"controlPlaneScheduler"`
	// Trust says who may act as a component and which admission policies
	// are in force; absent when they were not read.
	Trust    *Trust    `json:"trust,omitempty"`
	Findings []Finding `json:"findings"`
}

// Verdict of a report.
type Verdict string

const (
	VerdictPass Verdict = "PASS"
	VerdictFail Verdict = "FAIL"
)

// Severity of a finding: a fail changes the verdict, a warn does not.
type Severity string

const (
	SeverityFail Severity = "fail"
	SeverityWarn Severity = "warn"
)

// Finding is one result of a rule.
type Finding struct {
	// ID is stable: scripts may match on it (findings.go lists them).
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	// Subjects are the objects the finding is about: node names,
	// namespace/name of pods, groups, domains.
	Subjects []string `json:"subjects,omitempty"`
}

// Summary counts what was read.
type Summary struct {
	Nodes             int `json:"nodes"`
	ControlPlaneNodes int `json:"controlPlaneNodes"`
	InfraNodes        int `json:"infraNodes"`
	WorkerNodes       int `json:"workerNodes"`
	Regions           int `json:"regions"`
	Zones             int `json:"zones"`
	Hosts             int `json:"hosts"`
	// NotReadyNodes counts the nodes whose Ready condition is not True.
	NotReadyNodes int `json:"notReadyNodes"`
	// Pods counts the active pods (not Succeeded, Failed or terminating).
	Pods                 int `json:"pods"`
	PodDisruptionBudgets int `json:"podDisruptionBudgets"`
}

// ComponentReplica is one row of the replica table: how many replicas one
// component group should have, has and has available, and where the
// available ones run.
//
// A disruption-controlled group is the replicas of one component in one
// namespace with one owner (two etcd clusters in one namespace are two
// rows); other components are grouped by component and namespace.
type ComponentReplica struct {
	// Group names the group: "kube-system/etcd", with the owner of a
	// disruption-controlled group, "kube-system/etcd (StatefulSet etcd-events)".
	Group     string `json:"group"`
	Component string `json:"component"`
	// Owner is the workload of a disruption-controlled group
	// ("StatefulSet etcd-events", "Deployment coredns"); empty for static
	// pods and bare pods.
	Owner string `json:"owner,omitempty"`
	// NodeRole is the rule's nodeRole (ControlPlane, Infra, Worker, Any).
	NodeRole string `json:"nodeRole"`
	// Spread is the rule's spread (None, Preferred, Required).
	Spread               string `json:"spread"`
	DisruptionControlled bool   `json:"disruptionControlled"`
	Quorum               bool   `json:"quorum,omitempty"`
	// Desired is the size the group should have: the larger of its pods
	// (bound or pending, terminating included, finished not) and its
	// controller's desired replicas (StatefulSet spec.replicas, a
	// Deployment's through its ReplicaSet). Quorum and minimums are taken of
	// it, as the scheduler's DisruptionGuard takes them.
	Desired int `json:"desired"`
	// Replicas counts the active pods of the group (not terminating), bound
	// or not.
	Replicas int `json:"replicas"`
	// Placed counts the active pods bound to a node that exists.
	Placed int `json:"placed"`
	// Available counts the replicas available now: Ready, not terminating,
	// on a node that exists and is Ready. Survival counts only these.
	Available int `json:"available"`
	// MinAvailable is how many replicas a disruption-controlled group must
	// keep available (for a quorum group, a majority of Desired); absent for
	// the others.
	MinAvailable int `json:"minAvailable,omitempty"`
	// PerZone and PerHost split the available replicas by zone and
	// physical host (they split Placed before availability was counted; on
	// a healthy cluster the two are the same).
	PerZone map[string]int `json:"perZone"`
	PerHost map[string]int `json:"perHost"`
	// PerDomain splits them by the domains of the policy's other levels
	// (a region, a rack): level label -> domain -> replicas.
	PerDomain map[string]map[string]int `json:"perDomain,omitempty"`
}

// DomainSurvival says what the failure of one domain would do.
type DomainSurvival struct {
	// Level is "zone", "host", or the name of another of the policy's
	// levels ("region", "rack").
	Level  string `json:"level"`
	Domain string `json:"domain"`
	// Lost are the groups that would lose every available replica.
	Lost []string `json:"lost,omitempty"`
	// QuorumLost are the quorum groups left with at most half their members.
	QuorumLost []QuorumLoss `json:"quorumLost,omitempty"`
}

// Survives reports whether nothing would be lost.
func (d *DomainSurvival) Survives() bool { return len(d.Lost) == 0 && len(d.QuorumLost) == 0 }

// QuorumLoss is a quorum group left without a majority.
type QuorumLoss struct {
	Group string `json:"group"`
	// Members is the group's desired size.
	Members int `json:"members"`
	// Survivors are the replicas available now outside the failed domain.
	Survivors int `json:"survivors"`
	// Quorum is the majority of Members the group needs.
	Quorum int `json:"quorum"`
}
