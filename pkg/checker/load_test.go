package checker

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
)

func TestLoad(t *testing.T) {
	ha := haCluster()
	var objs []runtime.Object
	for _, n := range ha.Nodes {
		objs = append(objs, n)
	}
	for _, p := range ha.Pods {
		objs = append(objs, p)
	}
	for _, p := range ha.PDBs {
		objs = append(objs, p)
	}
	got, err := Load(context.Background(), fake.NewClientset(objs...))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Nodes) != len(ha.Nodes) || len(got.Pods) != len(ha.Pods) || len(got.PDBs) != len(ha.PDBs) {
		t.Fatalf("loaded %d nodes, %d pods, %d PDBs; want %d, %d, %d",
			len(got.Nodes), len(got.Pods), len(got.PDBs), len(ha.Nodes), len(ha.Pods), len(ha.PDBs))
	}
	if r := Analyze(nil, got); r.Verdict != VerdictPass {
		t.Errorf("verdict %s of the loaded HA cluster:\n%s", r.Verdict, text(t, r))
	}
}
