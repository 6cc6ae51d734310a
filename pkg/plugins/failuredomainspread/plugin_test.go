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

package failuredomainspread

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/informers"
	clientsetfake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/klog/v2/ktesting"
	fwk "k8s.io/kube-scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/backend/cache"
	"k8s.io/kubernetes/pkg/scheduler/framework"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/defaultbinder"
	"k8s.io/kubernetes/pkg/scheduler/framework/plugins/queuesort"
	frameworkruntime "k8s.io/kubernetes/pkg/scheduler/framework/runtime"
	st "k8s.io/kubernetes/pkg/scheduler/testing"
	tf "k8s.io/kubernetes/pkg/scheduler/testing/framework"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/plugins/internal/testutil"
)

// The plugin takes no args: its levels are its profile's policy's. An
// args object with a field makes New fail with an error on the args (what
// the error says is pkg/apis/config/validation's to test).
func TestNewRejectsArgs(t *testing.T) {
	type fieldError struct {
		Type  field.ErrorType
		Field string
	}
	_, ctx := ktesting.NewTestContext(t)
	fh, err := frameworkruntime.NewFramework(ctx, nil, nil,
		frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
	require.NoError(t, err)
	for _, tt := range []struct {
		name string
		args string
		want []fieldError
	}{
		{
			name: "levels, now the policy's",
			args: `{"levels":["topology.kubernetes.io/zone"],"requiredLevels":["topology.kubernetes.io/zone"]}`,
			want: []fieldError{{Type: field.ErrorTypeForbidden, Field: "FailureDomainSpread.args"}, {Type: field.ErrorTypeForbidden, Field: "FailureDomainSpread.args"}},
		},
		{
			name: "an unknown field",
			args: `{"bogus":true}`,
			want: []fieldError{{Type: field.ErrorTypeForbidden, Field: "FailureDomainSpread.args"}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(nil)(ctx, &runtime.Unknown{Raw: []byte(tt.args), ContentType: runtime.ContentTypeJSON}, fh)
			var agg utilerrors.Aggregate
			require.ErrorAs(t, err, &agg)
			var got []fieldError
			for _, e := range agg.Errors() {
				var fe *field.Error
				require.ErrorAs(t, e, &fe)
				got = append(got, fieldError{Type: fe.Type, Field: fe.Field})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("field errors (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
	for name, args := range map[string]runtime.Object{
		"no args":               nil,
		"an empty object":       &runtime.Unknown{Raw: []byte(`{}`), ContentType: runtime.ContentTypeJSON},
		"only apiVersion, kind": &runtime.Unknown{Raw: []byte(`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"FailureDomainSpreadArgs"}`), ContentType: runtime.ContentTypeJSON},
	} {
		t.Run(name+" is fine", func(t *testing.T) {
			_, err := New(nil)(ctx, args, fh)
			require.NoError(t, err)
		})
	}
}

// New fails on a profile policy the policy package cannot compile (the
// scheduler loads policies defaulted and validated, so this is a bug).
func TestNewRejectsAnUnloadedPolicy(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	fh, err := frameworkruntime.NewFramework(ctx, nil, nil,
		frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
	require.NoError(t, err)
	_, err = New(config.Policies{"": &config.PolicyArgs{}})(ctx, nil, fh)
	require.Error(t, err)
	if diff := cmp.Diff(`FailureDomainSpread: profile "": otherTrustedPods: rule is not set`, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// Each profile's plugin spreads over its own policy's levels; a profile
// without a policy has the default ones.
func TestNewTakesTheProfilesLevels(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// z1 = host a (1 replica); z2 = hosts b (2 replicas) and c (none).
	nodes := []*v1.Node{cpVM("a1", "z1", "a").Obj(), cpVM("b1", "z2", "b").Obj(), cpVM("c1", "z2", "c").Obj()}
	pods := schedulers("a1", "b1", "b1")
	factory := informers.NewSharedInformerFactory(clientsetfake.NewClientset(objects(nodes, pods)...), 0)
	snap := cache.NewSnapshot(pods, nodes)
	infos, err := snap.NodeInfos().List()
	require.NoError(t, err)
	ps := config.Policies{
		"zones":      testutil.Policies(t, zoneAndHost())[""],
		"unfiltered": testutil.Policies(t, &config.PolicyArgs{RequiredLevels: []string{}})[""],
	}
	const group = "kube-system/kube-scheduler"
	for _, tt := range []struct {
		profile string
		want    map[string]*fwk.Status
	}{
		{profile: "zones", want: map[string]*fwk.Status{"b1": rejected(zoneKey, group, "z1", 1), "c1": rejected(zoneKey, group, "z1", 1)}},
		{profile: "unfiltered", want: map[string]*fwk.Status{}},
		{profile: "default-scheduler", want: map[string]*fwk.Status{"a1": rejected(hostIDKey, group, "c", 0), "b1": rejected(hostIDKey, group, "c", 0)}},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			fh, err := tf.NewFramework(ctx, []tf.RegisterPluginFunc{
				tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
				tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
			}, tt.profile,
				frameworkruntime.WithInformerFactory(factory),
				frameworkruntime.WithSnapshotSharedLister(snap))
			require.NoError(t, err)
			p, err := New(ps)(ctx, nil, fh)
			require.NoError(t, err)
			got := filterAll(t, ctx, p.(*FailureDomainSpread), framework.NewCycleState(), scheduler("new").Obj(), infos)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rejected nodes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignPod(t *testing.T) {
	ctx, pl, _ := setup(t, nil, nil, nil)
	notSignable := fwk.NewStatus(fwk.Unschedulable, "pods spread by FailureDomainSpread are not signable")
	for _, tt := range []struct {
		name string
		pod  *v1.Pod
		want *fwk.Status
	}{
		{name: "spread user pod", pod: web("w").Obj(), want: notSignable},
		{name: "Required component", pod: scheduler("s").Obj(), want: notSignable},
		{name: "spread None component", pod: st.MakePod().Namespace("kube-system").Label("k8s-app", "kube-proxy").Obj()},
		{name: "DaemonSet pod", pod: web("w").OwnerReference("w", daemonSetGVK).Obj()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			frags, s := pl.SignPod(ctx, tt.pod)
			if diff := cmp.Diff([]fwk.SignFragment(nil), frags); diff != "" {
				t.Errorf("fragments (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, s); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}
