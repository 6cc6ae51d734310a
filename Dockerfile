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

# ha-scheduler image with docker or podman: `make image-docker`, the
# alternative to `make image` (hack/image, no container engine; same binary
# paths, entrypoint and user, checked by its test). Multi-stage: the
# binaries are built exactly as `make build` builds them (CGO_ENABLED=0, the
# version stamped by ldflags), then ha-scheduler and ha-check are copied
# alone onto distroless/static, which runs them as the nonroot user 65532.
#
# Needs BuildKit (docker 23+ default) or podman/buildah. The builder stage
# runs on the build machine's platform and cross-compiles: e.g.
# `docker buildx build --platform linux/arm64 .` (TARGETOS/TARGETARCH reach
# `go build`; unset, Go builds for the builder's own platform).
ARG GO_VERSION=1.26

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS builder
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
# Module downloads are cached in their own layer, invalidated only by
# go.mod/go.sum.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN GOOS=${TARGETOS} GOARCH=${TARGETARCH} CGO_ENABLED=0 make build

FROM gcr.io/distroless/static:nonroot
COPY --from=builder /src/bin/ha-scheduler /usr/local/bin/ha-scheduler
# The checker, as in make image's: manifests/checker's CronJob runs it.
COPY --from=builder /src/bin/ha-check /usr/local/bin/ha-check
USER 65532:65532
# Same secure port as kube-scheduler (probes, /metrics).
EXPOSE 10259
ENTRYPOINT ["/usr/local/bin/ha-scheduler"]
