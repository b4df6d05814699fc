import { beforeEach, describe, expect, it } from 'vitest';
import type { CallSession, CallSessionDeps } from './call-session';
import { originateCall, originateOutcomeOf, type OriginateRequest } from './originate-call';
import {
  FakeDialer,
  FakeDirectory,
  fakeSessionDeps,
  FakeMedia,
  ManualClock,
  RecordedEvents,
  settle,
} from './testing/fakes';

let clock: ManualClock;
let media: FakeMedia;
let dialer: FakeDialer;
let events: RecordedEvents;
let deps: CallSessionDeps;
let adopted: CallSession[];

beforeEach(() => {
  clock = new ManualClock();
  media = new FakeMedia();
  dialer = new FakeDialer();
  events = new RecordedEvents();
  adopted = [];
  deps = fakeSessionDeps({ media, dialer, directory: new FakeDirectory(), events, timers: clock });
});

const request: OriginateRequest = {
  tenantId: 't1',
  callId: 'cb-1.call',
  commandId: 'dial-r1',
  requestedBy: 'acd-router',
  command: { action: 'originate', number: '+15550122', callerId: '+15550100', ringTimeoutMs: 30_000 },
};

function place() {
  return originateCall(deps, request, async (session) => {
    // The call is held before its first event goes out.
    expect(events.events).toEqual([]);
    adopted.push(session);
  });
}

describe('placing a call (originate)', () => {
  it('dials the number from the caller id, and an answer is a call like an answered caller', async () => {
    const placed = place();
    await settle();
    const attempt = dialer.originated[0]!;
    expect(attempt).toMatchObject({ number: '+15550122', callerId: '+15550100' });
    const offer = attempt.answer();
    const session = await placed;
    expect(session).toBe(adopted[0]);
    expect(events.types()).toEqual(['call.offered', 'call.answered', 'call.command.completed']);
    expect(events.of('call.offered')[0]).toMatchObject({
      callId: 'cb-1.call',
      direction: 'outbound',
      ani: offer.ani,
      dnis: offer.dnis,
    });
    expect(events.of('call.answered')[0]).toMatchObject({ callId: 'cb-1.call', answeredBy: 'external' });
    expect(events.completion('dial-r1')).toMatchObject({ action: 'originate', outcome: 'done' });
    // The far end's offer was answered through the media server (anchored like a caller).
    expect(media.calls).toEqual(['anchor']);
    expect(offer.leg).toBeDefined();
    expect(session?.state).toBe('answered');
    // It takes the commands that follow like any call: a bridge rings the agent.
    session!.execute({
      commandId: 'r1',
      requestedBy: 'acd-router',
      command: { action: 'bridge', target: { type: 'agent', agentId: 'ann' }, ringTimeoutMs: 10_000 },
    });
    await settle();
    expect(dialer.attempts.map((a) => a.target)).toEqual([
      { kind: 'agent', aor: 'ann@t1.example', webrtc: false },
    ]);
  });

  it.each([
    [486, 'busy'],
    [600, 'busy'],
    [603, 'rejected'],
    [480, 'no-answer'],
    [404, 'failed'],
    [503, 'failed'],
  ] as const)(
    'a %i from the far end completes the command %s, and no call exists',
    async (status, outcome) => {
      const placed = place();
      await settle();
      dialer.originated[0]!.fail(status);
      expect(await placed).toBeNull();
      expect(adopted).toEqual([]);
      expect(events.types()).toEqual(['call.command.completed']);
      expect(events.completion('dial-r1')).toMatchObject({ outcome, error: `${status} nope` });
      expect(originateOutcomeOf(status)).toBe(outcome);
    },
  );

  it('gives up at the ring timeout: CANCEL, and the command completes no-answer', async () => {
    const placed = place();
    await clock.advance(29_999);
    expect(dialer.originated[0]!.cancelled).toBe(false);
    await clock.advance(1);
    expect(dialer.originated[0]!.cancelled).toBe(true);
    expect(await placed).toBeNull();
    expect(events.completion('dial-r1')).toMatchObject({ outcome: 'no-answer' });
  });

  it('an answer whose media cannot be anchored hangs up and completes failed', async () => {
    media.failAnchor = true;
    const placed = place();
    await settle();
    const offer = dialer.originated[0]!.answer();
    await placed;
    expect(offer.rejected).toBe(500);
    expect(events.completion('dial-r1')).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('rtpengine down'),
    });
    expect(events.of('call.ended')[0]).toMatchObject({ callId: 'cb-1.call', cause: 'failed' });
  });

  it('an originate for a call that exists is refused, and the call is left as it is', async () => {
    const placed = place();
    await settle();
    dialer.originated[0]!.answer();
    const session = (await placed)!;
    session.execute({ commandId: 'again', requestedBy: 'acd-router', command: request.command });
    await settle();
    expect(events.completion('again')).toMatchObject({
      outcome: 'failed',
      error: 'call cb-1.call exists already',
    });
    expect(session.state).toBe('answered');
  });
});
