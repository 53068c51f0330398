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
Service); nothing on a cluster whose API lacks the value (the versions come from portplan's
one rule, TrafficDistribution::min_kube). (dict "root" $ "override" .Values.x.trafficDistribution)
*/}}
{{- define "loki.trafficDistribution" -}}
{{- $td := .override | default .root.Values.trafficDistribution -}}
{{- $since := dict[% for pair in kube.traffic_distribution_since %] [[ pair.value | quote ]] [[ pair.kube | quote ]][% endfor %] -}}
{{- if and $td (hasKey $since $td) (semverCompare (printf ">=%s-0" (get $since $td)) .root.Capabilities.KubeVersion.Version) -}}
{{- $td -}}
{{- end -}}
{{- end -}}

{{/* Pod annotation that rolls pods when the Loki config changes. */}}
{{- define "loki.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/loki/config.yaml") . | sha256sum }}
{{- end -}}
