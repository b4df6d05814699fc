// getUserMedia rejects with a DOMException whose `name` says why; agents need to know which of
// "blocked", "missing" and "busy" it is, because each has a different fix.

export interface MicrophoneProblem {
  kind: 'blocked' | 'missing' | 'busy' | 'insecure' | 'unsupported' | 'unknown';
  message: string;
}

export function microphoneProblem(err: unknown): MicrophoneProblem {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return {
        kind: 'blocked',
        message:
          'The microphone is blocked for this page. Allow it in the browser (the icon in the address bar) and try again.',
      };
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return { kind: 'missing', message: 'No microphone was found. Plug in a headset and try again.' };
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return {
        kind: 'busy',
        message:
          'The microphone is in use by another program or could not be started. Close it and try again.',
      };
    case 'TypeError':
      return {
        kind: 'insecure',
        message: 'The browser offers no microphone here: open the desk over https (or http://127.0.0.1).',
      };
    default:
      return {
        kind: 'unknown',
        message: `The microphone could not be opened${name ? ` (${name})` : ''}.`,
      };
  }
}

export const noMediaDevices: MicrophoneProblem = {
  kind: 'unsupported',
  message: 'This browser offers no microphone access here: use a current Chrome, Edge or Firefox over https.',
};
