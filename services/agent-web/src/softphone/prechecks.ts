import { microphoneProblem, noMediaDevices, type MicrophoneProblem } from './media-errors';

export type CheckResult = { ok: true; detail: string } | { ok: false; message: string };

/** Opens the microphone once (so the browser asks for permission before the first call). */
export async function checkMicrophone(): Promise<CheckResult> {
  if (!navigator.mediaDevices?.getUserMedia) return { ok: false, message: noMediaDevices.message };
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    const label = stream.getAudioTracks()[0]?.label || 'microphone';
    for (const t of stream.getTracks()) t.stop();
    return { ok: true, detail: `Microphone ready: ${label}` };
  } catch (err) {
    const problem: MicrophoneProblem = microphoneProblem(err);
    return { ok: false, message: problem.message };
  }
}

/**
 * Whether the SIP WebSocket answers. A browser refuses a self-signed certificate without saying
 * so (the socket just closes), hence the hint to open the address once and accept it.
 */
export function checkWebSocket(url: string, timeoutMs = 5000): Promise<CheckResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: CheckResult, ws?: WebSocket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws?.close();
      resolve(r);
    };
    const failure = (): CheckResult => ({
      ok: false,
      message: `Cannot reach the phone server at ${url}. If it uses a self-signed certificate, open ${url.replace(/^ws/, 'http')} in a new tab, accept the certificate, and check again.`,
    });
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, 'sip');
    } catch {
      resolve({ ok: false, message: `The phone server address ${url} is not valid.` });
      return;
    }
    const timer = setTimeout(() => finish(failure(), ws), timeoutMs);
    ws.onopen = () => finish({ ok: true, detail: `Phone server reachable (${url})` }, ws);
    ws.onerror = () => finish(failure(), ws);
    ws.onclose = () => finish(failure());
  });
}
