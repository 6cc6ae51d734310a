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
package checker

// Options are the choices of an audit that are not policy.
type Options struct {
	// SCSRevision is the revision of scs-0214 the node distribution is
	// judged by; "" is the current one.
	SCSRevision SCSRevision
}

// SCSRevision names a revision of the SCS node distribution standard
// scs-0214 (../shared/reference/scs-0214 in the project's sources).
type SCSRevision string
