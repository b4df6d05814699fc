import type { EventBus } from '@hotline/event-bus';
import { describe, expect, it } from 'vitest';
import { BusCallEvents } from './bus-call-events';

/** A bus whose publishes complete when the test says so, recording what was published in what order. */
function slowBus() {
  const published: string[] = [];
  const waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  const bus = {
    publish: (records: { value: Buffer | string }[]) =>
      new Promise<void>((resolve, reject) => {
        for (const r of records) {
          const event = JSON.parse(r.value.toString()) as { type: string; data: { commandId?: string } };
          published.push(`${event.type}:${event.data.commandId ?? ''}`);
        }
        waiting.push({ resolve, reject });
      }),
  } as unknown as EventBus;
  return { bus, published, waiting };
}

const completed = (commandId: string) => ({
  commandId,
  callId: 'call-1',
  action: 'play',
  outcome: 'done' as const,
});
const tick = () => new Promise((r) => setImmediate(r));

describe('BusCallEvents', () => {
  it("publishes a call's events one at a time, in the order they were emitted", async () => {
    const { bus, published, waiting } = slowBus();
    const events = new BusCallEvents(bus);
    const first = events.emit('call.command.completed', 'tenant-1', completed('cmd-1'));
    const second = events.emit('call.command.completed', 'tenant-1', completed('cmd-2'));
    await tick();
    expect(published).toEqual(['call.command.completed:cmd-1']);
    waiting[0]!.resolve();
    await first;
    await tick();
    expect(published).toEqual(['call.command.completed:cmd-1', 'call.command.completed:cmd-2']);
    waiting[1]!.resolve();
    await second;
  });

  it('still publishes the next event of a call when one before it failed, and flush waits for both', async () => {
    const { bus, published, waiting } = slowBus();
    const events = new BusCallEvents(bus);
    const first = events.emit('call.command.completed', 'tenant-1', completed('cmd-1'));
    const second = events.emit('call.command.completed', 'tenant-1', completed('cmd-2'));
    let flushed = false;
    const flush = events.flush().then(() => (flushed = true));
    await tick();
    waiting[0]!.reject(new Error('broker down'));
    await expect(first).rejects.toThrow('broker down');
    await tick();
    expect(published).toHaveLength(2);
    expect(flushed).toBe(false);
    waiting[1]!.resolve();
    await second;
    await flush;
    expect(flushed).toBe(true);
  });
});
