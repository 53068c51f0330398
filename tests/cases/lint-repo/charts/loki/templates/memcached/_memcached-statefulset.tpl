{{/*
memcached StatefulSet, shared by the chunks and results caches.
Params: ctx (root context), component, enabled, port, replicas, allocatedMemory,
maxItemMemory, connectionLimit.
*/}}
{{- define "loki.memcached.statefulSet" -}}
{{- if .enabled }}
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ include "loki.fullname" .ctx }}-{{ .component }}
  labels:
    {{- include "loki.labels" .ctx | nindent 4 }}
    app.kubernetes.io/component: memcached-{{ .component }}
spec:
  replicas: {{ .replicas }}
  serviceName: {{ include "loki.fullname" .ctx }}-{{ .component }}
  podManagementPolicy: Parallel
  template:
    metadata:
      labels:
        {{- include "loki.labels" .ctx | nindent 8 }}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 11211
      containers:
        - name: memcached
          image: {{ .ctx.Values.memcached.image.repository }}:{{ .ctx.Values.memcached.image.tag }}
          ports:
            - containerPort: {{ .port }}
              name: client
          args:
            - -m {{ .allocatedMemory }}m
            - --extended=modern,track_sizes
            - -I {{ .maxItemMemory }}m
            - -c {{ .connectionLimit }}
            - -v
            - -u {{ .port }}  # planted: memcached-port-flag
          readinessProbe:
            tcpSocket:
              port: client
            initialDelaySeconds: 5
        - name: exporter
          image: prom/memcached-exporter:v0.15.3
          args:
            - "--memcached.address=localhost:{{ .port }}"
            - "--web.listen-address=0.0.0.0:9150"
          ports:
            - containerPort: 9150
              name: http-metrics
          livenessProbe:
            httpGet:
              path: /metrics
              port: http-metrics
{{- end }}
{{- end -}}
