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
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/hacheck/v1alpha1"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/cluster"
	"github.com/ha-scheduler/ha-scheduler/pkg/checker/model"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// scheme knows the kinds of ha-check's objects: run sets each answer's
// apiVersion and kind from it.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	if err := v1alpha1.AddToScheme(s); err != nil {
		panic(err)
	}
	return s
}()

// computeFunc computes a command's answer, an object of
// pkg/apis/hacheck/v1alpha1, from the model of the cluster under the
// policy; src says where the policy came from.
type computeFunc func(src *policysource.Found, m *model.Model) (runtime.Object, error)

// run is the path of every command that reads the cluster, in this order
// and only here: resolve the policy, read the cluster (progress on
// stderr), read it once into a model under the policy, compute the answer
// from the model, give it its apiVersion and kind, and print it with the
// printer of the command's output flags. It returns the answer, which
// decides the exit status.
func (c *commonOptions) run(ctx context.Context, printer printerFunc, compute computeFunc) (runtime.Object, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	src, err := c.resolvePolicy(ctx)
	if err != nil {
		return nil, err
	}
	cs, host, err := c.client()
	if err != nil {
		return nil, err
	}
	p := newProgress(c.streams.ErrOut, time.Now)
	read, err := cluster.Load(ctx, cs, cluster.LoadOptions{Progress: p.report})
	if err != nil {
		return nil, fmt.Errorf("reading the cluster at %s: %w", host, err)
	}
	m := model.New(src.Policy, read)
	obj, err := compute(src, m)
	if err != nil {
		return nil, err
	}
	gvks, _, err := scheme.ObjectKinds(obj)
	if err != nil {
		return nil, err
	}
	obj.GetObjectKind().SetGroupVersionKind(gvks[0])
	if err := printer(m).PrintObj(obj, c.streams.Out); err != nil {
		return nil, fmt.Errorf("writing the %s: %w", gvks[0].Kind, err)
	}
	return obj, nil
}
