import { describe, expect, it } from 'vitest';
import { Harness, T } from '../../test/harness';

const FIRST = '00-11111111111111111111111111111111-1111111111111111-01';
const SECOND = '00-22222222222222222222222222222222-2222222222222222-01';

const joined = (callId: string) => ({ callId, queueId: 'q1', priority: 0, skills: [], position: 1 });

describe('ACD: one trace per call', () => {
  it('rings for a waiting call in its own trace, although the end of another call freed the agent', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.acd.join(T, joined('c1'), FIRST);
    await h.answer('c1');
    await h.acd.join(T, joined('c2'), SECOND);
    h.sink.clear();

    await h.acd.ended(T, 'c1', FIRST);

    expect(await h.agentOf('c2')).toBe('anna');
    const ofSecond = h.sink.events.filter((e) => (e.data as { callId?: string }).callId === 'c2');
    expect(ofSecond.map((e) => e.type)).toEqual(
      expect.arrayContaining(['agent.reserved', 'call.command.requested']),
    );
    expect(ofSecond.map((e) => [e.type, e.traceparent])).toEqual(ofSecond.map((e) => [e.type, SECOND]));
  });

  it("takes back an offer the edge never answered for in the call's trace, though a timer did it", async () => {
    const h = new Harness();
    const queue = h.queue('q1');
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.acd.join(T, joined('c1'), FIRST);
    expect(await h.agentOf('c1')).toBe('anna');
    h.sink.clear();

    await h.advance(queue.ringTimeoutMs + 60_000);

    const ended = h.sink.events.filter((e) => e.type === 'agent.reservation.ended');
    expect(ended.map((e) => [e.data, e.traceparent])).toEqual([
      [expect.objectContaining({ callId: 'c1', outcome: 'timeout' }), FIRST],
    ]);
  });
});
