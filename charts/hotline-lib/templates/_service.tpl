{{/* A ClusterIP Service on the ops/HTTP port. Call with (dict "root" $ "component" "api"). */}}
{{- define "hotline-lib.service" -}}
{{- $root := .root -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "hotline-lib.fullname" $root }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "hotline-lib.labels" . | nindent 4 }}
  {{- with $root.Values.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $root.Values.service.type }}
  selector:
    {{- include "hotline-lib.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $root.Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "hotline-lib.serviceAccount" -}}
{{- $root := .root -}}
{{- if $root.Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "hotline-lib.serviceAccountName" $root }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "hotline-lib.labels" . | nindent 4 }}
automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
{{- end }}
{{- end -}}
