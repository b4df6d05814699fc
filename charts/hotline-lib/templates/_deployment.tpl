{{/*
A `hotline serve <service>` Deployment. Call with (dict "root" $ "service" "api"), and optionally
"env" (the service's own HOTLINE_<SERVICE>_* settings, a list of EnvVar) and "extraPorts".
Call-holding charts (values.callHolding set) get the preStop wait and a grace period long
enough for it; rolling updates then replace pods without dropping calls: a new pod is ready
before an old one starts draining (maxUnavailable 0).
*/}}
{{- define "hotline-lib.deployment" -}}
{{- $root := .root -}}
{{- $ctx := dict "root" $root "component" .service -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "hotline-lib.fullname" $root }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "hotline-lib.labels" $ctx | nindent 4 }}
spec:
  {{- if not (include "hotline-lib.autoscaled" $root) }}
  replicas: {{ $root.Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "hotline-lib.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {{ $root.Values.rollingUpdate.maxSurge }}
      maxUnavailable: {{ $root.Values.rollingUpdate.maxUnavailable }}
  template:
    metadata:
      labels:
        {{- include "hotline-lib.selectorLabels" $ctx | nindent 8 }}
        app.kubernetes.io/part-of: hotline
        hotline.io/site: {{ $root.Values.global.siteId | quote }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        {{- if $root.Values.metrics.scrapeAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $root.Values.http.port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "hotline-lib.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountToken }}
      {{- include "hotline-lib.imagePullSecrets" $root | nindent 6 }}
      securityContext:
        {{- include "hotline-lib.podSecurityContext" $root | nindent 8 }}
      terminationGracePeriodSeconds: {{ include "hotline-lib.terminationGracePeriodSeconds" $root }}
      {{- with $root.Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      {{- include "hotline-lib.placement" (dict "root" $root "component" .service "spread" true) | nindent 6 }}
      containers:
        - name: {{ .service }}
          image: {{ include "hotline-lib.image" (dict "root" $root) }}
          imagePullPolicy: {{ include "hotline-lib.imagePullPolicy" (dict "root" $root) }}
          args: ["serve", {{ .service | quote }}]
          ports:
            - name: http
              containerPort: {{ $root.Values.http.port }}
              protocol: TCP
            {{- with .extraPorts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          env:
            {{- include "hotline-lib.platformEnv" (dict "root" $root "stores" true) | nindent 12 }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "hotline-lib.probes" $root | nindent 10 }}
          {{- if $root.Values.callHolding }}
          lifecycle:
            {{- include "hotline-lib.preStop" $root | nindent 12 }}
          {{- end }}
          resources:
            {{- toYaml $root.Values.resources | nindent 12 }}
          securityContext:
            {{- include "hotline-lib.containerSecurityContext" (dict "root" $root) | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end -}}
