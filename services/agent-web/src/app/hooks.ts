import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DeskApi, Directory } from '../api/desk-api';
import { LiveClient, type LiveConnection } from '../live/live-client';
import { applyLive, emptyLiveView, type LiveView } from '../live/live-state';
import type { AgentCommandRejected, CallLiveEvent, CallContext } from '../live/live-types';
import { liveOffers, type PendingOffer } from '../softphone/offer-match';
import { Softphone, type SoftphoneAccount, type SoftphoneSnapshot } from '../softphone/softphone';

/** The current time, re-read every `everyMs` (for timers on screen). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

export interface LiveOffer extends PendingOffer {
  context: CallContext | null;
}

export interface LiveDesk {
  view: LiveView;
  connection: LiveConnection;
  notice: string | null;
  offers: LiveOffer[];
  rejections: (AgentCommandRejected & { at: number })[];
  callEvents: (CallLiveEvent & { at: number })[];
  /** The last offer that rang out unanswered (the ACD then makes the agent not-ready). */
  missed: { callId: string; at: number } | null;
}

/** The live channel as React state: one EventSource per signed-in session. */
export function useLiveDesk(api: DeskApi, baseUrl: string, token: string): LiveDesk {
  const [view, setView] = useState<LiveView>(emptyLiveView);
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  const [notice, setNotice] = useState<string | null>(null);
  const [offers, setOffers] = useState<LiveOffer[]>([]);
  const [rejections, setRejections] = useState<LiveDesk['rejections']>([]);
  const [callEvents, setCallEvents] = useState<LiveDesk['callEvents']>([]);
  const [missed, setMissed] = useState<LiveDesk['missed']>(null);
  useEffect(() => {
    const client = new LiveClient({
      baseUrl,
      token: () => token,
      sessionValid: () => api.sessionValid(),
      onConnection: (state, detail) => {
        setConnection(state);
        setNotice(detail ?? null);
      },
      onEvent: (event) => {
        const now = Date.now();
        setView((v) => applyLive(v, event, now));
        if (event.kind === 'offer')
          setOffers((o) => [
            ...liveOffers(o, now).filter((x) => x.reservationId !== event.data.reservationId),
            { ...event.data, receivedAt: now },
          ]);
        // An offer that ended unanswered stops counting; an answered one stays paired to its call.
        if (event.kind === 'offer-ended' && event.data.outcome !== 'answered') {
          const gone = event.data.reservationId;
          setOffers((o) => o.filter((x) => x.reservationId !== gone));
          if (event.data.outcome === 'no-answer' || event.data.outcome === 'timeout')
            setMissed({ callId: event.data.callId, at: now });
        }
        if (event.kind === 'agent-command-rejected')
          setRejections((r) => [...r.slice(-4), { ...event.data, at: now }]);
        if (event.kind === 'call') setCallEvents((c) => [...c.slice(-19), { ...event.data, at: now }]);
      },
    });
    client.start();
    return () => client.stop();
  }, [api, baseUrl, token]);
  return { view, connection, notice, offers, rejections, callEvents, missed };
}

const idleSnapshot: SoftphoneSnapshot = {
  status: { registration: 'stopped', message: null, since: 0 },
  calls: [],
};

/** One softphone per session: registered while the desk is open, unregistered on sign-out. */
export function useSoftphone(
  account: SoftphoneAccount | null,
  remoteAudio: () => HTMLAudioElement | null,
): { phone: Softphone | null; snapshot: SoftphoneSnapshot } {
  const audioRef = useRef(remoteAudio);
  audioRef.current = remoteAudio;
  const [phone, setPhone] = useState<Softphone | null>(null);
  useEffect(() => {
    if (!account) return;
    const p = new Softphone(account, { remoteAudio: () => audioRef.current() });
    setPhone(p);
    p.start();
    return () => {
      void p.stop();
      setPhone(null);
    };
  }, [account]);
  const snapshot = useSyncExternalStore(
    phone?.subscribe ?? noopSubscribe,
    phone?.getSnapshot ?? (() => idleSnapshot),
  );
  return { phone, snapshot };
}

const noopSubscribe = () => () => undefined;

export interface Names {
  agent: (id: string) => string;
  queue: (id: string) => string;
  agents: Directory['agents'];
  queues: Directory['queues'];
}

/** Agent and queue names, read once per session (ids are shown until they arrive or if denied). */
export function useNames(api: DeskApi): Names {
  const [dir, setDir] = useState<Directory>({ agents: [], queues: [] });
  useEffect(() => {
    let live = true;
    api.directory().then(
      (d) => live && setDir(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return useMemo(() => {
    const agents = new Map(dir.agents.map((a) => [a.id, a.name]));
    const queues = new Map(dir.queues.map((q) => [q.id, q.name]));
    return {
      agent: (id: string) => agents.get(id) ?? id,
      queue: (id: string) => queues.get(id) ?? id,
      agents: dir.agents,
      queues: dir.queues,
    };
  }, [dir]);
}
