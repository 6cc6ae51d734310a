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

package testutil

import (
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config"
	"github.com/ha-scheduler/ha-scheduler/pkg/apis/config/validation"
)

// LoadedPolicy is the policy a as the scheduler loads a profile's HAPolicy
// entry: defaulted and valid (a test's policy that is not fails the test).
func LoadedPolicy(t testing.TB, a config.PolicyArgs) *config.PolicyArgs {
	t.Helper()
	config.SetDefaultsPolicyArgs(&a)
	require.Empty(t, validation.ValidatePolicyArgs(field.NewPath(config.PolicyName, "args"), &a), "the test's policy")
	return &a
}

// Policies are the policies of a configuration whose profile "" (the one
// plugintesting's framework runs) has the policy a, loaded; nil a: no
// HAPolicy entry, the default policy.
func Policies(t testing.TB, a *config.PolicyArgs) config.Policies {
	t.Helper()
	if a == nil {
		return config.Policies{}
	}
	return config.Policies{"": LoadedPolicy(t, *a)}
}
