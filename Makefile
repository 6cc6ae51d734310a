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
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*##/ {printf "  make %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/ha-scheduler
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN_DIR)/ha-scheduler ./cmd/ha-scheduler

.PHONY: binaries
binaries: ## Build etcd, kube-apiserver, kube-controller-manager and kubectl from the pinned modules (cached)
	hack/build-binaries.sh

.PHONY: test
test: test-unit test-integration ## Run every test (unit and integration): the test command

.PHONY: test-unit
test-unit: ## Unit tests (plugins, policy, args; fuzz seed corpora)
	$(GO) test ./pkg/... ./cmd/...

.PHONY: test-integration
test-integration: build ## Integration tests: real etcd, kube-apiserver and the ha-scheduler binary
	hack/build-binaries.sh etcd kube-apiserver
	$(GO) test -count=1 -timeout 30m $(TEST_FLAGS) ./test/integration/...

.PHONY: bench
bench: ## Plugin benchmarks (per-pod cost, ratios against upstream in the same run)
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/plugins/...

$(GOLANGCI_LINT): hack/tools/go.mod hack/tools/go.sum
	@mkdir -p $(TOOLS_DIR)
	cd hack/tools && $(GO) build -o ../../$(GOLANGCI_LINT) github.com/golangci/golangci-lint/v2/cmd/golangci-lint

.PHONY: verify
verify: $(GOLANGCI_LINT) ## gofmt, go vet, golangci-lint
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...

.PHONY: clean
clean: ## Remove built binaries (keeps the cached Kubernetes binaries in _output)
	rm -rf $(BIN_DIR)
