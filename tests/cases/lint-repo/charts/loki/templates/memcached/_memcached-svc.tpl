{{/*
memcached Service: headless, Loki's client resolves every pod and hashes keys across them.
*/}}
{{- define "loki.memcached.service" -}}
{{- if .enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "loki.fullname" .ctx }}-{{ .component }}
  labels:
    {{- include "loki.labels" .ctx | nindent 4 }}
spec:
  type: ClusterIP
  clusterIP: None
  ports:
    - name: client
      port: {{ .port }}
      targetPort: client
{{- end }}
{{- end -}}
