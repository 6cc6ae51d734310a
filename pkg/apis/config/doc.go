// Package config holds the typed arguments of the ha-scheduler plugins, their
// defaults and their strict decoding, in the layout of
// sigs.k8s.io/scheduler-plugins' apis/config. There is one version only: the
// args are read from a KubeSchedulerConfiguration file and never served by an
// API server, so an internal/external split would be ceremony.
package config
