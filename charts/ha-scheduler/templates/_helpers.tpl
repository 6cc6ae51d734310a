{{/*
Labels of every object: those of the kustomization (app.kubernetes.io/part-of)
and Helm's standard ones. The Helm ones are the only difference from
manifests/secondary that the chart's comparison test ignores; they are not put
on selectors or the pod template (a chart upgrade must not roll the pods).
*/}}
{{- define "ha-scheduler.labels" -}}
app.kubernetes.io/part-of: ha-scheduler
{{ include "ha-scheduler.helmLabels" . }}
{{- end }}

{{- define "ha-scheduler.helmLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}

{{/* The image: the chart's appVersion unless image.tag is set. */}}
{{- define "ha-scheduler.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/*
The trusted namespaces: policy.trustedNamespaces, or the scheduler's default
when the field is left out ([kube-system]).
*/}}
{{- define "ha-scheduler.trustedNamespaces" -}}
{{ .Values.policy.trustedNamespaces | default (list "kube-system") | toJson }}
{{- end }}

{{/*
The role labels of the nodes reserved from user workloads, one binding of the
reserved-nodes policy each: control-plane (its label and the legacy master
label) unless policy.allowUserWorkloadsOnControlPlane or
policy.userWorkloads.nodeRole allows it, infra unless
policy.userWorkloads.nodeRole allows it (the scheduler's defaults when left
out: nodeRole Worker, allowUserWorkloadsOnControlPlane false).
*/}}
{{- define "ha-scheduler.reservedNodeLabels" -}}
{{- $p := .Values.policy | default dict }}
{{- $role := "Worker" }}
{{- with $p.userWorkloads }}{{ with .nodeRole }}{{ $role = . }}{{ end }}{{ end }}
{{- $out := list }}
{{- if not (or $p.allowUserWorkloadsOnControlPlane (has $role (list "ControlPlane" "Any"))) }}
{{- $out = concat $out (list "control-plane" "master") }}
{{- end }}
{{- if not (has $role (list "Infra" "Any")) }}
{{- $out = append $out "infra" }}
{{- end }}
{{- $out | toJson }}
{{- end }}

{{/*
The reserved priority: policy.reservedPriority, or the scheduler's default
(2000000000, system-cluster-critical's value) when left out.
*/}}
{{- define "ha-scheduler.reservedPriority" -}}
{{- $p := .Values.policy | default dict }}
{{- if hasKey $p "reservedPriority" }}{{ int64 $p.reservedPriority }}{{ else }}2000000000{{ end }}
{{- end }}

{{/*
Namespaces the routing policy never routes: the trusted namespaces and the
release's namespace (the scheduler's own pods are placed by the default
scheduler; routed to ha-scheduler, a lost last replica could never be placed
again).
*/}}
{{- define "ha-scheduler.routingExcludedNamespaces" -}}
{{- $ns := include "ha-scheduler.trustedNamespaces" . | fromJsonArray }}
{{- if not (has .Release.Namespace $ns) }}
{{- $ns = append $ns .Release.Namespace }}
{{- end }}
{{- $ns | toJson }}
{{- end }}

{{/*
The scheduler configuration (config.yaml of the ConfigMap): the policy and
the DisruptionGuard args come from the values, the rest is
manifests/secondary/config.yaml's.
*/}}
{{- define "ha-scheduler.config" -}}
# ha-scheduler as a secondary scheduler: pods opt in with
# spec.schedulerName: ha-scheduler. The default scheduler keeps running.
# Rendered by the Helm chart charts/ha-scheduler: change its values
# (policy, disruptionGuard), not this ConfigMap.
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
leaderElection:
  leaderElect: true
  # Our own lease: the default scheduler holds kube-system/kube-scheduler.
  resourceNamespace: {{ .Release.Namespace }}
  resourceName: ha-scheduler
profiles:
- schedulerName: ha-scheduler
  plugins:
    multiPoint:
      enabled:
      - name: WorkloadSeparation
      # Dominant weight: one normalized point of FailureDomainSpread outweighs
      # all the default score plugins together.
      - name: FailureDomainSpread
        weight: 1600
      - name: DisruptionGuard
      disabled:
      # DisruptionGuard replaces it (enabling both is rejected at start-up).
      - name: DefaultPreemption
  pluginConfig:
  # The profile's policy (.Values.policy), written once.
  - name: HAPolicy
    args:
      {{- toYaml (.Values.policy | default dict) | nindent 6 }}
  # FailureDomainSpread spreads every group over zones, hosts and nodes:
  # PodTopologySpread's system-default constraints would only repeat it, at
  # a cost per node and cycle. Constraints a pod writes itself still apply.
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints: []
  - name: DisruptionGuard
    args:
      {{- toYaml (.Values.disruptionGuard | default dict) | nindent 6 }}
{{- end }}

{{/*
The ConfigMap's name: a hash of the configuration as suffix, as kustomize's
configMapGenerator does, so that a changed policy rolls the Deployment.
*/}}
{{- define "ha-scheduler.configMapName" -}}
ha-scheduler-config-{{ include "ha-scheduler.config" . | sha256sum | trunc 10 }}
{{- end }}

{{/*
Labels of the ServiceMonitor, the PrometheusRule and the dashboard
ConfigMap: manifests/monitoring's (app.kubernetes.io/name), the chart's, and
the extra labels of the values (the selectors of your Prometheus or
Grafana), which never replace the first two. Called with (list . extra).
*/}}
{{- define "ha-scheduler.monitoringLabels" -}}
{{- $ctx := index . 0 }}
{{- $own := include "ha-scheduler.labels" $ctx | fromYaml }}
{{- $_ := set $own "app.kubernetes.io/name" "ha-scheduler" }}
{{- merge $own (index . 1 | default dict) | toYaml }}
{{- end }}
