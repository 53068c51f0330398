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

{{/*
Pod-level settings of one workload, from its values: priority class, pull secrets, the pod
securityContext, node selection, affinity and the topology spread (a constraint without a
labelSelector counts the workload's own pods: its selector labels, and the zone's).
(dict "root" $ "v" $v "component" "ingester" "zone" "zone-a" "zoneName" "eu-west-1a")
*/}}
{{- define "loki.podSpec" -}}
{{- $v := .v -}}
{{- with $v.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- $a := $v.affinity | default dict }}
{{- if .zoneName }}
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - key: topology.kubernetes.io/zone
              operator: In
              values:
                - {{ .zoneName | quote }}
    {{- with (dig "nodeAffinity" "preferredDuringSchedulingIgnoredDuringExecution" (list) $a) }}
    preferredDuringSchedulingIgnoredDuringExecution:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  {{- with $a.podAffinity }}
  podAffinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $a.podAntiAffinity }}
  podAntiAffinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- else if $a }}
affinity:
  {{- toYaml $a | nindent 2 }}
{{- end }}
{{- with $v.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- range . }}
  - {{ toYaml (omit . "labelSelector") | nindent 4 | trim }}
    labelSelector:
      {{- if .labelSelector }}
      {{- toYaml .labelSelector | nindent 6 }}
      {{- else }}
      matchLabels:
        {{- include "loki.selectorLabels" (dict "root" $.root "component" $.component) | nindent 8 }}
        {{- with $.zone }}
        portplan.io/zone: {{ . }}
        {{- end }}
      {{- end }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
A workload's extra args, one list item each; an arg that sets a flag portplan owns (a port,
an address, the config file: the Plan's list for the program) fails the install, since the
last occurrence of a flag wins. (dict "args" $v.extraArgs "program" "loki")
*/}}
{{- define "loki.extraArgs" -}}
{{- $ownedBy := dict[% for o in plan.owned_flags %] [[ o.program | quote ]] (list[% for f in o.flags %] [[ f | quote ]][% endfor %])[% endfor %] -}}
{{- $suffixesBy := dict[% for o in plan.owned_flags %] [[ o.program | quote ]] (list[% for f in o.suffixes %] [[ f | quote ]][% endfor %])[% endfor %] -}}
{{- $owned := get $ownedBy .program -}}
{{- $suffixes := get $suffixesBy .program -}}
{{- range .args }}
{{- $flag := regexReplaceAll "=.*$" . "" }}
{{- $single := ternary (trimPrefix "-" $flag) $flag (and (hasPrefix "--" $flag) (not (has $flag $owned))) }}
{{- if has $single $owned }}
{{- fail (printf "extraArgs: %s sets %s, which portplan sets from the model; change the model and regenerate" . $single) }}
{{- end }}
{{- range $suffixes }}
{{- if hasSuffix . $single }}
{{- fail (printf "extraArgs: %s sets %s, which portplan sets from the model; change the model and regenerate" $flag $single) }}
{{- end }}
{{- end }}
- {{ . | quote }}
{{- end }}
{{- end -}}

{{/*
One zone's share of a zone-aware workload's replicas: the total split evenly, the first
zones taking the remainder. (dict "total" $v.replicas "zones" 3 "index" 0)
*/}}
{{- define "loki.zoneReplicas" -}}
{{- $total := int .total -}}
{{- $zones := int .zones -}}
{{- if lt $total $zones -}}
{{- fail (printf "%d replicas cannot cover %d zones: every zone needs one" $total $zones) -}}
{{- end -}}
{{- add (div $total $zones) (ternary 1 0 (lt (int .index) (mod $total $zones))) -}}
{{- end -}}

{{/*
A HorizontalPodAutoscaler (autoscaling/v2) for one workload; while it exists the workload
leaves `replicas` to it. (dict "root" $ "a" $v.autoscaling "name" "..." "kind" "Deployment" "component" "querier")
*/}}
{{- define "loki.hpa" -}}
{{- if not (or .a.targetCPUUtilizationPercentage .a.targetMemoryUtilizationPercentage) }}
{{- fail (printf "%s: autoscaling needs targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage" .component) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .name }}
  namespace: [[ plan.namespace | quote ]]
  labels:
    {{- include "loki.labels" .root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: {{ .kind }}
    name: {{ .name }}
  minReplicas: {{ .a.minReplicas | int }}
  maxReplicas: {{ .a.maxReplicas | int }}
  metrics:
    {{- with .a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . | int }}
    {{- end }}
    {{- with .a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . | int }}
    {{- end }}
{{- end -}}
