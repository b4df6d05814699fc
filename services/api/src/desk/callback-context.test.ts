import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withCallbackContext } from './callback-context';
import { emptyReadModel, type CallContextView, type DeskReadModel } from './desk-read-model';

let dir: string;
let store: DocumentStore;

const origin: CallContextView = {
  callId: 'call-origin',
  ani: '+15550122',
  dnis: '+15550100',
  hotlineId: 'h1',
  queueId: 'sales',
  attached: { account: '4711' },
  history: [{ callId: 'call-older', outcome: 'answered' }],
};

const reporting: DeskReadModel = {
  ...emptyReadModel,
  callContext: async (tenantId, callId) => (tenantId === 't1' && callId === 'call-origin' ? origin : null),
};

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'callback-context-'));
  store = await openEmbeddedStore({ dir });
  await store.collection<{ _id: string; _rev: number } & Record<string, unknown>>('ivr-callbacks').insert({
    _id: 'cb-run1-3',
    tenantId: 't1',
    callId: 'call-origin',
    number: '+15550122',
    callerId: '+15550100',
    queueId: 'sales',
    requestedAt: '2026-11-28T12:00:00.000Z',
    status: 'pending',
  });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a callback's screen pop", () => {
  it('shows the context of the call that asked for it, the number called back and the request', async () => {
    const model = withCallbackContext(reporting, store);
    expect(await model.callContext('t1', 'cb-run1-3.call')).toEqual({
      callId: 'cb-run1-3.call',
      ani: '+15550122',
      dnis: '+15550100',
      hotlineId: 'h1',
      queueId: 'sales',
      attached: {
        account: '4711',
        callback: {
          callbackId: 'cb-run1-3',
          requestedBy: 'call-origin',
          requestedAt: '2026-11-28T12:00:00.000Z',
          attempts: 0,
        },
      },
      history: [{ callId: 'call-older', outcome: 'answered' }],
    });
  });

  it('keeps every other view of a read model whose methods live on its prototype', async () => {
    class Reporting {
      private readonly queues = [{ queueId: 'sales' }];
      async realtimeQueues() {
        return this.queues as never;
      }
      async realtimeAgents() {
        return [];
      }
      async realtimeAgent() {
        return null;
      }
      async waitingCalls() {
        return [];
      }
      async callContext() {
        return null;
      }
    }
    const model = withCallbackContext(new Reporting(), store);
    expect(await model.realtimeQueues('t1')).toEqual([{ queueId: 'sales' }]);
    expect(await model.realtimeAgent?.('t1', 'ann')).toBeNull();
    expect(await model.waitingCalls('t1')).toEqual([]);
  });

  it("leaves other calls, and another tenant's callbacks, to the read model", async () => {
    const model = withCallbackContext(reporting, store);
    expect(await model.callContext('t1', 'call-origin')).toBe(origin);
    expect(await model.callContext('t2', 'cb-run1-3.call')).toBeNull();
    expect(await model.callContext('t1', 'cb-unknown.call')).toBeNull();
  });
});
