{{/*
Where pods run. Within a site, replicas spread over zones (a zone outage leaves the others
serving) and over hosts. With global.placement.pinToSiteNodes, pods only go to nodes labelled
<siteNodeLabel>=<siteId>: one cluster can then carry several sites, each on its own nodes.
Call with (dict "root" $ "component" "..." "spread" true).
*/}}
{{- define "hotline-lib.placement" -}}
{{- $root := .root -}}
{{- $pl := $root.Values.global.placement -}}
{{- $nodeSelector := deepCopy ($root.Values.nodeSelector | default dict) -}}
{{- if $pl.pinToSiteNodes -}}
{{- $_ := set $nodeSelector $pl.siteNodeLabel $root.Values.global.siteId -}}
{{- end -}}
{{- with $nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .spread }}
{{- $zone := $pl.zoneSpread -}}
{{- $host := $root.Values.hostSpread -}}
{{- if or $zone.enabled $host.enabled }}
topologySpreadConstraints:
{{- if $zone.enabled }}
  - maxSkew: {{ $zone.maxSkew }}
    topologyKey: {{ $zone.topologyKey }}
    whenUnsatisfiable: {{ $zone.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "hotline-lib.selectorLabels" . | nindent 8 }}
{{- end }}
{{- if $host.enabled }}
  - maxSkew: {{ $host.maxSkew }}
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ $host.whenUnsatisfiable }}
    labelSelector:
      matchLabels:
        {{- include "hotline-lib.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
