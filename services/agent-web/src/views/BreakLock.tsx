import { useEffect, useRef } from 'react';
import { formatDuration } from './format';

/** On break the desk is covered: nothing can be clicked by mistake until the break ends. */
export function BreakLock(props: { sinceMs: number; onEnd: () => void; error: string | null }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div className="lock" role="dialog" aria-modal="true" aria-labelledby="lock-title">
      <div className="lock-card">
        <h2 id="lock-title">On break</h2>
        <p aria-label="Break time">{formatDuration(props.sinceMs)}</p>
        {props.error && (
          <p className="error" role="alert">
            {props.error}
          </p>
        )}
        <button ref={button} type="button" className="primary" onClick={props.onEnd}>
          End break
        </button>
      </div>
    </div>
  );
}
