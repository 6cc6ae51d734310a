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
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// policyFields are the JSON names of PolicyArgs' fields. Before the policy
// had its own pluginConfig entry each plugin's args carried it: one of
// these names in a plugin's args gets an error that says where it moved.
var policyFields = []string{
	"trustedNamespaces", "components", "otherTrustedPods", "userWorkloads",
	"allowUserWorkloadsOnControlPlane", "levels", "requiredLevels", "reservedPriority",
}

// movedHint is appended to an unknown-field error about a policy field.
var movedHint = fmt.Sprintf("the policy is written once per profile, as the args of the pluginConfig entry named %s (docs/policy.md)", config.PolicyName)

// load decodes args strictly, checks their apiVersion and kind (one of
// kinds, validateTypeMeta), defaults and validates them. Every error names
// its field under path.
func load[T any](obj runtime.Object, path *field.Path, kinds []string, setDefaults func(*T), validate func(*field.Path, *T) field.ErrorList) (*T, field.ErrorList) {
	args := new(T)
	var errs field.ErrorList
	if err := config.DecodeStrict(obj, args); err != nil {
		var strict *config.StrictError
		if !errors.As(err, &strict) {
			return nil, field.ErrorList{field.Invalid(path, field.OmitValueType{}, err.Error())}
		}
		// Unknown fields were skipped, the rest decoded: report them along
		// with whatever else is wrong.
		errs = append(errs, strictErrors(path, strict)...)
	}
	errs = append(errs, validateTypeMeta(path, args, kinds)...)
	setDefaults(args)
	errs = append(errs, validate(path, args)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return args, nil
}

func strictErrors(path *field.Path, strict *config.StrictError) field.ErrorList {
	var errs field.ErrorList
	for _, e := range strict.Errs {
		msg := e.Error()
		// Only a top-level unknown field: a duplicate "levels" in HAPolicy
		// is not a field that moved.
		for _, f := range policyFields {
			if msg == fmt.Sprintf("unknown field %q", f) {
				msg += ": " + movedHint
				break
			}
		}
		errs = append(errs, field.Forbidden(path, msg))
	}
	return errs
}

// LoadPolicyArgs decodes, defaults and validates the args of a profile's
// HAPolicy entry (nil: the default policy).
func LoadPolicyArgs(obj runtime.Object, path *field.Path) (*config.PolicyArgs, error) {
	args, errs := load(obj, path, []string{ArgsKind(config.PolicyName)}, config.SetDefaultsPolicyArgs, ValidatePolicyArgs)
	return args, errs.ToAggregate()
}

// LoadDisruptionGuardArgs decodes, defaults and validates the args.
func LoadDisruptionGuardArgs(obj runtime.Object, path *field.Path) (*config.DisruptionGuardArgs, error) {
	args, errs := load(obj, path, []string{ArgsKind(config.DisruptionGuardName)}, config.SetDefaultsDisruptionGuardArgs, ValidateDisruptionGuardArgs)
	return args, errs.ToAggregate()
}

// ValidateNoArgs is for the plugins that take nothing but the profile's
// policy (WorkloadSeparation, FailureDomainSpread): no args, or an empty
// object, is fine; any field is an error, and a policy field says where the
// policy is written now. The kind, when written, must be one of theirs
// (LoadPolicies wants the entry's own).
func ValidateNoArgs(obj runtime.Object, path *field.Path) error {
	return loadNoArgs(obj, path, noArgsKinds).ToAggregate()
}

// loadNoArgs decodes args that may hold nothing but apiVersion and kind
// (one of kinds).
func loadNoArgs(obj runtime.Object, path *field.Path, kinds []string) field.ErrorList {
	_, errs := load(obj, path, kinds, func(*metav1.TypeMeta) {}, func(*field.Path, *metav1.TypeMeta) field.ErrorList { return nil })
	return errs
}
