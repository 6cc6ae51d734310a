// Package version is the ha-scheduler release, stamped into component-base's
// gitVersion as "<kubernetes version>+ha.<release>" by the Makefile: a
// gitVersion outside Kubernetes' own range stops the scheduler from starting
// (emulation-version validation), so our release rides as build metadata.
package version

// Release is the ha-scheduler release.
const Release = "0.1.0"

// Kubernetes is the Kubernetes release the binary is built against.
const Kubernetes = "v1.37.2"

// GitVersion is what --version prints.
const GitVersion = Kubernetes + "+ha." + Release
