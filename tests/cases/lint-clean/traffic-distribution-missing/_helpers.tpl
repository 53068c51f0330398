{{- define "team.serviceRouting" -}}
trafficDistribution: {{ .Values.trafficDistribution | default "PreferClose" }}
{{- end }}
