import { hostname } from 'node:os';
import { Topics, type CallCommand, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents, type Subscription } from '@hotline/event-bus';
import {
  Counter,
  Gauge,
  Histogram,
  type Logger,
  type ReadinessCheck,
  type RunningService,
  type ServiceDeps,
} from '@hotline/platform';
import { BusCallEvents } from '../adapters/bus-call-events';
import { EdgeDirectory, KamailioRpc } from '../adapters/directory';
import { LiveCallRecords } from '../adapters/live-call-records';
import { DialogLeg, SipDialer, SipInboundOffer } from '../adapters/sip-signaling';
import { CallSession, type CallSessionDeps } from '../domain/call-session';
import { originateCall } from '../domain/originate-call';
import { realTimers, type DialTarget, type Timers } from '../domain/ports';
import { FilePromptLibrary } from '../media/prompt-library';
import { ThreadedRtpPlayer } from '../media/threaded-rtp-player';
import { DtmfListener, type DtmfEvent } from '../rtpengine/dtmf-listener';
import { NgClient } from '../rtpengine/ng-client';
import { RtpengineMedia } from '../rtpengine/rtpengine-media';
import { RtpenginePool } from '../rtpengine/rtpengine-pool';
import type { SipEdgeSettings } from '../settings';
import { openUdpTransport, type SipTransport } from '../sip/udp-transport';
import { SipUserAgent, type IncomingInvite } from '../sip/user-agent';
import { startDirectoryServer } from './directory-routes';
import { randomHex } from './random-hex';

type CallTarget = Extract<CallCommand, { action: 'bridge' }>['target'];

export interface SipEdge extends RunningService {
  readonly instance: string;
  readonly calls: ReadonlyMap<string, CallSession>;
  readonly media: RtpengineMedia;
  readonly sipPort: number | undefined;
  /** Readiness: SIP listening, an rtpengine answering, Kamailio reachable. */
  readonly checks: ReadinessCheck[];
  /** Tests: stops like a crashed process would (no BYE, no cleanup). */
  kill(): Promise<void>;
}

export interface StartOptions {
  timers?: Timers;
  /** Consumer group for commands; default "sip-edge.<instance>" (every instance sees every command). */
  commandGroup?: string;
}

type Deps = Pick<ServiceDeps, 'log' | 'bus' | 'store' | 'live' | 'metrics' | 'siteId' | 'shape'>;

/**
 * Call control: our SIP user agent behind Kamailio answers callers, rtpengine anchors their media,
 * and call-control commands from the bus drive each call (CallSession). If the SIP port or
 * rtpengine is unavailable the service still starts and says so in /readyz and the logs.
 */
export async function startSipEdge(
  deps: Deps,
  settings: SipEdgeSettings,
  options: StartOptions = {},
): Promise<SipEdge> {
  const { log } = deps;
  const timers = options.timers ?? realTimers;
  const instance =
    settings.HOTLINE_SIP_INSTANCE ??
    `${hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 40)}-${settings.HOTLINE_SIP_PORT}`;
  const calls = new Map<string, CallSession>();
  let draining = false;
  let stopped = false;
  let killed = false;

  const metrics = {
    calls: new Gauge({
      name: 'hotline_sip_edge_calls',
      help: 'Calls held by this edge instance',
      registers: [deps.metrics],
    }),
    offered: new Counter({
      name: 'hotline_sip_edge_invites_total',
      help: 'INVITEs that reached call control, by result',
      labelNames: ['result'],
      registers: [deps.metrics],
    }),
    ng: new Histogram({
      name: 'hotline_sip_edge_ng_seconds',
      help: 'rtpengine ng command round trips, by command and result',
      labelNames: ['command', 'result'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [deps.metrics],
    }),
    ended: new Counter({
      name: 'hotline_sip_edge_calls_ended_total',
      help: 'Calls ended, by cause',
      labelNames: ['cause'],
      registers: [deps.metrics],
    }),
  };

  const rpc =
    settings.HOTLINE_SIP_KAMAILIO_RPC === 'none'
      ? undefined
      : new KamailioRpc({ url: settings.HOTLINE_SIP_KAMAILIO_RPC, token: settings.HOTLINE_SIP_EDGE_TOKEN });
  const directory = new EdgeDirectory({ store: deps.store, rpc });
  let directoryServer: Awaited<ReturnType<typeof startDirectoryServer>> | undefined;
  let directoryError: string | undefined;
  try {
    directoryServer = await startDirectoryServer(
      settings.HOTLINE_SIP_HOST,
      settings.HOTLINE_SIP_DIRECTORY_PORT,
      directory,
      settings.HOTLINE_SIP_EDGE_TOKEN,
      log,
    );
  } catch (err) {
    directoryError = `cannot serve the directory on http://${settings.HOTLINE_SIP_HOST}:${settings.HOTLINE_SIP_DIRECTORY_PORT}: ${(err as Error).message}`;
    log.error({ err }, directoryError);
  }

  const ng = await NgClient.open({
    localHost: settings.HOTLINE_SIP_MEDIA_HOST,
    observe: (command, seconds, ok) => metrics.ng.observe({ command, result: ok ? 'ok' : 'error' }, seconds),
  });
  const pool = new RtpenginePool(ng, settings.HOTLINE_SIP_RTPENGINE, log);
  pool.start(settings.HOTLINE_SIP_RTPENGINE_CHECK_MS);
  // The silent far end of callers in IVR or queue, and the source of their prompts: its socket
  // and the 20 ms RTP clock live in a worker thread, off this event loop.
  const player = await ThreadedRtpPlayer.start({ host: settings.HOTLINE_SIP_MEDIA_HOST, log });
  const media = new RtpengineMedia(
    ng,
    pool,
    { host: settings.HOTLINE_SIP_MEDIA_HOST, port: player.port },
    player,
  );
  const prompts = new FilePromptLibrary({ directory: settings.HOTLINE_SIP_PROMPT_DIR, store: deps.store });
  const events = new BusCallEvents(deps.bus);
  const records = new LiveCallRecords(deps.live, instance);
  const saveRecord = (session: CallSession): Promise<void> =>
    records.save(
      session,
      session
        .currentLegs()
        .flatMap(({ legId, leg }) =>
          leg instanceof DialogLeg ? [{ legId, dialog: leg.dialog.snapshot() }] : [],
        ),
      session.mixMemberIds(),
    );

  let transport: SipTransport | undefined;
  let sipError: string | undefined;
  try {
    transport = await openUdpTransport({
      host: settings.HOTLINE_SIP_HOST,
      port: settings.HOTLINE_SIP_PORT,
      receiveBufferBytes: 4 << 20,
    });
  } catch (err) {
    sipError = `cannot listen for SIP on udp:${settings.HOTLINE_SIP_HOST}:${settings.HOTLINE_SIP_PORT}: ${(err as Error).message}`;
    log.error({ err }, sipError);
  }
  const proxy = settings.HOTLINE_SIP_PROXY;
  const ua = transport
    ? new SipUserAgent({
        transport,
        outboundProxy: proxy,
        product: 'hotline-sip-edge',
        onProblem: ({ kind, error, from }) =>
          log.warn(
            { kind, err: error instanceof Error ? error.message : String(error), from },
            'SIP message not handled',
          ),
      })
    : undefined;

  const sessionDeps: CallSessionDeps = {
    media,
    dialer: ua ? new SipDialer(ua, { domain: settings.HOTLINE_SIP_DOMAIN }) : unavailableDialer(),
    prompts,
    directory,
    events,
    timers,
    log,
    siteId: deps.siteId,
    answerTimeoutMs: settings.HOTLINE_SIP_ANSWER_TIMEOUT_MS,
    transferRingTimeoutMs: settings.HOTLINE_SIP_TRANSFER_RING_TIMEOUT_MS,
    newId: (prefix) => `${prefix}-${randomHex(8)}`,
    onEnded: (session) => {
      calls.delete(session.callId);
      metrics.calls.set(calls.size);
      void records
        .remove(session.callId)
        .catch((err: unknown) => log.warn({ err, callId: session.callId }, 'call record not removed'));
    },
    onChanged: (session) => {
      void saveRecord(session).catch((err: unknown) =>
        log.warn({ err, callId: session.callId }, 'call record not saved'),
      );
    },
  };

  /** Saves the call's record; false (and the call forgotten) if the caller gave up meanwhile. */
  const recordBeforeStart = async (session: CallSession, invite: IncomingInvite): Promise<boolean> => {
    await saveRecord(session).catch((err: unknown) =>
      log.warn({ err, callId: session.callId }, 'call record not saved'),
    );
    if (invite.state === 'pending') return true;
    calls.delete(session.callId);
    metrics.calls.set(calls.size);
    await records.remove(session.callId).catch(() => undefined);
    return false;
  };

  const handleInvite = async (invite: IncomingInvite): Promise<void> => {
    const trusted = invite.source.host === proxy.host && invite.source.port === proxy.port;
    if (draining || stopped) {
      metrics.offered.inc({ result: 'draining' });
      invite.reject(503, { headers: [['retry-after', '5']] });
      return;
    }
    if (calls.size >= settings.HOTLINE_SIP_MAX_CALLS) {
      metrics.offered.inc({ result: 'full' });
      invite.reject(503, { headers: [['retry-after', '5']] });
      return;
    }
    const callId = sessionDeps.newId('call');
    const callerLegId = sessionDeps.newId('leg');
    const offer = new SipInboundOffer(invite, callerLegId, trusted);
    if (offer.agentAor) {
      await placeAgentCall(invite, offer, callerLegId);
      return;
    }
    let tenantId = offer.tenantId;
    let hotlineId = offer.hotlineId;
    if (!tenantId) {
      const owner = await directory.numberOwner(offer.dnis).catch(() => null);
      if (!owner) {
        metrics.offered.inc({ result: 'unknown-number' });
        invite.reject(404);
        return;
      }
      tenantId = owner.tenantId;
      hotlineId = owner.hotlineId;
    }
    if (invite.state !== 'pending') return;
    const session = new CallSession(sessionDeps, offer, {
      callId,
      callerLegId,
      tenantId,
      ...(hotlineId ? { hotlineId } : {}),
      direction: 'inbound',
    });
    calls.set(callId, session);
    metrics.calls.set(calls.size);
    metrics.offered.inc({ result: 'offered' });
    log.info(
      {
        callId,
        sipCallId: invite.callId,
        tenantId,
        trunk: offer.trunk,
        pii: { ani: offer.ani, dnis: offer.dnis },
      },
      'call offered',
    );
    // Recorded before call.offered goes out: commands answering it may reach another instance
    // first, which must see the call is held here (not answer "call-gone").
    if (!(await recordBeforeStart(session, invite))) return;
    session.start();
  };

  /** An authenticated agent dialled a colleague or a number: no IVR, ring the target at once. */
  const placeAgentCall = async (
    invite: IncomingInvite,
    offer: SipInboundOffer,
    callerLegId: string,
  ): Promise<void> => {
    const caller = await directory.agentByAor(offer.agentAor!);
    if (!caller) {
      metrics.offered.inc({ result: 'unknown-agent' });
      invite.reject(403);
      return;
    }
    const dialled = await directory.resolveDialled(caller.tenantId, offer.dnis);
    let dialTarget: DialTarget | undefined;
    if (dialled?.type === 'agent') {
      const aor = await directory.agentAor(caller.tenantId, dialled.agentId);
      if (aor) dialTarget = { kind: 'agent', aor, webrtc: await directory.isWebrtc(aor) };
    } else if (dialled?.type === 'external') {
      dialTarget = { kind: 'external', number: dialled.number };
    }
    if (!dialled || !dialTarget) {
      metrics.offered.inc({ result: 'unknown-number' });
      invite.reject(404);
      return;
    }
    if (invite.state !== 'pending') return;
    const callId = sessionDeps.newId('call');
    const session = new CallSession(sessionDeps, offer, {
      callId,
      callerLegId,
      tenantId: caller.tenantId,
      direction: dialled.type === 'agent' ? 'internal' : 'outbound',
    });
    calls.set(callId, session);
    metrics.calls.set(calls.size);
    metrics.offered.inc({ result: dialled.type === 'agent' ? 'agent-to-agent' : 'outbound' });
    log.info(
      {
        callId,
        sipCallId: invite.callId,
        tenantId: caller.tenantId,
        agentId: caller.agentId,
        target: dialled.type,
      },
      'agent placed a call',
    );
    const target: CallTarget =
      dialled.type === 'agent'
        ? { type: 'agent', agentId: dialled.agentId }
        : { type: 'external', number: dialled.number };
    if (!(await recordBeforeStart(session, invite))) return;
    session.startDirect(target, dialTarget, settings.HOTLINE_SIP_TRANSFER_RING_TIMEOUT_MS);
  };

  if (ua) {
    ua.optionsStatus = () => (draining || stopped ? 503 : 200);
    ua.onInvite = (invite) => {
      void handleInvite(invite).catch((err: unknown) => {
        log.error({ err }, 'INVITE handling failed');
        invite.reject(500);
      });
    };
  }

  const dtmfChannel = (owner: string) => `sip-edge:dtmf:${owner}`;
  const forwardDigit = async (event: DtmfEvent): Promise<void> => {
    const owner = await records.owner(event.callId);
    if (owner && owner !== instance) await deps.live.publish(dtmfChannel(owner), JSON.stringify(event));
  };
  const unsubscribeDigits = await deps.live.subscribe(dtmfChannel(instance), (message) => {
    try {
      const event = JSON.parse(message) as DtmfEvent;
      if (typeof event.callId === 'string' && typeof event.digit === 'string')
        calls.get(event.callId)?.dtmf(event.digit);
    } catch {
      // Not ours to interpret.
    }
  });

  let dtmf: DtmfListener | undefined;
  let dtmfError: string | undefined;
  try {
    dtmf = await DtmfListener.open(
      settings.HOTLINE_SIP_HOST,
      settings.HOTLINE_SIP_DTMF_PORT,
      (event: DtmfEvent) => {
        // rtpengine reports digits from both sides; only the caller's drive the IVR.
        if (event.sourceTag !== 'caller') return;
        const session = calls.get(event.callId);
        if (session) {
          session.dtmf(event.digit);
          return;
        }
        // rtpengine has one --dtmf-log-dest: digits of calls another instance holds land here.
        void forwardDigit(event).catch((err: unknown) =>
          log.warn({ err, callId: event.callId }, 'digit not forwarded'),
        );
      },
    );
  } catch (err) {
    dtmfError = `cannot listen for DTMF reports on udp:${settings.HOTLINE_SIP_HOST}:${settings.HOTLINE_SIP_DTMF_PORT}: ${(err as Error).message}`;
    log.error({ err }, dtmfError);
  }

  /** A call to place (a callback): one instance that is taking calls dials it. */
  const originate = async (
    event: HotlineEvent<'call.command.requested'>,
    command: Extract<CallCommand, { action: 'originate' }>,
  ): Promise<void> => {
    const { callId, commandId, requestedBy } = event.data;
    // A draining or full instance leaves it to another; if none takes it, whoever asked gives up
    // at its own deadline.
    if (draining || stopped || !ua || calls.size >= settings.HOTLINE_SIP_MAX_CALLS) return;
    if (await records.owner(callId)) return;
    if (!(await records.claimOriginate(commandId))) return;
    metrics.offered.inc({ result: 'originated' });
    log.info({ callId, requestedBy, pii: { number: command.number } }, 'placing a call');
    await originateCall(
      sessionDeps,
      { tenantId: event.tenantId, callId, commandId, requestedBy, command },
      async (session) => {
        calls.set(callId, session);
        metrics.calls.set(calls.size);
        await saveRecord(session).catch((err: unknown) => log.warn({ err, callId }, 'call record not saved'));
      },
    );
  };

  const handleCommand = async (event: HotlineEvent): Promise<void> => {
    if (event.type !== 'call.command.requested') return;
    const { callId, commandId, requestedBy, command, queue } = event.data;
    const session = calls.get(callId);
    if (!session && command.action === 'originate') {
      // Not awaited: the dial rings for seconds, and the commands of other calls go on meanwhile.
      void originate(event, command).catch((err: unknown) =>
        log.error({ err, callId }, 'placing a call failed'),
      );
      return;
    }
    if (session) {
      session.execute({
        commandId,
        requestedBy,
        command,
        ...(queue ? { queueId: queue.queueId, queue } : {}),
      });
      return;
    }
    const owner = await records.owner(callId);
    if (owner && owner !== instance) return;
    // Nobody holds the call (it ended, or never existed): one instance says so.
    if (await records.claimGone(commandId)) {
      await events.emit('call.command.completed', event.tenantId, {
        commandId,
        callId,
        action: command.action,
        outcome: 'call-gone',
      });
    }
  };
  const subscription: Subscription = await consumeEvents({
    bus: deps.bus,
    group: options.commandGroup ?? `sip-edge.${instance}`,
    topics: [Topics.callCommands],
    handle: handleCommand,
  });

  // Heartbeat, and end the calls of instances that stopped beating (a crash: their callers would
  // otherwise sit in dead air until rtpengine's RTP timeout).
  let takingOver = false;
  const takeOver = async (): Promise<void> => {
    if (takingOver || stopped || !ua) return;
    takingOver = true;
    try {
      await records.heartbeat(settings.HOTLINE_SIP_INSTANCE_TTL_MS);
      for (const record of await records.orphans((callId) => calls.has(callId))) {
        if (!(await records.claimTakeover(record.callId))) continue;
        log.warn(
          { callId: record.callId, owner: record.owner },
          'taking over a call of a vanished instance: ending it',
        );
        await Promise.all(record.legs.map((l) => ua.restoreDialog(l.dialog).bye()));
        const rtpengine = pool.byId(record.rtpengine);
        if (rtpengine) {
          for (const ngCallId of [record.callId, ...record.members.map((m) => `${record.callId}~${m}`)]) {
            await ng.command(rtpengine, 'delete', { 'call-id': ngCallId }).catch(() => undefined);
          }
        }
        if (record.tenantId) {
          await events.emit('call.ended', record.tenantId, {
            callId: record.callId,
            ...(record.callerLegId ? { legId: record.callerLegId } : {}),
            cause: 'failed',
            by: 'system',
            durationMs: Math.max(0, Date.now() - record.startedAt),
          });
        }
        await records.remove(record.callId);
        metrics.ended.inc({ cause: 'taken-over' });
      }
    } catch (err) {
      log.warn({ err }, 'heartbeat or takeover check failed');
    } finally {
      takingOver = false;
    }
  };
  await takeOver();
  const takeoverTimer = setInterval(() => void takeOver(), settings.HOTLINE_SIP_TAKEOVER_CHECK_MS);
  takeoverTimer.unref();

  // Alone (serve), sip-edge without SIP or media is useless: not ready. In the all-in-one process
  // the rest of the contact center still works, so the checks only report.
  const required = deps.shape === 'serve';
  const checks: ReadinessCheck[] = [
    {
      name: 'sip-edge.sip',
      required,
      check: async () => {
        const problems = [sipError, dtmfError, directoryError].filter(Boolean);
        if (problems.length > 0) throw new Error(problems.join('; '));
      },
    },
    { name: 'sip-edge.rtpengine', required, check: () => pool.check() },
    {
      name: 'sip-edge.kamailio',
      required: false,
      check: async () => {
        if (!rpc) return;
        try {
          await rpc.call('core.uptime');
        } catch (err) {
          throw new Error(
            `Kamailio at ${settings.HOTLINE_SIP_KAMAILIO_RPC} does not answer: ${(err as Error).message}`,
          );
        }
      },
    },
  ];
  void Promise.all(
    checks.map((c) =>
      c.check().then(
        () => null,
        (err: Error) => `${c.name}: ${err.message}`,
      ),
    ),
  ).then((problems) => {
    const bad = problems.filter(Boolean);
    if (bad.length > 0)
      log.warn({ problems: bad }, 'sip-edge started without everything it needs: calls may fail');
  });

  // Kamailio's dispatcher would notice us within a few OPTIONS probes; telling it saves callers
  // the 503s of that window (after a restart) and takes us out at once when draining.
  const dispatcherUri = transport ? `sip:${transport.local.host}:${transport.local.port}` : undefined;
  const announce = async (state: 'ap' | 'ip'): Promise<void> => {
    if (!rpc || !dispatcherUri) return;
    try {
      await rpc.call('dispatcher.set_state', [state, 1, dispatcherUri]);
    } catch (err) {
      log.warn({ err: (err as Error).message, state }, 'could not tell Kamailio our dispatcher state');
    }
  };
  await announce('ap');

  log.info(
    {
      instance,
      sip: transport?.local,
      rtpengine: pool.instances.map((i) => i.id),
      dtmfPort: settings.HOTLINE_SIP_DTMF_PORT,
    },
    'sip-edge call control listening',
  );

  return {
    name: 'sip-edge',
    instance,
    calls,
    media,
    sipPort: transport?.local.port,
    checks,
    activeWork: () => calls.size,
    drain: async () => {
      // OPTIONS now answer 503: Kamailio's dispatcher takes us out; new INVITEs get 503 too.
      draining = true;
      await announce('ip');
      await subscription.close();
    },
    kill: async () => {
      // Tests: die like a crashed process (no BYE, no cleanup, the heartbeat just stops).
      stopped = true;
      killed = true;
      clearInterval(takeoverTimer);
      calls.clear();
      await subscription.close().catch(() => undefined);
      pool.stop();
      ua?.close();
      await transport?.close();
      await dtmf?.close();
      await unsubscribeDigits().catch(() => undefined);
      await directoryServer?.close();
      await player.shutdown();
      rpc?.close();
      await ng.close();
    },
    stop: async () => {
      if (killed) return;
      stopped = true;
      clearInterval(takeoverTimer);
      await Promise.all([...calls.values()].map((s) => s.end('failed', 'system').catch(() => undefined)));
      await subscription.close().catch(() => undefined);
      await events.flush();
      pool.stop();
      ua?.close();
      await transport?.close();
      await dtmf?.close();
      await unsubscribeDigits().catch(() => undefined);
      await directoryServer?.close();
      await player.shutdown();
      rpc?.close();
      await ng.close();
      log.info('sip-edge stopped');
    },
  };
}

function unavailableDialer(): CallSessionDeps['dialer'] {
  return {
    dial: (_target, _sdp, context) => ({
      legId: context.legId,
      onRinging: () => undefined,
      result: Promise.resolve({ kind: 'failed', status: 503, reason: 'SIP is not listening' }),
      cancel: () => undefined,
    }),
    originate: (_number, context) => ({
      legId: context.legId,
      result: Promise.resolve({ kind: 'failed', status: 503, reason: 'SIP is not listening' }),
      cancel: () => undefined,
    }),
  };
}

export type { Logger };
