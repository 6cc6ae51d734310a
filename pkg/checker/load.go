package checker

import (
	"context"
	"fmt"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// pageSize bounds one list call; large clusters are read in pages.
const pageSize = 500

// Load lists the nodes, the active pods of all namespaces and the policy/v1
// PodDisruptionBudgets of all namespaces.
func Load(ctx context.Context, cs kubernetes.Interface) (Cluster, error) {
	var c Cluster
	opts := metav1.ListOptions{Limit: pageSize}
	for {
		l, err := cs.CoreV1().Nodes().List(ctx, opts)
		if err != nil {
			return c, fmt.Errorf("listing nodes: %w", err)
		}
		for i := range l.Items {
			c.Nodes = append(c.Nodes, &l.Items[i])
		}
		if opts.Continue = l.Continue; opts.Continue == "" {
			break
		}
	}
	// Finished pods never count; leave them on the server.
	opts = metav1.ListOptions{Limit: pageSize, FieldSelector: "status.phase!=" + string(v1.PodSucceeded) + ",status.phase!=" + string(v1.PodFailed)}
	for {
		l, err := cs.CoreV1().Pods(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			return c, fmt.Errorf("listing pods: %w", err)
		}
		for i := range l.Items {
			c.Pods = append(c.Pods, &l.Items[i])
		}
		if opts.Continue = l.Continue; opts.Continue == "" {
			break
		}
	}
	opts = metav1.ListOptions{Limit: pageSize}
	for {
		l, err := cs.PolicyV1().PodDisruptionBudgets(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			return c, fmt.Errorf("listing PodDisruptionBudgets: %w", err)
		}
		for i := range l.Items {
			c.PDBs = append(c.PDBs, &l.Items[i])
		}
		if opts.Continue = l.Continue; opts.Continue == "" {
			break
		}
	}
	return c, nil
}
