{{/*
Labels. Call with (dict "root" $ "component" "kamailio"); component defaults to the chart name.
hotline.io/site lets one cluster carry several sites and lets dashboards split by site.
*/}}
{{- define "hotline-lib.labels" -}}
{{- $root := .root -}}
helm.sh/chart: {{ include "hotline-lib.chart" $root }}
{{ include "hotline-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ $root.Values.image.tag | default $root.Values.global.image.tag | default $root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: hotline
hotline.io/site: {{ $root.Values.global.siteId | quote }}
{{- with $root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "hotline-lib.selectorLabels" -}}
{{- $root := .root -}}
app.kubernetes.io/name: {{ include "hotline-lib.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ .component | default (include "hotline-lib.name" $root) }}
{{- end -}}
