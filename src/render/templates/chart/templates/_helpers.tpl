{{/*
Names are fixed by the model: clients outside the chart (Alloy, Grafana) dial these exact
Service names, so the chart refuses to install anywhere the names would not resolve.
*/}}
{{- define "loki.namespaceGuard" -}}
{{- if ne .Release.Namespace "[[ plan.namespace ]]" -}}
{{- fail "this chart was generated for namespace [[ plan.namespace ]]: install it with --namespace [[ plan.namespace ]], or change the model and regenerate" -}}
{{- end -}}
{{- end -}}

{{/* Recommended labels for every object. */}}
{{- define "loki.labels" -}}
{{- include "loki.namespaceGuard" . -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: loki
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "distributor"). */}}
{{- define "loki.selectorLabels" -}}
app.kubernetes.io/name: loki
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
A Service's trafficDistribution: the override, else the default ("None" = unset for this
Service); nothing on clusters whose
API lacks the field (before 1.30) or the value (PreferSameZone/PreferSameNode before 1.34). (dict "root" $ "override" .Values.x.trafficDistribution)
*/}}
{{- define "loki.trafficDistribution" -}}
{{- $td := .override | default .root.Values.trafficDistribution -}}
{{- $kube := .root.Capabilities.KubeVersion.Version -}}
{{- if and $td (ne $td "None") (semverCompare ">=1.30-0" $kube) (or (eq $td "PreferClose") (semverCompare ">=1.34-0" $kube)) -}}
{{- $td -}}
{{- end -}}
{{- end -}}

{{/* Pod annotation that rolls pods when the Loki config changes. */}}
{{- define "loki.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/loki/config.yaml") . | sha256sum }}
{{- end -}}
