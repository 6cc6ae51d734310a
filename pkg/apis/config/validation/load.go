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

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
)

// load decodes args strictly, defaults and validates them. Every error names
// its field under path.
func load[T any](obj runtime.Object, path *field.Path, setDefaults func(*T), validate func(*field.Path, *T) field.ErrorList) (*T, field.ErrorList) {
	args := new(T)
	var errs field.ErrorList
	if err := config.DecodeStrict(obj, args); err != nil {
		var strict *config.StrictError
		if !errors.As(err, &strict) {
			return nil, field.ErrorList{field.Invalid(path, field.OmitValueType{}, err.Error())}
		}
		// Unknown fields were skipped, the rest decoded: report them along
		// with whatever else is wrong.
		for _, e := range strict.Errs {
			errs = append(errs, field.Forbidden(path, e.Error()))
		}
	}
	setDefaults(args)
	errs = append(errs, validate(path, args)...)
	if len(errs) > 0 {
		return nil, errs
	}
	return args, nil
}

func loadErr[T any](args *T, errs field.ErrorList) (*T, error) {
	return args, errs.ToAggregate()
}

// LoadWorkloadSeparationArgs decodes, defaults and validates the args.
func LoadWorkloadSeparationArgs(obj runtime.Object, path *field.Path) (*config.WorkloadSeparationArgs, error) {
	return loadErr(load(obj, path, config.SetDefaultsWorkloadSeparationArgs, ValidateWorkloadSeparationArgs))
}

// LoadFailureDomainSpreadArgs decodes, defaults and validates the args.
func LoadFailureDomainSpreadArgs(obj runtime.Object, path *field.Path) (*config.FailureDomainSpreadArgs, error) {
	return loadErr(load(obj, path, config.SetDefaultsFailureDomainSpreadArgs, ValidateFailureDomainSpreadArgs))
}

// LoadDisruptionGuardArgs decodes, defaults and validates the args.
func LoadDisruptionGuardArgs(obj runtime.Object, path *field.Path) (*config.DisruptionGuardArgs, error) {
	return loadErr(load(obj, path, config.SetDefaultsDisruptionGuardArgs, ValidateDisruptionGuardArgs))
}

// loadPolicyArgs loads the args of one of our plugins and returns the policy
// part. known is false for a plugin that is not ours.
func loadPolicyArgs(pluginName string, obj runtime.Object, path *field.Path) (pa *config.PolicyArgs, known bool, errs field.ErrorList) {
	switch pluginName {
	case config.WorkloadSeparationName:
		a, errs := load(obj, path, config.SetDefaultsWorkloadSeparationArgs, ValidateWorkloadSeparationArgs)
		return policyOf(a, func(a *config.WorkloadSeparationArgs) *config.PolicyArgs { return &a.PolicyArgs }), true, errs
	case config.FailureDomainSpreadName:
		a, errs := load(obj, path, config.SetDefaultsFailureDomainSpreadArgs, ValidateFailureDomainSpreadArgs)
		return policyOf(a, func(a *config.FailureDomainSpreadArgs) *config.PolicyArgs { return &a.PolicyArgs }), true, errs
	case config.DisruptionGuardName:
		a, errs := load(obj, path, config.SetDefaultsDisruptionGuardArgs, ValidateDisruptionGuardArgs)
		return policyOf(a, func(a *config.DisruptionGuardArgs) *config.PolicyArgs { return &a.PolicyArgs }), true, errs
	}
	return nil, false, nil
}

func policyOf[T any](a *T, get func(*T) *config.PolicyArgs) *config.PolicyArgs {
	if a == nil {
		return nil
	}
	return get(a)
}
