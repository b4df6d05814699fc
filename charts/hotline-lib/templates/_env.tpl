{{/*
The settings a `hotline serve` process reads (packages/platform/src/config/platform-settings.ts).
The process refuses an unknown HOTLINE_* variable, so only known names are written here; the
chart tests check every rendered one against that schema. Credentials-bearing URLs come from a
Secret when existingSecret is set.
Call with (dict "root" $ "stores" true); stores=false leaves out Kafka, MongoDB and Redis.
*/}}
{{- define "hotline-lib.platformEnv" -}}
{{- $root := .root -}}
{{- $g := $root.Values.global -}}
{{- $t := $g.telemetry -}}
- name: HOTLINE_SITE_ID
  value: {{ $g.siteId | quote }}
- name: HOTLINE_HTTP_HOST
  value: "0.0.0.0"
- name: HOTLINE_HTTP_PORT
  value: {{ $root.Values.http.port | quote }}
- name: HOTLINE_LOG_LEVEL
  value: {{ $root.Values.logLevel | default $g.logLevel | quote }}
- name: HOTLINE_LOG_PII
  value: {{ $g.logPii | toString | quote }}
- name: HOTLINE_SHUTDOWN_TIMEOUT_MS
  value: {{ mul $root.Values.shutdownTimeoutSeconds 1000 | quote }}
- name: HOTLINE_TRACES
  value: {{ $t.traces | quote }}
{{- if eq $t.traces "otlp" }}
{{- if $t.nodeLocalCollector }}
{{- /* A DaemonSet collector on every node: spans leave the pod for its own node only. */}}
- name: HOST_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
- name: HOTLINE_OTLP_ENDPOINT
  value: "http://$(HOST_IP):{{ $t.nodeLocalPort }}"
{{- else }}
- name: HOTLINE_OTLP_ENDPOINT
  value: {{ $t.otlpEndpoint | quote }}
{{- end }}
{{- end }}
{{- if .stores }}
- name: HOTLINE_KAFKA_BROKERS
  value: {{ join "," $g.kafka.brokers | quote }}
{{- include "hotline-lib.urlEnv" (dict "name" "HOTLINE_MONGO_URL" "store" $g.mongo) }}
- name: HOTLINE_MONGO_DB
  value: {{ $g.mongo.database | quote }}
{{- include "hotline-lib.urlEnv" (dict "name" "HOTLINE_REDIS_URL" "store" $g.redis) }}
- name: HOTLINE_REDIS_PREFIX
  value: {{ $g.redis.prefix | quote }}
{{- end }}
{{- with $root.Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "hotline-lib.urlEnv" -}}
{{- if .store.existingSecret.name }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .store.existingSecret.name }}
      key: {{ .store.existingSecret.key }}
{{- else }}
- name: {{ .name }}
  value: {{ .store.url | quote }}
{{- end }}
{{- end -}}
