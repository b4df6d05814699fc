import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DeskApi } from '../api/desk-api';
import { ApiError, messageOf } from '../api/problem';
import type { CallLiveEvent } from '../live/live-types';
import { callControls, canCall, type CallInfo } from '../softphone/phone-state';
import { normalizeDialTarget } from '../softphone/dial-target';
import { Ringer } from '../softphone/ringer';
import type { Softphone, SoftphoneSnapshot } from '../softphone/softphone';
import { DtmfPad } from './DtmfPad';
import { formatDuration } from './format';
import { TransferPanel } from './TransferPanel';

const phaseWords: Record<CallInfo['phase'], string> = {
  ringing: 'Ringing',
  dialing: 'Dialling',
  early: 'Ringing at the other end',
  connecting: 'Connecting',
  active: 'Connected',
  ended: 'Ended',
};

/** F-AG-2/F-AG-4: the softphone's calls, their controls, and placing a call. */
export function CallPanel(props: {
  api: DeskApi;
  phone: Softphone | null;
  snapshot: SoftphoneSnapshot;
  now: number;
  /** The Hotline call id of a softphone call (from the INVITE or the matched offer). */
  hotlineCallIdOf: (call: CallInfo) => string | null;
  /** A line shown with an incoming call (queue and wait), when known. */
  incomingSummary: (call: CallInfo) => string | null;
  allowTransfer: boolean;
  /**
   * Hold through the server (the caller hears music, reporting counts hold time) when the call's
   * Hotline id is known; otherwise, or if the server cannot, the softphone's own re-INVITE hold.
   */
  serverHold: boolean;
  /** Whether an incoming call rings audibly. */
  ring: boolean;
  /** Colleagues to transfer to. */
  agents: { id: string; name: string; extension: string | null }[];
  /** Queues to transfer back to. */
  queues?: { id: string; name: string }[];
  /** Live call events (the outcome of each party added to the call); none without transfer. */
  callEvents?: CallLiveEvent[];
}) {
  const { phone, snapshot, now } = props;
  const [error, setError] = useState<string | null>(null);
  const [dialTo, setDialTo] = useState('');
  const [consulting, setConsulting] = useState<string | null>(null);
  const act = (f: () => void) => {
    setError(null);
    try {
      f();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const calls = snapshot.calls;
  const ringing = calls.filter((c) => c.phase === 'ringing');
  const current = [...calls].reverse().find((c) => c.phase !== 'ringing') ?? null;
  const [serverHeld, setServerHeld] = useState<ReadonlySet<string>>(new Set());
  const shown = current && serverHeld.has(current.id) ? { ...current, held: true } : current;
  const controls = callControls(shown);

  // Ring while a call is offered to this desk (not for the supervisor's own auto-answered legs).
  const ringer = useRef<Ringer | null>(null);
  const isRinging = ringing.length > 0 && props.ring;
  useEffect(() => {
    if (!isRinging) return;
    const r = (ringer.current ??= new Ringer());
    r.start();
    return () => r.stop();
  }, [isRinging]);

  const setHold = async (call: CallInfo, on: boolean) => {
    setError(null);
    const callId = props.serverHold ? props.hotlineCallIdOf(call) : null;
    if (callId && (on || serverHeld.has(call.id))) {
      try {
        await props.api.command(callId, { action: on ? 'hold' : 'resume' });
        setServerHeld((h) => {
          const next = new Set(h);
          if (on) next.add(call.id);
          else next.delete(call.id);
          return next;
        });
        return;
      } catch (err) {
        // The server knows no leg for this call (422): hold it from the phone instead.
        if (!(err instanceof ApiError && err.kind === 'invalid')) {
          setError(messageOf(err));
          return;
        }
      }
    }
    act(() => (on ? phone?.hold(call.id) : phone?.resume(call.id)));
  };

  const dial = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const target = normalizeDialTarget(dialTo);
    if (!target) {
      setError('Enter an extension, a SIP user or a number.');
      return;
    }
    // Digits are checked by the API first (an unknown extension is named, not just "not found").
    if (/^\+?\d+$/.test(target)) {
      try {
        await props.api.placeCall(target);
      } catch (err) {
        if (err instanceof ApiError && (err.kind === 'not-found' || err.kind === 'invalid')) {
          setError(err.message);
          return;
        }
        // The check itself failed (server busy): the edge still decides when we dial.
      }
    }
    act(() => {
      phone?.dial(target);
      setDialTo('');
    });
  };

  return (
    <section className="panel" aria-labelledby="phone-title">
      <h2 id="phone-title">Phone</h2>
      {ringing.map((c) => (
        <div key={c.id} className="incoming" role="alertdialog" aria-labelledby={`in-${c.id}`}>
          <p id={`in-${c.id}`}>
            <strong>Incoming call</strong> from <span aria-label="Incoming caller">{c.remote}</span>
          </p>
          {props.incomingSummary(c) && <p>{props.incomingSummary(c)}</p>}
          <div className="row">
            {/* An alert dialog takes the focus, so Enter answers (ARIA practice). */}
            <button
              type="button"
              className="primary answer"
              autoFocus
              onClick={() => act(() => phone?.answer(c.id))}
            >
              Answer
            </button>
            <button type="button" className="danger" onClick={() => act(() => phone?.reject(c.id))}>
              Reject
            </button>
          </div>
        </div>
      ))}
      {current ? (
        <div className="call" role="group" aria-label="Current call">
          <p>
            <span aria-label="Call status">
              {phaseWords[current.phase]}
              {shown?.held ? ' · on hold' : ''}
              {current.muted ? ' · muted' : ''}
            </span>{' '}
            with <strong>{current.remote}</strong>{' '}
            {current.answeredAt && current.phase !== 'ended' && (
              <span aria-label="Call duration">{formatDuration(now - current.answeredAt)}</span>
            )}
          </p>
          {current.endMessage && <p role="status">{current.endMessage}</p>}
          <div className="row wrap">
            <button
              type="button"
              className="danger"
              disabled={!controls.hangup}
              onClick={() =>
                act(() => {
                  phone?.hangup(current.id);
                  setConsulting(null);
                })
              }
            >
              Hang up
            </button>
            {controls.resume ? (
              <button type="button" onClick={() => void setHold(current, false)}>
                Resume
              </button>
            ) : (
              <button type="button" disabled={!controls.hold} onClick={() => void setHold(current, true)}>
                Hold
              </button>
            )}
            {controls.unmute ? (
              <button type="button" aria-pressed="true" onClick={() => act(() => phone?.unmute(current.id))}>
                Unmute
              </button>
            ) : (
              <button
                type="button"
                disabled={!controls.mute}
                onClick={() => act(() => phone?.mute(current.id))}
              >
                Mute
              </button>
            )}
            {current.phase === 'ended' && (
              <button type="button" onClick={() => phone?.dismiss(current.id)}>
                Dismiss
              </button>
            )}
          </div>
          <DtmfPad disabled={!controls.dtmf} onKey={(k) => act(() => phone?.sendDtmf(current.id, k))} />
          {props.allowTransfer && (
            <TransferPanel
              api={props.api}
              agents={props.agents}
              queues={props.queues ?? []}
              callId={props.hotlineCallIdOf(current)}
              disabled={!controls.transfer}
              consulting={consulting === current.id && current.phase === 'active'}
              callEvents={props.callEvents ?? []}
              onConsultStarted={() => setConsulting(current.id)}
              onCompleteTransfer={() =>
                act(() => {
                  // Leaving the consultation hands the caller to the consulted party (the edge's rule).
                  phone?.hangup(current.id);
                  setConsulting(null);
                })
              }
            />
          )}
        </div>
      ) : (
        ringing.length === 0 && <p className="muted">No call.</p>
      )}
      <form className="row" onSubmit={(e) => void dial(e)} aria-label="Place a call">
        <label className="grow">
          Number or extension
          <input
            value={dialTo}
            onChange={(e) => setDialTo(e.target.value)}
            inputMode="tel"
            autoComplete="off"
          />
        </label>
        <button type="submit" disabled={!canCall(snapshot.status) || dialTo.trim() === ''}>
          Call
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
