import { useEffect, useRef, useState } from 'react';
import type { DeskApi, Me } from '../api/desk-api';
import { messageOf } from '../api/problem';
import { useNow, type LiveDesk, type LiveOffer, type Names } from '../app/hooks';
import type { AgentToday, CallContext } from '../live/live-types';
import { matchOffer } from '../softphone/offer-match';
import type { CallInfo } from '../softphone/phone-state';
import type { Softphone, SoftphoneSnapshot } from '../softphone/softphone';
import { BreakLock } from './BreakLock';
import { CallPanel } from './CallPanel';
import { formatDuration, msSince } from './format';
import { OwnStats } from './OwnStats';
import { QueueTable, WaitingTable } from './QueueTables';
import { ScreenPop } from './ScreenPop';
import { StatePanel } from './StatePanel';
import { WrapUpPanel } from './WrapUpPanel';

const REJECTION_SHOWN_MS = 15_000;

export function AgentDesk(props: {
  api: DeskApi;
  me: Me;
  agentId: string;
  phone: Softphone | null;
  snapshot: SoftphoneSnapshot;
  live: LiveDesk;
  names: Names;
}) {
  const { api, agentId, live, snapshot, names } = props;
  const now = useNow(1000);
  const agent = live.view.agents.get(agentId);

  // Each softphone call keeps the offer it was paired with for its whole life.
  const paired = useRef(new Map<string, LiveOffer>());
  for (const call of snapshot.calls) {
    if (paired.current.has(call.id) || call.direction !== 'incoming') continue;
    const offer = matchOffer(live.offers, { hotlineCallId: call.hotlineCallId, at: call.startedAt });
    if (offer) paired.current.set(call.id, offer);
  }
  for (const id of paired.current.keys())
    if (!snapshot.calls.some((c) => c.id === id)) paired.current.delete(id);
  // A call the agent placed has no offer: the live agent state names the call it is on.
  const hotlineCallIdOf = (call: CallInfo) =>
    call.hotlineCallId ??
    paired.current.get(call.id)?.callId ??
    (call.phase !== 'ended' ? (agent?.callId ?? null) : null);

  // The call the screen pop is about: the ringing one, else the newest one, else an offer whose
  // INVITE has not arrived yet (the pop shows as soon as the ACD reserves us).
  const focus =
    snapshot.calls.find((c) => c.phase === 'ringing') ?? snapshot.calls[snapshot.calls.length - 1];
  const pendingOffer = live.offers.filter((o) => now - o.receivedAt < o.ringTimeoutMs).at(-1);
  const focusCallId = focus ? hotlineCallIdOf(focus) : (pendingOffer?.callId ?? null);
  const offerContext = focus
    ? (paired.current.get(focus.id)?.context ?? null)
    : (pendingOffer?.context ?? null);
  const [pop, setPop] = useState<{
    callId: string | null;
    context: CallContext | null;
    error: string | null;
  }>({
    callId: null,
    context: null,
    error: null,
  });
  // The last call's pop stays on screen during wrap-up.
  useEffect(() => {
    if (!focusCallId || focusCallId === pop.callId) return;
    let live = true;
    setPop({ callId: focusCallId, context: null, error: null });
    api.callContext(focusCallId).then(
      (context) => live && setPop({ callId: focusCallId, context, error: null }),
      (err: unknown) => live && setPop({ callId: focusCallId, context: null, error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [api, focusCallId]);
  const context = (pop.callId === focusCallId ? pop.context : null) ?? offerContext ?? pop.context;

  // Stats from the live channel; asked once directly in case this agent is not in the snapshot.
  const [statsFallback, setStatsFallback] = useState<AgentToday | undefined>(undefined);
  useEffect(() => {
    api.agentStats(agentId).then(setStatsFallback, () => undefined);
  }, [api, agentId]);

  const [breakError, setBreakError] = useState<string | null>(null);
  const rejection = live.rejections.filter((r) => now - r.at < REJECTION_SHOWN_MS).at(-1);
  const missed = live.missed && now - live.missed.at < REJECTION_SHOWN_MS ? live.missed : null;
  const rejectionText = rejection
    ? `The state change was refused: ${String(rejection.message ?? rejection.code ?? 'no reason given')}`
    : missed
      ? 'You missed a call: it went to another agent, and you were set to not ready.'
      : null;

  const incomingSummary = (call: CallInfo): string | null => {
    const offer = paired.current.get(call.id);
    if (!offer) return null;
    const waited = offer.context?.waitMs;
    return `Queue ${names.queue(offer.queueId)}${waited !== undefined ? ` · waited ${formatDuration(waited)}` : ''}`;
  };

  const state = agent?.state;
  // On break the desk behind the lock can be neither clicked nor reached by keyboard.
  const locked = state === 'break';
  return (
    <main className="desk">
      <div className="col" inert={locked}>
        <StatePanel api={api} agentId={agentId} agent={agent} now={now} rejection={rejectionText} />
        <CallPanel
          api={api}
          phone={props.phone}
          snapshot={snapshot}
          now={now}
          hotlineCallIdOf={hotlineCallIdOf}
          incomingSummary={incomingSummary}
          allowTransfer
          serverHold
          ring
          agents={names.agents.filter((a) => a.id !== agentId)}
          callEvents={live.callEvents}
          queues={names.queues}
        />
      </div>
      <div className="col wide" inert={locked}>
        {state === 'wrap-up' && (
          <WrapUpPanel api={api} agentId={agentId} sinceMs={msSince(agent?.since, now)} />
        )}
        <ScreenPop
          context={context}
          queueName={context?.queueId ? names.queue(context.queueId) : undefined}
          loading={focusCallId !== null && pop.context === null && pop.error === null}
          error={pop.callId === focusCallId ? pop.error : null}
        />
      </div>
      <div className="col" inert={locked}>
        <OwnStats today={agent?.today ?? statsFallback} />
        <section className="panel" aria-labelledby="queues-title">
          <h2 id="queues-title">My queues</h2>
          <QueueTable
            queues={[...live.view.queues.values()]}
            now={now}
            detailed={false}
            label="My queues"
            queueName={names.queue}
          />
          <h3>Waiting</h3>
          <WaitingTable waiting={live.view.waiting} now={now} queueName={names.queue} />
        </section>
      </div>
      {locked && (
        <BreakLock
          sinceMs={msSince(agent?.since, now)}
          error={breakError}
          onEnd={() => {
            setBreakError(null);
            api.setAgentState(agentId, 'ready').catch((err: unknown) => setBreakError(messageOf(err)));
          }}
        />
      )}
    </main>
  );
}
