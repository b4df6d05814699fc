import type { CallCommand } from '@hotline/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallSession, type CallSessionDeps } from './call-session';
import {
  FakeDialer,
  FakeDirectory,
  fakeSessionDeps,
  FakeMedia,
  FakeOffer,
  ManualClock,
  RecordedEvents,
  settle,
} from './testing/fakes';

let clock: ManualClock;
let media: FakeMedia;
let dialer: FakeDialer;
let directory: FakeDirectory;
let events: RecordedEvents;
let offer: FakeOffer;
let session: CallSession;
let ended: boolean;
let seq: number;

beforeEach(() => {
  clock = new ManualClock();
  media = new FakeMedia();
  dialer = new FakeDialer();
  directory = new FakeDirectory();
  events = new RecordedEvents();
  offer = new FakeOffer();
  ended = false;
  seq = 0;
  const deps = fakeSessionDeps({ media, dialer, directory, events, timers: clock }, () => (ended = true));
  sessionDeps = deps;
  session = new CallSession(deps, offer, {
    callId: 'call-1',
    callerLegId: 'leg-caller',
    tenantId: 't1',
    hotlineId: 'h1',
    direction: 'inbound',
  });
  session.start();
});

let sessionDeps: CallSessionDeps;

function run(command: CallCommand, requestedBy = 'ivr-runner'): string {
  const commandId = `cmd-${++seq}`;
  session.execute({ commandId, requestedBy, command });
  return commandId;
}

const bridgeTo = (agentId: string, ringTimeoutMs = 10_000): CallCommand => ({
  action: 'bridge',
  target: { type: 'agent', agentId },
  ringTimeoutMs,
});

const digitRules = {
  minDigits: 1,
  maxDigits: 4,
  terminators: '#',
  firstDigitTimeoutMs: 5000,
  interDigitTimeoutMs: 2000,
};

async function bridged(agentId = 'agent-1') {
  const id = run(bridgeTo(agentId));
  await clock.advance(0);
  const leg = dialer.last.answer();
  await clock.advance(0);
  expect(events.completion(id)?.outcome).toBe('done');
  return leg;
}

describe('an offered call', () => {
  it('rings and announces itself with ANI, DNIS, trunk, site and hotline', () => {
    expect(offer.rang).toBe(true);
    expect(events.of('call.offered')).toEqual([
      {
        callId: 'call-1',
        legId: 'leg-caller',
        direction: 'inbound',
        ani: '+15550111',
        dnis: '+15550100',
        trunk: 'carrier-a',
        siteId: 'site-1',
        hotlineId: 'h1',
        sipCallId: 'sip-call-1@trunk',
      },
    ]);
  });

  it('is refused with 480 and ends when nobody asks to answer it in time', async () => {
    await clock.advance(5000);
    expect(offer.rejected).toBe(480);
    expect(events.of('call.ended')).toEqual([
      {
        callId: 'call-1',
        legId: 'leg-caller',
        cause: 'failed',
        by: 'system',
        sipStatus: 480,
        durationMs: 5000,
      },
    ]);
    expect(ended).toBe(true);
  });

  it('ends as cancelled by the caller on CANCEL, without a reject of its own', async () => {
    offer.cancel();
    await settle();
    expect(offer.rejected).toBeUndefined();
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'cancelled', by: 'caller', sipStatus: 487 });
  });

  it('is answered by "answer": media anchored first, then the 200, then call.answered by the IVR', async () => {
    const id = run({ action: 'answer' });
    await clock.advance(0);
    expect(media.calls).toEqual(['anchor']);
    expect(offer.leg).toBeDefined();
    expect(events.of('call.answered')).toEqual([
      { callId: 'call-1', legId: 'leg-caller', answeredBy: 'ivr' },
    ]);
    expect(events.completion(id)?.outcome).toBe('done');
    await clock.advance(10_000);
    expect(offer.rejected).toBeUndefined();
  });

  it('fails the command and keeps ringing when the media server refuses to anchor', async () => {
    media.failAnchor = true;
    const id = run({ action: 'answer' });
    await clock.advance(0);
    expect(events.completion(id)).toMatchObject({ outcome: 'failed', error: 'rtpengine down' });
    expect(session.state).toBe('offered');
  });
});

describe('prompts and digits', () => {
  it('plays prompts one after the other, answering first, and completes when the last one ends', async () => {
    const id = run({
      action: 'play',
      prompts: [
        { kind: 'tts', text: 'hello' },
        { kind: 'silence', ms: 500 },
        { kind: 'prompt', promptId: 'p1' },
      ],
      bargeIn: false,
      loop: false,
    });
    await clock.advance(0);
    expect(media.calls).toEqual(['anchor', 'play:/tts/hello.wav']);
    await clock.advance(1000 + 500);
    expect(media.calls.at(-1)).toBe('play:/prompts/p1.wav');
    expect(events.completion(id)).toBeUndefined();
    await clock.advance(1000);
    expect(events.completion(id)?.outcome).toBe('done');
  });

  it('stops a barge-in prompt at the first key and keeps the key for the next collect', async () => {
    const play = run({
      action: 'play',
      prompts: [{ kind: 'tts', text: 'menu' }],
      bargeIn: true,
      loop: false,
    });
    await clock.advance(100);
    session.dtmf('2');
    await clock.advance(0);
    expect(media.calls).toContain('stopPlay');
    expect(events.completion(play)).toMatchObject({ outcome: 'interrupted', digits: '2' });
    const collect = run({
      action: 'collect',
      prompts: [],
      bargeIn: true,
      digits: { ...digitRules, maxDigits: 1 },
    });
    await clock.advance(0);
    expect(events.completion(collect)).toMatchObject({ outcome: 'done', digits: '2' });
  });

  it('lets a prompt without barge-in play on over keys', async () => {
    const play = run({
      action: 'play',
      prompts: [{ kind: 'tts', text: 'legal' }],
      bargeIn: false,
      loop: false,
    });
    await clock.advance(100);
    session.dtmf('5');
    await clock.advance(0);
    expect(media.calls).not.toContain('stopPlay');
    await clock.advance(1000);
    expect(events.completion(play)?.outcome).toBe('done');
  });

  it('collects digits up to the terminator after the prompt, without the terminator', async () => {
    const id = run({
      action: 'collect',
      prompts: [{ kind: 'tts', text: 'account' }],
      bargeIn: true,
      digits: digitRules,
    });
    await clock.advance(1000);
    session.dtmf('4');
    session.dtmf('2');
    session.dtmf('#');
    await clock.advance(0);
    expect(events.completion(id)).toMatchObject({ action: 'collect', outcome: 'done', digits: '42' });
  });

  it('skips the rest of the prompts when the caller types over them', async () => {
    const id = run({
      action: 'collect',
      prompts: [
        { kind: 'tts', text: 'one' },
        { kind: 'tts', text: 'two' },
      ],
      bargeIn: true,
      digits: digitRules,
    });
    await clock.advance(200);
    session.dtmf('9');
    await clock.advance(3000);
    expect(media.calls.filter((c) => c.startsWith('play'))).toEqual(['play:/tts/one.wav']);
    expect(events.completion(id)).toMatchObject({ outcome: 'done', digits: '9' });
  });

  it('times out with no digits when the first-digit timer runs out after the prompt', async () => {
    const id = run({
      action: 'collect',
      prompts: [{ kind: 'tts', text: 'account' }],
      bargeIn: true,
      digits: digitRules,
    });
    await clock.advance(1000 + 4999);
    expect(events.completion(id)).toBeUndefined();
    await clock.advance(1);
    expect(events.completion(id)).toMatchObject({ outcome: 'timeout' });
    expect(events.completion(id)?.digits).toBeUndefined();
  });

  it('ends input on the inter-digit timer: done with enough digits, timeout with too few', async () => {
    const enough = run({
      action: 'collect',
      prompts: [],
      bargeIn: true,
      digits: { ...digitRules, minDigits: 2 },
    });
    await clock.advance(0);
    session.dtmf('1');
    session.dtmf('2');
    await clock.advance(2000);
    expect(events.completion(enough)).toMatchObject({ outcome: 'done', digits: '12' });
    const short = run({
      action: 'collect',
      prompts: [],
      bargeIn: true,
      digits: { ...digitRules, minDigits: 3 },
    });
    await clock.advance(0);
    session.dtmf('7');
    await clock.advance(2000);
    expect(events.completion(short)).toMatchObject({ outcome: 'timeout', digits: '7' });
  });

  it('interrupts a running prompt when the next media command arrives', async () => {
    const first = run({
      action: 'play',
      prompts: [{ kind: 'tts', text: 'long' }],
      bargeIn: false,
      loop: true,
    });
    await clock.advance(300);
    const second = run({
      action: 'play',
      prompts: [{ kind: 'tts', text: 'short' }],
      bargeIn: false,
      loop: false,
    });
    await clock.advance(0);
    expect(events.completion(first)?.outcome).toBe('interrupted');
    await clock.advance(1000);
    expect(events.completion(second)?.outcome).toBe('done');
  });

  it('stops what plays on stop-media', async () => {
    const play = run({ action: 'play', prompts: [{ kind: 'tts', text: 'x' }], bargeIn: false, loop: true });
    await clock.advance(100);
    const stop = run({ action: 'stop-media' });
    await clock.advance(0);
    expect(events.completion(play)?.outcome).toBe('interrupted');
    expect(events.completion(stop)?.outcome).toBe('done');
    expect(media.calls).toContain('stopPlay');
  });

  it('plays music on hold on repeat', async () => {
    const id = run({ action: 'music-on-hold', on: true });
    await clock.advance(0);
    expect(media.calls).toContain('play:/moh.wavx1000');
    expect(events.completion(id)?.outcome).toBe('done');
  });
});

describe('bridging to a party', () => {
  it('rings the agent with the media offer, connects on answer and reports answered and bridged', async () => {
    run({ action: 'music-on-hold', on: true });
    await clock.advance(0);
    const leg = await bridged('agent-1');
    expect(dialer.last.target).toEqual({ kind: 'agent', aor: 'agent-1@t1.example', webrtc: false });
    expect(media.calls).toEqual([
      'anchor',
      'play:/moh.wavx1000',
      'offerToParty',
      'connectParty:v=0 party-answer',
      'stopPlay',
      'unblock:caller',
    ]);
    expect(events.of('call.answered').at(-1)).toEqual({
      callId: 'call-1',
      legId: leg.legId,
      answeredBy: 'agent',
      agentId: 'agent-1',
    });
    expect(events.of('call.bridged')).toEqual([
      { callId: 'call-1', legIds: ['leg-caller', leg.legId], agentId: 'agent-1' },
    ]);
  });

  it('offers DTLS-SRTP media to an agent who registered from a browser', async () => {
    directory.webrtc = true;
    run(bridgeTo('agent-1'));
    await clock.advance(0);
    expect(media.calls).toContain('offerToParty:webrtc');
  });

  for (const [status, outcome] of [
    [486, 'busy'],
    [603, 'rejected'],
    [480, 'no-answer'],
    [500, 'failed'],
  ] as const) {
    it(`reports ${status} from the agent as ${outcome} and puts the caller back on the inner side`, async () => {
      const id = run(bridgeTo('agent-1'));
      await clock.advance(0);
      dialer.last.fail(status);
      await clock.advance(0);
      expect(events.completion(id)?.outcome).toBe(outcome);
      expect(media.calls.at(-1)).toBe('disconnectParty');
      expect(session.state).toBe('answered');
    });
  }

  it('cancels the ring after ringTimeoutMs and reports no-answer', async () => {
    const id = run(bridgeTo('agent-1', 3000));
    await clock.advance(2999);
    expect(dialer.last.cancelled).toBe(false);
    await clock.advance(1);
    expect(dialer.last.cancelled).toBe(true);
    expect(events.completion(id)?.outcome).toBe('no-answer');
  });

  it('a newer bridge while one still rings cancels the older ring and rings the new agent', async () => {
    // The ACD took its offer back (it never heard how the ring ended) and offers the call anew.
    const older = run(bridgeTo('agent-1'));
    await clock.advance(0);
    const first = dialer.last;
    const newer = run(bridgeTo('agent-2'));
    await clock.advance(0);
    expect(first.cancelled).toBe(true);
    expect(events.completion(older)?.outcome).toBe('no-answer');
    expect(dialer.attempts).toHaveLength(2);
    dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(newer)?.outcome).toBe('done');
    expect(events.of('call.bridged')).toHaveLength(1);
  });

  it('fails a bridge to an agent without a SIP address', async () => {
    const id = run(bridgeTo('ghost'));
    await clock.advance(0);
    expect(events.completion(id)).toMatchObject({
      outcome: 'failed',
      error: 'no SIP address for agent ghost',
    });
    expect(dialer.attempts).toHaveLength(0);
  });

  it('cancels the ringing agent when the caller hangs up while queued', async () => {
    const id = run(bridgeTo('agent-1'));
    await clock.advance(0);
    offer.leg!.remoteBye();
    await clock.advance(0);
    expect(dialer.last.cancelled).toBe(true);
    expect(events.completion(id)?.outcome).toBe('call-gone');
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'caller-hangup', by: 'caller' });
    expect(media.calls.at(-1)).toBe('release');
  });

  it('ends the call when the agent hangs up, hanging up the caller', async () => {
    const leg = await bridged();
    leg.remoteBye();
    await clock.advance(0);
    expect(offer.leg!.hungUp).toBe(true);
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'agent-hangup', by: 'agent' });
  });

  it('hangs up both legs on a hangup command and releases the media', async () => {
    const leg = await bridged();
    const id = run({ action: 'hangup', cause: 'force-released' });
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(offer.leg!.hungUp).toBe(true);
    expect(leg.hungUp).toBe(true);
    expect(media.calls.at(-1)).toBe('release');
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'force-released', by: 'system' });
  });

  it('holds the bridged caller with music and resumes', async () => {
    await bridged();
    const hold = run({ action: 'hold', legId: 'leg-caller' }, 'api');
    await clock.advance(0);
    expect(events.completion(hold)?.outcome).toBe('done');
    expect(media.calls.slice(-3)).toEqual(['block:caller', 'block:party', 'play:/moh.wavx1000']);
    expect(events.of('call.held')).toEqual([{ callId: 'call-1', legId: 'leg-caller', by: 'agent' }]);
    const resume = run({ action: 'resume', legId: 'leg-caller' }, 'api');
    await clock.advance(0);
    expect(events.completion(resume)?.outcome).toBe('done');
    expect(media.calls.slice(-3)).toEqual(['stopPlay', 'unblock:party', 'unblock:caller']);
    expect(events.of('call.resumed')).toHaveLength(1);
  });

  it('refuses to hold a leg the call does not have', async () => {
    await bridged();
    const id = run({ action: 'hold', legId: 'leg-nope' });
    await clock.advance(0);
    expect(events.completion(id)).toMatchObject({
      outcome: 'failed',
      error: 'no leg leg-nope on call call-1',
    });
  });

  it('transfers blind: the first agent is hung up without ending the call, the second is bridged', async () => {
    const first = await bridged('agent-1');
    const id = run({ action: 'transfer', kind: 'blind', target: { type: 'agent', agentId: 'agent-2' } });
    await clock.advance(0);
    expect(first.hungUp).toBe(true);
    expect(events.of('call.transferred')).toEqual([
      {
        callId: 'call-1',
        kind: 'blind',
        fromAgentId: 'agent-1',
        target: { type: 'agent', agentId: 'agent-2' },
      },
    ]);
    first.remoteBye();
    dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(events.of('call.bridged').at(-1)?.agentId).toBe('agent-2');
    expect(events.of('call.ended')).toHaveLength(0);
  });

  it('recalls a blind transfer nobody answers: the caller goes back to the agent who transferred them', async () => {
    const first = await bridged('agent-1');
    const id = run({ action: 'transfer', kind: 'blind', target: { type: 'agent', agentId: 'agent-2' } });
    await clock.advance(0);
    first.remoteBye();
    // agent-2 rings for the transfer ring time and is cancelled.
    await clock.advance(20_000);
    expect(dialer.attempts.at(-2)?.cancelled).toBe(true);
    expect(events.completion(id)?.outcome).toBe('no-answer');
    expect(events.of('call.transferred').at(-1)).toEqual({
      callId: 'call-1',
      kind: 'blind',
      fromAgentId: 'agent-2',
      target: { type: 'agent', agentId: 'agent-1' },
    });
    expect(dialer.last.target).toEqual({ kind: 'agent', aor: 'agent-1@t1.example', webrtc: false });
    dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(`${id}.recall`)).toMatchObject({ action: 'bridge', outcome: 'done' });
    expect(events.of('call.bridged').at(-1)?.agentId).toBe('agent-1');
    expect(events.of('call.ended')).toHaveLength(0);
  });

  it('ends a recalled call the transferring agent does not take back either', async () => {
    const first = await bridged('agent-1');
    run({ action: 'transfer', kind: 'blind', target: { type: 'agent', agentId: 'agent-2' } });
    await clock.advance(0);
    first.remoteBye();
    dialer.last.fail(486);
    await clock.advance(0);
    expect(dialer.last.target).toMatchObject({ aor: 'agent-1@t1.example' });
    dialer.last.fail(480);
    await clock.advance(0);
    expect(events.of('call.ended')).toMatchObject([{ callId: 'call-1', cause: 'failed', by: 'system' }]);
    expect(offer.leg?.hungUp).toBe(true);
  });

  it('does not recall when the caller hung up during the transfer', async () => {
    const first = await bridged('agent-1');
    run({ action: 'transfer', kind: 'blind', target: { type: 'agent', agentId: 'agent-2' } });
    await clock.advance(0);
    first.remoteBye();
    const dialled = dialer.attempts.length;
    offer.leg?.remoteBye();
    await clock.advance(0);
    expect(dialer.attempts).toHaveLength(dialled);
    expect(events.of('call.transferred')).toHaveLength(1);
  });

  it('transfers to a queue: the agent is released, the caller hears music, and the ACD’s next offer is bridged', async () => {
    const first = await bridged('agent-1');
    const dialled = dialer.attempts.length;
    const id = 'cmd-to-queue';
    session.execute({
      commandId: id,
      requestedBy: 'api',
      command: { action: 'transfer', kind: 'blind', target: { type: 'queue', queueId: 'q-billing' } },
      queue: { queueId: 'q-billing', priority: 20, skills: [{ skill: 'billing', minLevel: 2 }] },
    });
    await clock.advance(0);
    expect(first.hungUp).toBe(true);
    first.remoteBye();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(events.of('call.transferred')).toEqual([
      {
        callId: 'call-1',
        kind: 'blind',
        fromAgentId: 'agent-1',
        target: { type: 'queue', queueId: 'q-billing' },
      },
    ]);
    expect(events.of('queue.joined')).toEqual([
      {
        callId: 'call-1',
        queueId: 'q-billing',
        priority: 20,
        skills: [{ skill: 'billing', minLevel: 2 }],
        position: 1,
      },
    ]);
    expect(dialer.attempts).toHaveLength(dialled);
    expect(media.calls.at(-1)).toBe('play:/moh.wavx1000');
    expect(events.of('call.ended')).toHaveLength(0);
    await bridged('agent-2');
    expect(events.of('call.bridged').at(-1)?.agentId).toBe('agent-2');
  });

  it('transfers to an IVR flow: the agent is released and the caller waits on music for the IVR, no queue joined', async () => {
    const first = await bridged('agent-1');
    const id = run(
      { action: 'transfer', kind: 'blind', target: { type: 'flow', flowId: 'flow-survey' } },
      'api',
    );
    await clock.advance(0);
    first.remoteBye();
    await clock.advance(0);
    expect(first.hungUp).toBe(true);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(events.of('call.transferred')).toEqual([
      {
        callId: 'call-1',
        kind: 'blind',
        fromAgentId: 'agent-1',
        target: { type: 'flow', flowId: 'flow-survey' },
      },
    ]);
    expect(events.of('queue.joined')).toHaveLength(0);
    expect(media.calls.at(-1)).toBe('play:/moh.wavx1000');
    expect(events.of('call.ended')).toHaveLength(0);
  });

  it('refuses a consultative transfer to a queue and keeps the agent on the call', async () => {
    const first = await bridged('agent-1');
    const id = run({ action: 'transfer', kind: 'consultative', target: { type: 'queue', queueId: 'q-1' } });
    await clock.advance(0);
    expect(events.completion(id)).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/blind/) });
    expect(first.hungUp).toBe(false);
    expect(events.of('call.transferred')).toHaveLength(0);
    expect(events.of('queue.joined')).toHaveLength(0);
  });

  it('lets a supervisor listen: both sides copied to the supervisor, who is hung up with the call', async () => {
    await bridged();
    const id = run({ action: 'supervise', mode: 'listen', supervisorId: 'sup-1' });
    await clock.advance(0);
    expect(media.calls.at(-1)).toBe('listen');
    expect(dialer.last.target).toEqual({ kind: 'agent', aor: 'sup-1@t1.example', webrtc: false });
    const supervisor = dialer.last.answer();
    await clock.advance(0);
    expect(media.calls.at(-1)).toBe('confirmListen:sub-1:v=0 party-answer');
    expect(events.completion(id)?.outcome).toBe('done');
    run({ action: 'hangup', cause: 'normal' });
    await clock.advance(0);
    expect(supervisor.hungUp).toBe(true);
  });

  it('stops the copy when the listening supervisor hangs up, and the call goes on', async () => {
    await bridged();
    run({ action: 'supervise', mode: 'listen', supervisorId: 'sup-1' });
    await clock.advance(0);
    const supervisor = dialer.last.answer();
    await clock.advance(0);
    supervisor.remoteBye();
    await clock.advance(0);
    expect(media.calls.at(-1)).toBe('stopListening:sub-1');
    expect(session.state).toBe('answered');
  });

  it('lets a supervisor take the call over from the agent', async () => {
    const agent = await bridged('agent-1');
    const id = run({ action: 'supervise', mode: 'take-over', supervisorId: 'sup-1' });
    await clock.advance(0);
    expect(agent.hungUp).toBe(true);
    dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(events.of('call.bridged').at(-1)?.agentId).toBe('sup-1');
  });
});

describe('after the end', () => {
  it('answers every later command with call-gone', async () => {
    offer.cancel();
    await settle();
    const id = run({ action: 'play', prompts: [{ kind: 'tts', text: 'late' }], bargeIn: false, loop: false });
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('call-gone');
    expect(media.calls).toEqual([]);
  });

  it('reports a running collect as call-gone when the caller hangs up', async () => {
    const id = run({ action: 'collect', prompts: [], bargeIn: true, digits: digitRules });
    await clock.advance(100);
    offer.leg!.remoteBye();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('call-gone');
    expect(events.of('call.ended')[0]).toMatchObject({
      cause: 'caller-hangup',
      by: 'caller',
      durationMs: 100,
    });
  });
});

describe('a call an agent places', () => {
  beforeEach(() => {
    events.events.length = 0;
    offer = new FakeOffer();
    session = new CallSession(sessionDeps, offer, {
      callId: 'call-2',
      callerLegId: 'leg-a',
      tenantId: 't1',
      direction: 'internal',
    });
  });

  const dialAgent2 = () =>
    session.startDirect(
      { type: 'agent', agentId: 'agent-2' },
      { kind: 'agent', aor: 'agent2@t1.example', webrtc: false },
      20_000,
    );

  it('rings the colleague at once and answers the caller only when the colleague answers', async () => {
    dialAgent2();
    await clock.advance(0);
    expect(events.of('call.offered')[0]).toMatchObject({ callId: 'call-2', direction: 'internal' });
    expect(media.calls).toEqual(['anchorDirect']);
    expect(offer.leg).toBeUndefined();
    const leg = dialer.last.answer();
    await clock.advance(0);
    expect(media.calls).toEqual(['anchorDirect', 'completeDirect:v=0 party-answer']);
    expect(offer.leg).toBeDefined();
    expect(events.of('call.answered')).toEqual([
      { callId: 'call-2', legId: leg.legId, answeredBy: 'agent', agentId: 'agent-2' },
    ]);
    expect(events.of('call.bridged')[0]?.legIds).toEqual(['leg-a', leg.legId]);
  });

  it("hands the colleague's refusal back to the caller and ends the call as busy", async () => {
    dialAgent2();
    await clock.advance(0);
    dialer.last.fail(486);
    await clock.advance(0);
    expect(offer.rejected).toBe(486);
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'busy', by: 'agent', sipStatus: 486 });
    expect(media.calls.at(-1)).toBe('release');
  });

  it('stops ringing the colleague when the caller gives up', async () => {
    dialAgent2();
    await clock.advance(0);
    offer.cancel();
    await clock.advance(0);
    expect(dialer.last.cancelled).toBe(true);
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'cancelled', by: 'caller' });
  });

  it('gives up ringing after the ring timeout with 480 to the caller', async () => {
    dialAgent2();
    await clock.advance(20_000);
    expect(dialer.last.cancelled).toBe(true);
    expect(offer.rejected).toBe(480);
    // (The inbound call of the outer setup timed out unanswered meanwhile: look at ours only.)
    expect(events.of('call.ended').find((e) => e.callId === 'call-2')).toMatchObject({ cause: 'no-answer' });
  });
});

describe('calls in the mixer', () => {
  const lastHearing = () => media.hearing.at(-1)!;

  async function supervise(mode: 'whisper' | 'barge') {
    const agent = await bridged('agent-1');
    const id = run({ action: 'supervise', mode, supervisorId: 'sup-1' });
    await clock.advance(0);
    const supervisor = dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    return { agent, supervisor };
  }

  it('lets a supervisor whisper: the agent hears the supervisor, the caller does not', async () => {
    const { agent, supervisor } = await supervise('whisper');
    expect(media.calls).toContain('mix');
    // The agent's phone is moved into the mix with a re-INVITE.
    expect(agent.reinvites).toEqual([`v=0 member-offer ${agent.legId}`]);
    expect(media.calls).toContain(`memberAnswer:${agent.legId}:v=0 reinvite-answer ${agent.legId}`);
    expect(lastHearing()).toEqual({
      caller: [agent.legId],
      [agent.legId]: ['caller', supervisor.legId],
      [supervisor.legId]: ['caller', agent.legId],
    });
  });

  it('lets a supervisor barge in: everyone hears everyone', async () => {
    const { agent, supervisor } = await supervise('barge');
    expect(lastHearing()).toEqual({
      caller: [agent.legId, supervisor.legId],
      [agent.legId]: ['caller', supervisor.legId],
      [supervisor.legId]: ['caller', agent.legId],
    });
  });

  it('goes back to caller and agent when the supervisor leaves', async () => {
    const { agent, supervisor } = await supervise('barge');
    supervisor.remoteBye();
    await clock.advance(0);
    expect(media.calls.at(-1)).toBe(`removeMember:${supervisor.legId}`);
    expect(lastHearing()).toEqual({ caller: [agent.legId], [agent.legId]: ['caller'] });
  });

  it('refuses whisper and barge on a call with nobody to coach', async () => {
    const id = run({ action: 'supervise', mode: 'whisper', supervisorId: 'sup-1' });
    await clock.advance(0);
    expect(events.completion(id)).toMatchObject({
      outcome: 'failed',
      error: 'nobody to whisper with: the call is not bridged',
    });
  });

  it('makes a three-way call of a second bridge, and mutes a member for the others', async () => {
    const agent = await bridged('agent-1');
    const id = run(bridgeTo('agent-2'));
    await clock.advance(0);
    const third = dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(events.of('call.bridged').at(-1)).toEqual({
      callId: 'call-1',
      legIds: ['leg-caller', third.legId],
      agentId: 'agent-2',
    });
    expect(lastHearing().caller).toEqual([agent.legId, third.legId]);
    run({ action: 'mute', legId: third.legId, muted: true });
    await clock.advance(0);
    expect(lastHearing()).toEqual({
      caller: [agent.legId],
      [agent.legId]: ['caller'],
      [third.legId]: ['caller', agent.legId],
    });
  });

  it('keeps a three-way call going with the third party when the agent leaves', async () => {
    const agent = await bridged('agent-1');
    run(bridgeTo('agent-2'));
    await clock.advance(0);
    const third = dialer.last.answer();
    await clock.advance(0);
    agent.remoteBye();
    await clock.advance(0);
    expect(events.of('call.ended')).toHaveLength(0);
    expect(lastHearing()).toEqual({ caller: [third.legId], [third.legId]: ['caller'] });
  });

  it('transfers attended: music for the caller while agent and target talk, then caller and target', async () => {
    const agent = await bridged('agent-1');
    const id = run({
      action: 'transfer',
      kind: 'consultative',
      target: { type: 'agent', agentId: 'agent-2' },
    });
    await clock.advance(0);
    expect(media.calls).toContain('feed:caller:/moh.wav');
    const target = dialer.last.answer();
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('done');
    expect(lastHearing()).toEqual({
      caller: [],
      [agent.legId]: [target.legId],
      [target.legId]: [agent.legId],
    });
    agent.remoteBye();
    await clock.advance(0);
    expect(media.calls.at(-1)).toBe('feed:caller:stop');
    expect(events.of('call.transferred')).toEqual([
      {
        callId: 'call-1',
        kind: 'consultative',
        fromAgentId: 'agent-1',
        target: { type: 'agent', agentId: 'agent-2' },
      },
    ]);
    expect(events.of('call.bridged').at(-1)).toMatchObject({
      legIds: ['leg-caller', target.legId],
      agentId: 'agent-2',
    });
    expect(lastHearing()).toEqual({ caller: [target.legId], [target.legId]: ['caller'] });
    target.remoteBye();
    await clock.advance(0);
    expect(events.of('call.ended')[0]).toMatchObject({ cause: 'agent-hangup', by: 'agent' });
  });

  it('puts the caller back with the agent when the consulted target hangs up', async () => {
    const agent = await bridged('agent-1');
    run({ action: 'transfer', kind: 'consultative', target: { type: 'agent', agentId: 'agent-2' } });
    await clock.advance(0);
    const target = dialer.last.answer();
    await clock.advance(0);
    target.remoteBye();
    await clock.advance(0);
    expect(media.calls.slice(-2)).toEqual([`removeMember:${target.legId}`, 'feed:caller:stop']);
    expect(lastHearing()).toEqual({ caller: [agent.legId], [agent.legId]: ['caller'] });
    expect(events.of('call.transferred')).toHaveLength(0);
  });

  it('reports a consultation target who does not answer, and the caller stays with the agent', async () => {
    const agent = await bridged('agent-1');
    const id = run({
      action: 'transfer',
      kind: 'consultative',
      target: { type: 'agent', agentId: 'agent-2' },
    });
    await clock.advance(0);
    dialer.last.fail(486);
    await clock.advance(0);
    expect(events.completion(id)?.outcome).toBe('busy');
    expect(lastHearing()).toEqual({ caller: [agent.legId], [agent.legId]: ['caller'] });
  });
});
