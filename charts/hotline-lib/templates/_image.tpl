{{/*
The image: the chart's own image values override global.image field by field. One image,
"hotline", runs every service; the tag defaults to the chart's appVersion. A digest wins over a tag.
*/}}
{{- define "hotline-lib.image" -}}
{{- $root := .root -}}
{{- $image := mergeOverwrite (deepCopy $root.Values.global.image) (deepCopy (.image | default $root.Values.image)) -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $image.repository (toString ($image.tag | default $root.Chart.AppVersion)) -}}
{{- end -}}
{{- end -}}

{{- define "hotline-lib.imagePullPolicy" -}}
{{- $root := .root -}}
{{- $image := mergeOverwrite (deepCopy $root.Values.global.image) (deepCopy (.image | default $root.Values.image)) -}}
{{- $image.pullPolicy | default "IfNotPresent" -}}
{{- end -}}

{{- define "hotline-lib.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
