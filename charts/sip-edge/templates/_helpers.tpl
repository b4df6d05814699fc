{{/* The rtpengine UDP range's last port; refuses a range that runs past 65535. */}}
{{- define "sip-edge.rtpPortMax" -}}
{{- $max := sub (add .Values.rtpengine.ports.min .Values.rtpengine.ports.count) 1 -}}
{{- if gt (int $max) 65535 -}}
{{- fail (printf "rtpengine.ports: min %v + count %v runs to port %v, past 65535; lower rtpengine.ports.min or rtpengine.ports.count" .Values.rtpengine.ports.min .Values.rtpengine.ports.count $max) -}}
{{- end -}}
{{- $max -}}
{{- end -}}

{{/* The address Kamailio and rtpengine advertise: the node's own, or a fixed public one. */}}
{{- define "sip-edge.advertised" -}}
{{- if eq .mode "fixed" -}}{{ .address }}{{- else -}}$(POD_IP){{- end -}}
{{- end -}}

{{- define "sip-edge.selector" -}}
{{- $parts := list -}}
{{- range $k, $v := .labels }}{{ $parts = append $parts (printf "%s=%s" $k $v) }}{{ end -}}
{{- join "," (sortAlpha $parts) -}}
{{- end -}}

{{- define "sip-edge.callControlSelectorLabels" -}}
{{- include "hotline-lib.selectorLabels" (dict "root" . "component" "sip-edge") -}}
{{- end -}}

{{- define "sip-edge.rtpengineSelectorLabels" -}}
{{- include "hotline-lib.selectorLabels" (dict "root" . "component" "rtpengine") -}}
{{- end -}}

{{- define "sip-edge.edgeSyncServiceAccount" -}}
{{- include "hotline-lib.componentName" (dict "root" . "component" "edge-sync") -}}
{{- end -}}
