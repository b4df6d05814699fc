import { useState, type FormEvent } from 'react';
import type { DeskApi, PartyTarget, TransferTarget } from '../api/desk-api';
import { messageOf } from '../api/problem';
import type { CallLiveEvent } from '../live/live-types';
import { conferenceMembers, targetOf, type AddedParty } from './call-parties';

type Kind = TransferTarget['type'];

/**
 * F-AG-4 through the edge's call commands: blind transfer, and consultation (the caller hears
 * music while the agent talks to the target; the agent hanging up completes the transfer). The
 * same target can be added to the call instead (a three-way conference: the edge's bridge while
 * bridged). A queue or an IVR flow (typed by id) takes a blind transfer only: the agent is
 * released, the caller hears music, and the ACD offers the call again or the IVR takes it back.
 */
export function TransferPanel(props: {
  api: DeskApi;
  /** Colleagues to pick from; with none known, the agent id is typed. */
  agents: { id: string; name: string; extension: string | null }[];
  /** Queues to transfer back to; with none known, the queue id is typed. */
  queues: { id: string; name: string }[];
  callId: string | null;
  disabled: boolean;
  consulting: boolean;
  /** Live call events of this call, to show how each added party's ring ended. */
  callEvents: CallLiveEvent[];
  onConsultStarted: () => void;
  onCompleteTransfer: () => void;
}) {
  const [kind, setKind] = useState<Kind>('agent');
  const [value, setValue] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<(AddedParty & { callId: string })[]>([]);
  const members = conferenceMembers(
    added.filter((p) => p.callId === props.callId),
    props.callEvents.filter((e) => e.callId === props.callId),
  );

  const labelOf = (target: PartyTarget): string => {
    if (target.type === 'external') return target.number;
    const colleague = props.agents.find((a) => a.id === target.agentId);
    if (!colleague) return target.agentId;
    return colleague.extension ? `${colleague.name} (${colleague.extension})` : colleague.name;
  };

  const send = async (what: 'blind' | 'consultative' | 'add') => {
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
    if ((target.type === 'queue' || target.type === 'flow') && what !== 'blind') {
      setError(`Only a colleague or a number can be consulted or added to the call.`);
      return;
    }
    setError(null);
    try {
      if (what === 'add' && (target.type === 'agent' || target.type === 'external')) {
        const callId = props.callId;
        const { commandId } = await props.api.command(callId, { action: 'add-party', target });
        setAdded((a) => [
          ...a.filter((p) => p.callId === callId),
          { commandId, callId, label: labelOf(target) },
        ]);
        setStatus('Calling the new party into this call; the caller stays with you meanwhile.');
        return;
      }
      if (what === 'add') return;
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
            <option value="queue">Queue</option>
            <option value="flow">IVR flow</option>
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
          ) : kind === 'queue' && props.queues.length > 0 ? (
            <select value={value} onChange={(e) => setValue(e.target.value)}>
              <option value="">Choose a queue…</option>
              {props.queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name}
                </option>
              ))}
            </select>
          ) : (
            <input
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder={kind === 'external' ? '+33123456789' : `${kind} id`}
            />
          )}
        </label>
      </div>
      <div className="row wrap">
        <button type="submit" disabled={props.disabled}>
          Blind transfer
        </button>
        <button
          type="button"
          disabled={props.disabled || kind === 'queue' || kind === 'flow'}
          onClick={() => void send('consultative')}
        >
          Consult
        </button>
        <button
          type="button"
          disabled={props.disabled || kind === 'queue' || kind === 'flow'}
          onClick={() => void send('add')}
        >
          Add to call
        </button>
        {props.consulting && (
          <button type="button" className="primary" onClick={props.onCompleteTransfer}>
            Complete transfer
          </button>
        )}
      </div>
      {members.length > 0 && (
        <ul aria-label="Conference members">
          <li>You</li>
          {members.map((m) => (
            <li key={m.commandId}>
              {m.label}: {m.status}
            </li>
          ))}
        </ul>
      )}
      {status && <p role="status">{status}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
