import { useState, type FormEvent } from 'react';
import type { DeskApi, TransferTarget } from '../api/desk-api';
import { messageOf } from '../api/problem';

type Kind = TransferTarget['type'];

function targetOf(kind: Kind, value: string): TransferTarget | null {
  const v = value.trim();
  if (!v) return null;
  if (kind === 'agent') return { type: 'agent', agentId: v };
  return /^\+?[0-9]{2,32}$/.test(v.replace(/[\s()-]/g, ''))
    ? { type: 'external', number: v.replace(/[\s()-]/g, '') }
    : null;
}

/**
 * F-AG-4 through the edge's call commands: blind transfer, and consultation (the caller hears
 * music while the agent talks to the target; the agent hanging up completes the transfer). The
 * Desk API takes agent and number targets only (contracts' callTargetSchema).
 */
export function TransferPanel(props: {
  api: DeskApi;
  /** Colleagues to pick from; with none known, the agent id is typed. */
  agents: { id: string; name: string; extension: string | null }[];
  callId: string | null;
  disabled: boolean;
  consulting: boolean;
  onConsultStarted: () => void;
  onCompleteTransfer: () => void;
}) {
  const [kind, setKind] = useState<Kind>('agent');
  const [value, setValue] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const send = async (what: 'blind' | 'consultative') => {
    const target = targetOf(kind, value);
    if (!target) {
      setError(
        kind === 'external' ? 'Enter a number: digits, optionally starting with +.' : 'Enter a target.',
      );
      return;
    }
    if (!props.callId) {
      setError('This call has no Hotline call id yet: transfer is not possible.');
      return;
    }
    setError(null);
    try {
      await props.api.command(props.callId, { action: 'transfer', kind: what, target });
      setStatus(
        what === 'blind'
          ? 'Transfer requested.'
          : 'Calling the target while the caller hears music; talk to them, then complete the transfer.',
      );
      if (what === 'consultative') props.onConsultStarted();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  const prevent = (e: FormEvent) => {
    e.preventDefault();
    void send('blind');
  };

  return (
    <form className="panel sub" aria-label="Transfer" onSubmit={prevent}>
      <div className="row">
        <label>
          Transfer to
          <select
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              setValue('');
            }}
          >
            <option value="agent">Agent</option>
            <option value="external">Number</option>
          </select>
        </label>
        <label className="grow">
          Transfer target
          {kind === 'agent' && props.agents.length > 0 ? (
            <select value={value} onChange={(e) => setValue(e.target.value)}>
              <option value="">Choose a colleague…</option>
              {props.agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                  {a.extension ? ` (${a.extension})` : ''}
                </option>
              ))}
            </select>
          ) : (
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder={kind === 'external' ? '+33123456789' : 'agent id'}
            />
          )}
        </label>
      </div>
      <div className="row wrap">
        <button type="submit" disabled={props.disabled}>
          Blind transfer
        </button>
        <button type="button" disabled={props.disabled} onClick={() => void send('consultative')}>
          Consult
        </button>
        {props.consulting && (
          <button type="button" className="primary" onClick={props.onCompleteTransfer}>
            Complete transfer
          </button>
        )}
      </div>
      {status && <p role="status">{status}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
