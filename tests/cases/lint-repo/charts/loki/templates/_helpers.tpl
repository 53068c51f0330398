{{/*
Chart name and fully qualified names.
*/}}
{{- define "loki.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "loki.fullname" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object.
*/}}
{{- define "loki.labels" -}}
app.kubernetes.io/name: {{ include "loki.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Extra Service spec fields shared by the ClusterIP Services: same-zone routing.
*/}}
{{- define "loki.serviceSpecExtras" -}}
{{- with .Values.trafficDistribution | default "PreferClose" }}
trafficDistribution: {{ . }}
{{- end }}
{{- end }}
