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

package workloadseparation

import (
	"context"
	"fmt"
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
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
)

// Each profile's plugin enforces that profile's policy; a profile without
// one has the default.
func TestNewTakesTheProfilesPolicy(t *testing.T) {
	_, ctx := ktesting.NewTestContext(t)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	factory := informers.NewSharedInformerFactory(clientsetfake.NewClientset(controlPlane), 0)
	compact := testutil.Policies(t, &config.PolicyArgs{AllowUserWorkloadsOnControlPlane: true})[""]
	ps := config.Policies{"compact": compact}
	userPod := st.MakePod().Namespace("default").Name("web").Obj()
	for _, tt := range []struct {
		profile string
		want    *fwk.Status
	}{
		{profile: "compact"},
		{profile: "default-scheduler", want: reject(ErrReasonControlPlaneReserved)},
	} {
		t.Run(tt.profile, func(t *testing.T) {
			fh, err := tf.NewFramework(ctx, []tf.RegisterPluginFunc{
				tf.RegisterQueueSortPlugin(queuesort.Name, queuesort.New),
				tf.RegisterBindPlugin(defaultbinder.Name, defaultbinder.New),
			}, tt.profile,
				frameworkruntime.WithInformerFactory(factory),
				frameworkruntime.WithSnapshotSharedLister(cache.NewSnapshot(nil, []*v1.Node{controlPlane})))
			require.NoError(t, err)
			p, err := New(ps)(ctx, nil, fh)
			require.NoError(t, err)
			pl := p.(*WorkloadSeparation)
			state := framework.NewCycleState()
			_, status := pl.PreFilter(ctx, state, userPod, nodeInfos(controlPlane))
			require.True(t, status.IsSuccess(), "PreFilter: %v", status)
			if diff := cmp.Diff(tt.want, pl.Filter(ctx, state, userPod, nodeInfos(controlPlane)[0])); diff != "" {
				t.Errorf("Filter status (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewRejects(t *testing.T) {
	type fieldError struct {
		Type  field.ErrorType
		Field string
	}
	tests := []struct {
		name     string
		policies config.Policies
		args     runtime.Object
		// noInformers builds the handle without an informer factory.
		noInformers bool
		// wantFieldErrors: the error is the field errors of the args;
		// wantErr: its whole text.
		wantFieldErrors []fieldError
		wantErr         string
	}{
		{
			name:            "a policy field in the args: the policy is the profile's now",
			args:            &runtime.Unknown{Raw: []byte(`{"trustedNamespaces":["kube-system"]}`), ContentType: runtime.ContentTypeJSON},
			wantFieldErrors: []fieldError{{Type: field.ErrorTypeForbidden, Field: "WorkloadSeparation.args"}},
		},
		{
			name:            "an unknown field in the args",
			args:            &runtime.Unknown{Raw: []byte(`{"bogus":true}`), ContentType: runtime.ContentTypeJSON},
			wantFieldErrors: []fieldError{{Type: field.ErrorTypeForbidden, Field: "WorkloadSeparation.args"}},
		},
		{
			name:     "a profile policy that was not loaded (not defaulted)",
			policies: config.Policies{"": &config.PolicyArgs{}},
			wantErr:  `WorkloadSeparation: profile "": otherTrustedPods: rule is not set`,
		},
		{
			name:        "a handle without an informer factory",
			noInformers: true,
			wantErr:     `WorkloadSeparation: watching nodes: shared state "roleindex": the framework handle has no informer factory`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			var opts []frameworkruntime.Option
			if !tt.noInformers {
				opts = append(opts, frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
			}
			fh, err := frameworkruntime.NewFramework(ctx, nil, nil, opts...)
			require.NoError(t, err)
			_, err = New(tt.policies)(ctx, tt.args, fh)
			require.Error(t, err)
			if tt.wantFieldErrors != nil {
				var agg utilerrors.Aggregate
				require.ErrorAs(t, err, &agg)
				var got []fieldError
				for _, e := range agg.Errors() {
					var fe *field.Error
					require.ErrorAs(t, e, &fe)
					got = append(got, fieldError{Type: fe.Type, Field: fe.Field})
				}
				if diff := cmp.Diff(tt.wantFieldErrors, got); diff != "" {
					t.Errorf("field errors (-want +got):\n%s\nerror: %v", diff, err)
				}
				return
			}
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// No args, or args holding nothing but apiVersion and kind, are fine.
func TestNewAcceptsEmptyArgs(t *testing.T) {
	for name, args := range map[string]runtime.Object{
		"nil":          nil,
		"empty object": &runtime.Unknown{Raw: []byte(`{}`), ContentType: runtime.ContentTypeJSON},
		"type only":    &runtime.Unknown{Raw: []byte(`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"WorkloadSeparationArgs"}`), ContentType: runtime.ContentTypeJSON},
	} {
		t.Run(name, func(t *testing.T) {
			_, ctx := ktesting.NewTestContext(t)
			fh, err := frameworkruntime.NewFramework(ctx, nil, nil,
				frameworkruntime.WithInformerFactory(informers.NewSharedInformerFactory(clientsetfake.NewClientset(), 0)))
			require.NoError(t, err)
			_, err = New(nil)(ctx, args, fh)
			require.NoError(t, err)
		})
	}
}

// TestSignPod: the plugin's verdicts depend only on the pod's namespace
// and class (component, roles, DaemonSet or not), so pods that share them
// share a signature and may be batched, and no others do.
func TestSignPod(t *testing.T) {
	ctx, pl := newPlugin(t, nil)
	const key = "ha-scheduler.WorkloadSeparation(v1.Pod.Namespace,v1.Pod.Labels,v1.Pod.OwnerReferences)"
	sign := func(t *testing.T, pod *v1.Pod) []fwk.SignFragment {
		t.Helper()
		frags, s := pl.SignPod(ctx, pod)
		require.True(t, s.IsSuccess(), "SignPod: %v", s)
		return frags
	}
	kubeScheduler := func(name string) *st.PodWrapper {
		return st.MakePod().Namespace("kube-system").Name(name).Label("component", "kube-scheduler")
	}
	t.Run("whole signature", func(t *testing.T) {
		want := []fwk.SignFragment{{Key: key, Value: fmt.Sprintf("kube-system|kube-scheduler|%d|false", policy.RolesOf(policy.PlaceControlPlane))}}
		if diff := cmp.Diff(want, sign(t, kubeScheduler("ks").Obj())); diff != "" {
			t.Errorf("signature (-want +got):\n%s", diff)
		}
	})
	for _, tt := range []struct {
		name string
		a, b *v1.Pod
		same bool
	}{
		{name: "two replicas of a component", a: kubeScheduler("ks-1").Obj(), b: kubeScheduler("ks-2").Label("tier", "x").Obj(), same: true},
		{name: "two components", a: kubeScheduler("ks").Obj(), b: st.MakePod().Namespace("kube-system").Name("kcm").Label("component", "kube-controller-manager").Obj()},
		{name: "two user pods of a namespace", a: st.MakePod().Namespace("shop").Name("web").Label("app", "web").Obj(), b: st.MakePod().Namespace("shop").Name("db").Label("app", "db").Obj(), same: true},
		{name: "user pods of two namespaces", a: st.MakePod().Namespace("shop").Name("web").Obj(), b: st.MakePod().Namespace("blog").Name("web").Obj()},
		{name: "a DaemonSet pod and a plain pod", a: st.MakePod().Namespace("shop").Name("agent").OwnerReference("agent", daemonSetGVK).Obj(), b: st.MakePod().Namespace("shop").Name("web").Obj()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.same, cmp.Equal(sign(t, tt.a), sign(t, tt.b))); diff != "" {
				t.Errorf("same signature (-want +got):\n%s", diff)
			}
		})
	}
}
