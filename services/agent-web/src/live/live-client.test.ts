import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveClient, type LiveConnection } from './live-client';
import type { LiveEvent } from './live-types';

/** A stand-in for the browser's EventSource: the test plays the server. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  onerror: ((ev: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((ev: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  addEventListener(kind: string, f: (ev: MessageEvent<string>) => void) {
    this.listeners.set(kind, [...(this.listeners.get(kind) ?? []), f]);
  }
  close() {
    this.closed = true;
  }
  emit(kind: string, data: unknown) {
    for (const f of this.listeners.get(kind) ?? []) f({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
  fail(data?: unknown) {
    this.onerror?.(
      (data === undefined ? { type: 'error' } : { type: 'error', data: JSON.stringify(data) }) as Event,
    );
  }
}

const snapshot = { agents: [], queues: [], waiting: [] };
let events: LiveEvent[];
let states: { state: LiveConnection; detail?: string }[];
let valid: boolean;

function client() {
  return new LiveClient({
    baseUrl: 'http://api',
    token: () => 'tok en',
    onEvent: (e) => events.push(e),
    onConnection: (state, detail) => states.push({ state, ...(detail ? { detail } : {}) }),
    sessionValid: async () => valid,
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('EventSource', FakeEventSource);
  FakeEventSource.opened = [];
  events = [];
  states = [];
  valid = true;
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('the live channel client', () => {
  it('opens /v1/live with the token in the query and is open once the snapshot arrives', () => {
    client().start();
    const es = FakeEventSource.opened[0]!;
    expect(es.url).toBe('http://api/v1/live?access_token=tok%20en');
    expect(states.at(-1)?.state).toBe('connecting');
    es.emit('snapshot', snapshot);
    expect(states.at(-1)?.state).toBe('open');
    expect(events[0]?.kind).toBe('snapshot');
  });

  it('after a drop, checks the session and reconnects with backoff, resyncing from a new snapshot', async () => {
    client().start();
    FakeEventSource.opened[0]!.emit('snapshot', snapshot);
    FakeEventSource.opened[0]!.fail();
    expect(FakeEventSource.opened[0]!.closed).toBe(true);
    expect(states.at(-1)?.state).toBe('retrying');
    expect(FakeEventSource.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.opened).toHaveLength(2);
    FakeEventSource.opened[1]!.emit('snapshot', snapshot);
    expect(states.at(-1)?.state).toBe('open');
    expect(events.filter((e) => e.kind === 'snapshot')).toHaveLength(2);
  });

  it('waits longer after each failed attempt', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1);
    client().start();
    FakeEventSource.opened[0]!.fail();
    await vi.advanceTimersByTimeAsync(1000);
    FakeEventSource.opened[1]!.fail();
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeEventSource.opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeEventSource.opened).toHaveLength(3);
  });

  it('does not reconnect once the session is gone', async () => {
    valid = false;
    client().start();
    FakeEventSource.opened[0]!.fail({ code: 'token_expired', message: 'the session expired: sign in again' });
    expect(states.at(-1)?.detail).toMatch(/^the session expired: sign in again; reconnecting/);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it('stop closes the stream and cancels a pending retry', async () => {
    const c = client();
    c.start();
    FakeEventSource.opened[0]!.fail();
    c.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
    expect(states.at(-1)?.state).toBe('closed');
  });
});
