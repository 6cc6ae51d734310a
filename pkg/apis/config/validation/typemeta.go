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

package validation

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	schedulerconfigv1 "k8s.io/kube-scheduler/config/v1"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// ArgsAPIVersion is the apiVersion args may carry: the configuration's own,
// as upstream's in-tree plugins' args carry it.
var ArgsAPIVersion = schedulerconfigv1.SchemeGroupVersion.String()

// ArgsKind is the kind of the args of the pluginConfig entry name, as
// upstream names its args' kinds: HAPolicyArgs, DisruptionGuardArgs,
// WorkloadSeparationArgs.
func ArgsKind(name string) string { return name + "Args" }

// noArgsKinds are the kinds of the plugins that take no args. ValidateNoArgs
// does not know which of them it validates for; LoadPolicies, which knows
// the entry's name, wants exactly its kind.
var noArgsKinds = []string{ArgsKind(config.WorkloadSeparationName), ArgsKind(config.FailureDomainSpreadName)}

// validateTypeMeta checks the apiVersion and kind of decoded args (any
// type that embeds metav1.TypeMeta): each may be left out (the scheduler's
// decoder hands args on as they are written, so both are optional), and,
// when written, must say what the args are. Strict decoding alone accepts
// any string there, so args written for another plugin or another API
// would load without a word.
func validateTypeMeta(path *field.Path, args any, kinds []string) field.ErrorList {
	o, ok := args.(interface{ GetObjectKind() schema.ObjectKind })
	if !ok {
		return nil
	}
	tm, ok := o.GetObjectKind().(*metav1.TypeMeta)
	if !ok {
		return nil
	}
	var errs field.ErrorList
	if tm.APIVersion != "" && tm.APIVersion != ArgsAPIVersion {
		errs = append(errs, field.Invalid(path.Child("apiVersion"), tm.APIVersion, fmt.Sprintf("must be %s, or left out", ArgsAPIVersion)))
	}
	if tm.Kind != "" && !slices.Contains(kinds, tm.Kind) {
		errs = append(errs, field.Invalid(path.Child("kind"), tm.Kind, fmt.Sprintf("must be %s, or left out", strings.Join(kinds, " or "))))
	}
	return errs
}
