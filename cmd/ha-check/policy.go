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
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/ha-scheduler/ha-scheduler/pkg/checker"
	"github.com/ha-scheduler/ha-scheduler/pkg/policy"
	"github.com/ha-scheduler/ha-scheduler/pkg/policysource"
)

// The ConfigMap the manifests install holds the scheduler configuration
// under ConfigKey; ConfigSelector finds it (manifests/secondary's
// configMapGenerator sets both labels).
const (
	ConfigSelector = "app.kubernetes.io/part-of=ha-scheduler,app.kubernetes.io/component=scheduler-config"
	ConfigKey      = "config.yaml"
	// preferredNamespace is where the manifests install the scheduler.
	preferredNamespace = "kube-system"
)

// policySource is the policy the cluster is audited with and where it
// came from, in words; policy is nil until the default is chosen.
type policySource struct {
	policy *policy.Policy
	text   string
}

// findConfigMap looks for the ha-scheduler configuration in the cluster. It
// returns a source without policy, saying why, when listing ConfigMaps is
// forbidden or none carries the configuration: the caller uses the default
// policy. A configuration that does not load is an error, as it is for the
// scheduler.
func findConfigMap(ctx context.Context, cs kubernetes.Interface, profile string) (*policySource, error) {
	list, err := cs.CoreV1().ConfigMaps(metav1.NamespaceAll).List(ctx, metav1.ListOptions{LabelSelector: ConfigSelector})
	if apierrors.IsForbidden(err) {
		if profile != "" {
			return nil, fmt.Errorf("--profile %s: listing ConfigMaps is forbidden, no ha-scheduler configuration to take it from; pass --config", profile)
		}
		return &policySource{text: "default policy (listing ConfigMaps is forbidden: the ha-scheduler configuration could not be read)"}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing ConfigMaps (%s): %w", ConfigSelector, err)
	}
	var found []*v1.ConfigMap
	for i := range list.Items {
		if _, ok := list.Items[i].Data[ConfigKey]; ok {
			found = append(found, &list.Items[i])
		}
	}
	if len(found) == 0 {
		if profile != "" {
			return nil, fmt.Errorf("--profile %s: no ha-scheduler configuration found (no ConfigMap labelled %s with %s); pass --config", profile, ConfigSelector, ConfigKey)
		}
		return &policySource{text: "default policy (no ha-scheduler configuration found)"}, nil
	}
	// kube-system first, then the newest, then by name.
	slices.SortStableFunc(found, func(a, b *v1.ConfigMap) int {
		if ak, bk := a.Namespace == preferredNamespace, b.Namespace == preferredNamespace; ak != bk {
			if ak {
				return -1
			}
			return 1
		}
		if c := b.CreationTimestamp.Compare(a.CreationTimestamp.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name)
	})
	cm := found[0]
	name := cm.Namespace + "/" + cm.Name
	res, err := policysource.Load([]byte(cm.Data[ConfigKey]), profile)
	if err != nil {
		return nil, fmt.Errorf("ConfigMap %s, key %s: %w", name, ConfigKey, err)
	}
	text := fmt.Sprintf("ConfigMap %s, profile %s", name, res.Profile)
	if len(found) > 1 {
		var others []string
		for _, o := range found[1:] {
			others = append(others, o.Namespace+"/"+o.Name)
		}
		text += fmt.Sprintf(" (of %d found, %s preferred, then the newest; not used: %s)", len(found), preferredNamespace, strings.Join(others, ", "))
	}
	return &policySource{policy: res.Policy, text: text}, nil
}

// jsonReport is the report with its policy source.
type jsonReport struct {
	PolicySource string `json:"policySource"`
	*checker.Report
}

func writeJSON(w io.Writer, source string, r *checker.Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{PolicySource: source, Report: r})
}

func writeText(w io.Writer, source string, r *checker.Report) error {
	if _, err := fmt.Fprintf(w, "Policy: %s\n", source); err != nil {
		return err
	}
	return checker.WriteText(w, r)
}
