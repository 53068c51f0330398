{{- define "team.serviceAffinity" -}}
sessionAffinity: None
{{- end }}
{{- define "team.serviceRouting" -}}
trafficDistribution: PreferClose
{{- end }}
