# Copyright The ha-scheduler Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

# ha-scheduler — `make` prints this help.
SHELL := /usr/bin/env bash
.DEFAULT_GOAL := help

GO          ?= go
BIN_DIR     := bin
TOOLS_DIR   := _output/bin
KUBE_VERSION := $(shell sed -n 's/^const Kubernetes = "\(.*\)"/\1/p' pkg/version/version.go)
HA_RELEASE   := $(shell sed -n 's/^const Release = "\(.*\)"/\1/p' pkg/version/version.go)
# Kubernetes refuses a gitVersion outside its own range; ours rides as build
# metadata (see pkg/version).
GIT_VERSION := $(KUBE_VERSION)+ha.$(HA_RELEASE)
LDFLAGS     := -X k8s.io/component-base/version.gitVersion=$(GIT_VERSION)
GOLANGCI_LINT := $(TOOLS_DIR)/golangci-lint
# Go test flags for the integration tests (e.g. TEST_FLAGS=-v).
TEST_FLAGS  ?=

.PHONY: help
help: ## Show this help
	@echo "ha-scheduler $(GIT_VERSION)"
	@echo
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z0-9_-]+:.*##/ {printf "  make %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/ha-scheduler and bin/ha-check (and bin/kubectl-ha, the kubectl plugin: a link to ha-check)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN_DIR)/ha-scheduler ./cmd/scheduler
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN_DIR)/ha-check ./cmd/ha-check
	ln -sf ha-check $(BIN_DIR)/kubectl-ha

.PHONY: binaries
binaries: ## Build etcd, kube-apiserver, kube-controller-manager and kubectl from the pinned modules (cached)
	hack/build-binaries.sh

.PHONY: test
test: test-unit test-integration test-lab test-conformance ## Run every test (unit, integration, lab smoke test, upstream's conformance tests of the scheduler): the test command

.PHONY: test-unit
test-unit: ## Unit tests (plugins, policy, args; fuzz seed corpora; the Helm chart; the scale benchmark's configs; the image, hack/image: real binaries for the host platform only, make test-image-all for both)
	hack/build-binaries.sh helm
	$(GO) test ./pkg/... ./cmd/... ./test/manifests/... ./test/scale/...
	cd hack/image && $(GO) test -timeout 60m ./...
	cd test/monitoring && $(GO) test ./...
	cd hack/e2e && $(GO) test ./...

.PHONY: test-integration
test-integration: build ## Integration tests: real etcd, kube-apiserver (and kube-controller-manager for the disruption controller) and the ha-scheduler binary; the scale benchmark's smoke workloads
	hack/build-binaries.sh etcd kube-apiserver kube-controller-manager kubectl helm
	$(GO) test -count=1 -timeout 30m $(TEST_FLAGS) ./test/integration/...
	@echo "==> scale benchmark, 8-node smoke workloads (placement check, phase boundaries)"
	@d=$$(mktemp -d) && PATH="$(abspath $(TOOLS_DIR)):$$PATH" $(GO) test -count=1 -run '^$$' -bench . -benchtime=1x -timeout 10m ./test/scale \
	  -perf-scheduling-label-filter=integration-test -data-items-dir=$$d > $$d/bench.log 2>&1; \
	  rc=$$?; grep -E '^(--- FAIL|FAIL|ok)' $$d/bench.log; if [ $$rc -ne 0 ]; then tail -n 60 $$d/bench.log; fi; rm -rf $$d; exit $$rc

.PHONY: lab
lab: ## Local lab cluster (kwok): ha-scheduler on a simulated HA topology; prints placement and the checker's verdict
	hack/lab/up.sh

.PHONY: lab-down
lab-down: ## Remove the lab cluster (keeps the cached binaries)
	hack/lab/down.sh

.PHONY: test-lab
test-lab: ## Lab smoke test: create the lab, checker passes, no user pod on a control-plane node, remove it
	hack/lab/smoke.sh

.PHONY: test-conformance
test-conformance: ## Upstream's [Conformance] tests of [sig-scheduling] (e2e.test) on a lab scheduled by ha-scheduler in replacement mode
	hack/e2e/conformance.sh

# Upstream's end-to-end tests (docs/conformance.md): e2e.test and the stock
# kube-scheduler built from the pinned modules (cached), labs of the same
# topology without the demo workloads; output in E2E_OUT (_output/e2e).
# E2E_FOCUS / E2E_SKIP narrow the tests (ginkgo regular expressions),
# E2E_MODES the modes ("replacement secondary").
.PHONY: e2e
e2e: ## Upstream's [sig-scheduling] e2e tests on the stock kube-scheduler and on ha-scheduler (replacement and secondary mode) side by side; fails on a regression
	hack/e2e/run.sh

.PHONY: bench
bench: ## Plugin benchmarks (per-pod cost, ratios against upstream in the same run)
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/plugins/...

$(GOLANGCI_LINT): hack/tools/go.mod hack/tools/go.sum
	@mkdir -p $(TOOLS_DIR)
	cd hack/tools && $(GO) build -o ../../$(GOLANGCI_LINT) github.com/golangci/golangci-lint/v2/cmd/golangci-lint

LOGCHECK := $(TOOLS_DIR)/logcheck

$(LOGCHECK): hack/tools/go.mod hack/tools/go.sum
	@mkdir -p $(TOOLS_DIR)
	cd hack/tools && $(GO) build -o ../../$(LOGCHECK) sigs.k8s.io/logtools/logcheck

DEEPCOPY_GEN := $(TOOLS_DIR)/deepcopy-gen

$(DEEPCOPY_GEN): hack/tools/go.mod hack/tools/go.sum
	@mkdir -p $(TOOLS_DIR)
	cd hack/tools && $(GO) build -o ../../$(DEEPCOPY_GEN) k8s.io/code-generator/cmd/deepcopy-gen

.PHONY: generate
generate: $(DEEPCOPY_GEN) ## Generated code: the deep copies of the API types (deepcopy-gen, pinned in hack/tools)
	DEEPCOPY_GEN=$(DEEPCOPY_GEN) hack/update-codegen.sh

.PHONY: verify-generated
verify-generated: $(DEEPCOPY_GEN) ## The generated code is what make generate writes
	@echo "==> generated code"
	@DEEPCOPY_GEN=$(DEEPCOPY_GEN) hack/update-codegen.sh --verify

.PHONY: verify
verify: $(GOLANGCI_LINT) $(LOGCHECK) ## gofmt, go vet, golangci-lint, license headers, structured logging, generated code
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...
	cd hack/image && $(GO) vet ./... && ../../$(GOLANGCI_LINT) run ./...
	cd test/monitoring && $(GO) vet ./... && ../../$(GOLANGCI_LINT) run ./...
	cd hack/e2e && $(GO) vet ./... && ../../$(GOLANGCI_LINT) run ./...
	@$(MAKE) --no-print-directory -k verify-boilerplate verify-logging verify-generated

.PHONY: verify-boilerplate
verify-boilerplate: ## License headers (hack/boilerplate); hack/verify-boilerplate.sh --fix adds the missing ones
	@echo "==> license headers"
	@hack/verify-boilerplate.sh

.PHONY: verify-logging
verify-logging: $(LOGCHECK) ## Structured, contextual logging (logcheck, sigs.k8s.io/logtools)
	@echo "==> structured logging (logcheck)"
	@GO=$(GO) LOGCHECK=$(LOGCHECK) hack/verify-structured-logging.sh

.PHONY: clean
clean: ## Remove built binaries (keeps the cached Kubernetes binaries in _output)
	rm -rf $(BIN_DIR)

# Container image without a container engine (hack/image, go-containerregistry):
# ha-scheduler and ha-check cross-compiled as `make build` builds them, for
# linux/amd64 and linux/arm64, each platform's two binaries in an image with
# no base (user 65532), both images in one OCI index: the OCI layout _output/image and the same as one file,
# _output/ha-scheduler-image.tar. The reference is
# <REGISTRY>/ha-scheduler:<version>, by default ghcr.io/ha-scheduler, the one
# the manifests name (hack/image's test checks they agree). SOURCE_DATE_EPOCH
# sets the image's timestamps (default: 1970).
REGISTRY   ?=
IMAGE_TOOL  = cd hack/image && $(GO) run . -root ../.. -go "$(GO)" -registry "$(REGISTRY)"

.PHONY: image
image: ## Build the image (linux/amd64 + linux/arm64, no docker needed) into _output/image and _output/ha-scheduler-image.tar (REGISTRY= names another registry)
	$(IMAGE_TOOL)

# test-unit checks the image's two-platform index with stand-in binaries and
# the real ones for the host's platform only; this builds it as make image
# does, cross-compiling the real scheduler and ha-check for every platform
# (about half an hour cold on two cores, a minute warm).
.PHONY: test-image-all
test-image-all: ## The image test with make image's own build: the real binaries for linux/amd64 and linux/arm64 (slow cold)
	cd hack/image && HA_IMAGE_ALL_PLATFORMS=1 $(GO) test -count=1 -timeout 90m -run 'TestImage/real-binaries-all-platforms' ./...

.PHONY: image-push
image-push: ## Build the image and push it to REGISTRY/ha-scheduler:<version> (REGISTRY= required; credentials of docker login)
	@if [ -z "$(REGISTRY)" ]; then \
	  echo "make image-push: set REGISTRY, e.g. make image-push REGISTRY=registry.example.com/platform" >&2; \
	  exit 1; \
	fi
	$(IMAGE_TOOL) -push

# The same image from the Dockerfile, with docker or podman (one platform,
# the engine's; distroless/static:nonroot as base), tagged with the same
# reference.
CONTAINER_ENGINE ?= $(shell command -v docker 2>/dev/null || command -v podman 2>/dev/null)

.PHONY: image-docker
image-docker: ## Alternative: build the image from the Dockerfile with docker or podman (REGISTRY= as for image)
	@if [ -z "$(CONTAINER_ENGINE)" ]; then \
	  echo "make image-docker: neither docker nor podman is installed here; use make image, install one, or set CONTAINER_ENGINE=<command>" >&2; \
	  exit 1; \
	fi
	@if ! $(CONTAINER_ENGINE) info >/dev/null 2>&1; then \
	  echo "make image-docker: $(CONTAINER_ENGINE) is installed but cannot build here (is its daemon/service running?)" >&2; \
	  exit 1; \
	fi
	@ref=$$($(IMAGE_TOOL) -print-ref) && \
	  echo "$(CONTAINER_ENGINE) build -t $$ref ." && \
	  $(CONTAINER_ENGINE) build -t "$$ref" . && \
	  echo "built $$ref with $(CONTAINER_ENGINE)"

# Scale benchmark (test/scale, docs/performance.md): data items, placement
# files and the log go to SCALE_OUT; SCALE_BENCH picks workloads (a -bench
# pattern), SCALE_FLAGS adds flags (e.g. -perf-cpuprofile).
SCALE_OUT   ?= _output/scale
SCALE_BENCH ?= BenchmarkPerfScheduling
SCALE_FLAGS ?=

.PHONY: bench-scale
bench-scale: ## Scale benchmark (scheduler_perf, 500, 5,000 and 15,000 nodes): default vs ha-scheduler (vs upstream-only up to 5,000), and a preemption workload (500, 5,000 nodes); prints the tables (~1 h on 2 cores)
	hack/build-binaries.sh etcd
	rm -rf $(SCALE_OUT) && mkdir -p $(SCALE_OUT)
	@echo "==> scheduler_perf: $(SCALE_BENCH) (log: $(SCALE_OUT)/bench.log)"
	@PATH="$(abspath $(TOOLS_DIR)):$$PATH" ARTIFACTS="$(abspath $(SCALE_OUT))" \
	  $(GO) test -run '^$$' -bench '$(SCALE_BENCH)' -benchtime=1x -timeout 150m ./test/scale \
	  -data-items-dir="$(abspath $(SCALE_OUT))" $(SCALE_FLAGS) > $(SCALE_OUT)/bench.log 2>&1; \
	  rc=$$?; grep -E '^(--- FAIL|FAIL|ok|PASS)' $(SCALE_OUT)/bench.log; \
	  if [ $$rc -ne 0 ]; then tail -n 60 $(SCALE_OUT)/bench.log; exit $$rc; fi
	$(GO) run ./test/scale/report $(SCALE_OUT)

# The admission policies (DaemonSet, reserved nodes, reserved priority,
# routing) exclude the scheduler's trusted namespaces, and the
# reserved-priority policy refuses the policy's reservedPriority:
# hack/gen-admission writes both from the shipped scheduler configs into
# their generated blocks; test/manifests fails while they disagree. The Helm
# chart's alerts and dashboard are copies of manifests/monitoring's (a chart
# reads no file outside its directory): copied here, and
# TestHelmMonitoringFilesAreCopies (test/manifests) fails while they differ.
MONITORING_COPIES := dashboard.json prometheusrule.yaml

.PHONY: manifests
manifests: ## Regenerate the admission policies' excluded namespaces (DaemonSet, reserved nodes, reserved priority, routing) and reserved priority from the shipped scheduler configs' policy; copy the alerts and dashboard into the Helm chart
	$(GO) run ./hack/gen-admission
	for f in $(MONITORING_COPIES); do cp manifests/monitoring/$$f charts/ha-scheduler/files/$$f; done

.PHONY: verify-manifests
verify-manifests: ## Fail (with a diff) when the admission policies' generated blocks or the Helm chart's monitoring copies are stale
	$(GO) run ./hack/gen-admission -check
	@for f in $(MONITORING_COPIES); do diff -u manifests/monitoring/$$f charts/ha-scheduler/files/$$f || { echo "charts/ha-scheduler/files/$$f differs from manifests/monitoring/$$f: run make manifests" >&2; exit 1; }; done

# The Helm chart (charts/ha-scheduler): the secondary install of
# manifests/secondary, the admission policies as options, the policy written
# once in its values. helm is built from helm's own Go packages, pinned in
# hack/tools/helm (hack/build-binaries.sh helm, cached); nothing is
# downloaded. The chart tests run in test-unit (render, lint, policy) and
# test-integration (server-side dry run, least privilege, kustomize parity).
HELM       := $(TOOLS_DIR)/helm
CHART      := charts/ha-scheduler
# Extra flags of helm-template, e.g. HELM_FLAGS='--set admission.routing.enabled=true'.
HELM_FLAGS ?=

.PHONY: helm-lint
helm-lint: ## Lint the Helm chart (charts/ha-scheduler, strict), with its defaults and with every option on
	@hack/build-binaries.sh helm >&2
	$(HELM) lint --strict --kube-version $(KUBE_VERSION) $(CHART)
	$(HELM) lint --strict --kube-version $(KUBE_VERSION) $(CHART) --set admission.routing.enabled=true --set monitoring.enabled=true

.PHONY: helm-template
helm-template: ## Render the Helm chart as `helm install -n kube-system` would (HELM_FLAGS= adds flags, e.g. --set or -f)
	@hack/build-binaries.sh helm >&2
	@$(HELM) template ha-scheduler $(CHART) --namespace kube-system --kube-version $(KUBE_VERSION) $(HELM_FLAGS)
