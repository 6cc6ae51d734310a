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

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
)

// loadCluster resolves the policy, then reads the cluster (every command
// that audits does both, in this order).
func loadCluster(ctx context.Context, c *common) (*policySource, cluster.Cluster, error) {
	src, err := resolvePolicy(ctx, c)
	if err != nil {
		return nil, cluster.Cluster{}, err
	}
	cs, host, err := c.client()
	if err != nil {
		return nil, cluster.Cluster{}, err
	}
	p := newProgress(c.streams.ErrOut, time.Now)
	c2, err := cluster.Load(ctx, cs, cluster.LoadOptions{Progress: p.report})
	if err != nil {
		return nil, cluster.Cluster{}, fmt.Errorf("reading the cluster at %s: %w", host, err)
	}
	return src, c2, nil
}
