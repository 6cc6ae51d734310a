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

// Package monitoring holds the tests of manifests/monitoring that need
// Prometheus' and the Prometheus Operator's code: every alert is a valid
// Prometheus rule (promtool's checks), every alert and dashboard expression
// parses, the metrics they name are manifests/monitoring/metrics.txt, and
// the ServiceMonitor and PrometheusRule decode strictly into the operator's
// types. The scheduler's integration tests (test/integration) find each
// name of metrics.txt on the running binary's /metrics.
package monitoring
