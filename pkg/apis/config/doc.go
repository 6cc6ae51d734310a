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

// Package config holds the typed arguments of the ha-scheduler plugins, their
// defaults and their strict decoding, in the layout of
// sigs.k8s.io/scheduler-plugins' apis/config. There is one version only: the
// args are read from a KubeSchedulerConfiguration file and never served by an
// API server, so an internal/external split would be ceremony.
package config
