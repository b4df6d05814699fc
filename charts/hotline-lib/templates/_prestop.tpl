{{/*
Call-holding services (sip-edge call control, ivr-runner) keep live calls in memory: SIGTERM
mid-call would drop them. Kubernetes runs preStop before SIGTERM, and by then the pod is out of
its Service endpoints and the edge sync has marked it "draining" in Kamailio's lists, so no new
call reaches it. The hook waits until /healthz reports activeWork 0 (every call ended), or
drainSeconds pass, or the process is gone; then SIGTERM finds nothing to drop.
terminationGracePeriodSeconds must cover this wait plus the process's own shutdown timeout.
Node runs the wait: the image has it, and no shell or curl is assumed.
*/}}
{{- define "hotline-lib.preStop" -}}
{{- $c := .Values.callHolding -}}
preStop:
  exec:
    command:
      - node
      - --input-type=module
      - -e
      - |
        const port = process.env.HOTLINE_HTTP_PORT ?? '8080';
        const deadline = Date.now() + {{ $c.drainSeconds }} * 1000;
        const idle = async () => {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/healthz`);
            return (await res.json()).activeWork === 0;
          } catch {
            return true;
          }
        };
        while (Date.now() < deadline && !(await idle())) {
          await new Promise((r) => setTimeout(r, {{ $c.pollSeconds }} * 1000));
        }
{{- end -}}

{{/* Grace: the longest preStop wait, then the process's own shutdown, then a margin. */}}
{{- define "hotline-lib.terminationGracePeriodSeconds" -}}
{{- if .Values.callHolding -}}
{{- add .Values.callHolding.drainSeconds .Values.shutdownTimeoutSeconds 15 -}}
{{- else -}}
{{- add .Values.shutdownTimeoutSeconds 15 -}}
{{- end -}}
{{- end -}}
