{{/*
Security contexts: the restricted Pod Security Standard by default. Values merge over these, so
a chart can add (e.g. NET_BIND_SERVICE) without restating the rest.
*/}}
{{- define "hotline-lib.podSecurityContext" -}}
{{- $default := dict "runAsNonRoot" true "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001 "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $default (deepCopy (.Values.podSecurityContext | default dict))) -}}
{{- end -}}

{{- define "hotline-lib.containerSecurityContext" -}}
{{- $root := .root -}}
{{- $default := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) -}}
{{- toYaml (mergeOverwrite $default (deepCopy (.securityContext | default $root.Values.securityContext | default dict))) -}}
{{- end -}}
