import { useState } from 'react';
import type { AgentStateRequest, DeskApi } from '../api/desk-api';
import { messageOf } from '../api/problem';
import type { AgentRealtime } from '../live/live-types';
import { formatDuration, msSince, stateLabel } from './format';

/** Reasons an agent gives for not-ready (free text on the wire, up to 64 characters). */
export const NOT_READY_REASONS = [
  'Meeting',
  'Training',
  'Admin work',
  'Technical problem',
  'Personal',
  'Other',
];

/** F-AG-1: log in/out, ready, not-ready with a reason, break. The result arrives on the live channel. */
export function StatePanel(props: {
  api: DeskApi;
  agentId: string;
  agent: AgentRealtime | undefined;
  now: number;
  rejection: string | null;
}) {
  const [reason, setReason] = useState(NOT_READY_REASONS[0]!);
  const [pending, setPending] = useState<AgentStateRequest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const state = props.agent?.state ?? 'logged-out';
  const loggedOut = state === 'logged-out';
  const busy = ['reserved', 'ringing', 'on-call', 'on-hold'].includes(state);

  const request = async (next: AgentStateRequest, why?: string) => {
    setPending(next);
    setError(null);
    try {
      await props.api.setAgentState(props.agentId, next, why);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setPending(null);
    }
  };

  return (
    <section className="panel" aria-labelledby="state-title">
      <h2 id="state-title">My state</h2>
      <p className="state-line">
        <span className={`state-pill state-${state}`} aria-label="Current state">
          {stateLabel(state)}
          {props.agent?.reason ? ` (${props.agent.reason})` : ''}
        </span>
        <span aria-label="Time in state">{formatDuration(msSince(props.agent?.since, props.now))}</span>
      </p>
      <div className="row wrap">
        {loggedOut ? (
          <button
            type="button"
            className="primary"
            disabled={pending !== null}
            onClick={() => void request('login')}
          >
            Log in
          </button>
        ) : (
          <>
            <button
              type="button"
              className="primary"
              disabled={pending !== null || state === 'ready' || busy}
              onClick={() => void request('ready')}
            >
              Ready
            </button>
            <button
              type="button"
              disabled={pending !== null || state === 'break' || busy}
              onClick={() => void request('break', 'Break')}
            >
              Break
            </button>
            <button type="button" disabled={pending !== null || busy} onClick={() => void request('logout')}>
              Log out
            </button>
          </>
        )}
      </div>
      {!loggedOut && (
        <div className="row">
          <label>
            Not-ready reason
            <select value={reason} onChange={(e) => setReason(e.target.value)}>
              {NOT_READY_REASONS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={pending !== null || busy}
            onClick={() => void request('not-ready', reason)}
          >
            Not ready
          </button>
        </div>
      )}
      {pending && <p role="status">Asking for {stateLabel(pending)}…</p>}
      {(error ?? props.rejection) && (
        <p className="error" role="alert">
          {error ?? props.rejection}
        </p>
      )}
    </section>
  );
}
