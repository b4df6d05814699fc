import { useCallback, useEffect, useState } from 'react';
import { checkMicrophone, checkWebSocket, type CheckResult } from '../softphone/prechecks';

type Check = CheckResult | null;

function CheckLine(props: { label: string; result: Check }) {
  const r = props.result;
  return (
    <li className={r === null ? 'check pending' : r.ok ? 'check ok' : 'check failed'}>
      <strong>{props.label}: </strong>
      {r === null ? 'checking…' : r.ok ? r.detail : r.message}
    </li>
  );
}

/** Before the desk: the microphone opens and the phone server answers. */
export function PreCheck(props: { wsServers: string[]; onContinue: () => void; onSignOut: () => void }) {
  const [mic, setMic] = useState<Check>(null);
  const [ws, setWs] = useState<Check>(null);
  const url = props.wsServers[0] ?? '';

  const run = useCallback(() => {
    setMic(null);
    setWs(null);
    void checkMicrophone().then(setMic);
    if (url) void checkWebSocket(url).then(setWs);
    else setWs({ ok: false, message: 'No phone server is configured for your account.' });
  }, [url]);

  useEffect(run, [run]);
  const allOk = mic?.ok === true && ws?.ok === true;

  return (
    <main className="center-card" aria-labelledby="precheck-title">
      <h1 id="precheck-title">Before you start</h1>
      <ul className="checks" aria-live="polite" aria-label="Pre-checks">
        <CheckLine label="Microphone" result={mic} />
        <CheckLine label="Phone server" result={ws} />
      </ul>
      {!allOk && mic !== null && ws !== null && (
        <p className="notice">You can continue, but calls will not work until these checks pass.</p>
      )}
      <div className="row">
        <button type="button" onClick={run}>
          Check again
        </button>
        <button type="button" className="primary" onClick={props.onContinue}>
          Continue to desk
        </button>
        <button type="button" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </main>
  );
}
