{{/* "true" when something other than .Values.replicaCount owns the replica count. */}}
{{- define "hotline-lib.autoscaled" -}}
{{- if or .Values.autoscaling.enabled (and .Values.keda .Values.keda.enabled) -}}true{{- end -}}
{{- end -}}

{{/*
A PodDisruptionBudget: node drains and cluster upgrades evict at most what it allows. Unhealthy
pods may always be evicted, so a crash-looping pod never blocks a drain.
Call with (dict "root" $ "component" "...").
*/}}
{{- define "hotline-lib.pdb" -}}
{{- $root := .root -}}
{{- $b := $root.Values.disruptionBudget -}}
{{- if $b.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "hotline-lib.fullname" $root }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "hotline-lib.labels" . | nindent 4 }}
spec:
  {{- if hasKey $b "minAvailable" }}
  minAvailable: {{ $b.minAvailable }}
  {{- else }}
  maxUnavailable: {{ $b.maxUnavailable | default 1 }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "hotline-lib.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* An autoscaling/v2 HorizontalPodAutoscaler on CPU (and memory when a target is set). */}}
{{- define "hotline-lib.hpa" -}}
{{- $root := .root -}}
{{- $a := $root.Values.autoscaling -}}
{{- if $a.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "hotline-lib.fullname" $root }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "hotline-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "hotline-lib.fullname" $root }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $a.targetCPUUtilizationPercentage }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with $a.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
A KEDA ScaledObject for a Kafka consumer: replicas follow the consumer group's lag, one trigger
per topic. More replicas than a topic has partitions sit idle (Kafka gives each partition to
one member of a group), so keep maxReplicaCount at or below the partition count (k8s/kafka).
*/}}
{{- define "hotline-lib.scaledObject" -}}
{{- $root := .root -}}
{{- $k := $root.Values.keda -}}
{{- if $k.enabled }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "hotline-lib.fullname" $root }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "hotline-lib.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "hotline-lib.fullname" $root }}
  minReplicaCount: {{ $k.minReplicaCount }}
  maxReplicaCount: {{ $k.maxReplicaCount }}
  pollingInterval: {{ $k.pollingInterval }}
  cooldownPeriod: {{ $k.cooldownPeriod }}
  triggers:
    {{- range $k.topics }}
    - type: kafka
      metadata:
        bootstrapServers: {{ join "," $root.Values.global.kafka.brokers | quote }}
        consumerGroup: {{ $k.consumerGroup | quote }}
        topic: {{ . | quote }}
        lagThreshold: {{ $k.lagThreshold | quote }}
        offsetResetPolicy: earliest
      {{- with $k.authenticationRef }}
      authenticationRef:
        name: {{ . }}
      {{- end }}
    {{- end }}
{{- end }}
{{- end -}}
