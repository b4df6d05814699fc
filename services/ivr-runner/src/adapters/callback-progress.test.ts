import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeEvent, type EventData } from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyCallbackProgress, type CallbackRequestDoc } from './callback-progress';

let dir: string;
let store: DocumentStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'callback-progress-'));
  store = await openEmbeddedStore({ dir });
  await store.collection<CallbackRequestDoc>('ivr-callbacks').insert({
    _id: 'cb-1',
    tenantId: 't1',
    status: 'pending',
    number: '+15550122',
  } as Omit<CallbackRequestDoc, '_rev'>);
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const base = { callId: 'cb-1.call', callbackId: 'cb-1', queueId: 'sales' };
const attempted = (data: Partial<EventData<'callback.attempted'>>, tenantId = 't1') =>
  makeEvent({
    type: 'callback.attempted',
    tenantId,
    source: 'acd-router',
    data: { ...base, attempt: 1, agentId: 'ann', result: 'no-answer', ...data },
  });
const ended = (data: Partial<EventData<'callback.ended'>>) =>
  makeEvent({
    type: 'callback.ended',
    tenantId: 't1',
    source: 'acd-router',
    data: { ...base, outcome: 'connected', attempts: 1, ...data },
  });
const doc = () => store.collection<CallbackRequestDoc>('ivr-callbacks').get('cb-1');

describe("a callback request follows the ACD's attempts", () => {
  it('an unanswered attempt with attempts left schedules the retry, then the caller is connected', async () => {
    const retryAt = '2026-11-28T13:05:00.000Z';
    expect(await applyCallbackProgress(store, attempted({ retryAt }))).toBe('retry-scheduled');
    expect(await doc()).toMatchObject({
      status: 'retry-scheduled',
      attempts: 1,
      lastResult: 'no-answer',
      retryAt,
    });
    await applyCallbackProgress(store, attempted({ attempt: 2, result: 'answered', agentId: 'ben' }));
    const connecting = await doc();
    expect(connecting).toMatchObject({
      status: 'connecting',
      attempts: 2,
      agentId: 'ben',
      callbackCallId: 'cb-1.call',
    });
    expect(connecting?.retryAt).toBeUndefined();
    await applyCallbackProgress(store, ended({ attempts: 2, agentId: 'ben' }));
    expect(await doc()).toMatchObject({ status: 'connected', attempts: 2, number: '+15550122' });
  });

  it('a final status stands: a redelivered attempt does not reopen it', async () => {
    await applyCallbackProgress(store, ended({ outcome: 'unreached', attempts: 3 }));
    expect(await applyCallbackProgress(store, attempted({ retryAt: '2026-11-28T13:05:00.000Z' }))).toBe(
      'already-final',
    );
    expect(await doc()).toMatchObject({ status: 'unreached', attempts: 3 });
  });

  it("leaves another tenant's request alone", async () => {
    expect(await applyCallbackProgress(store, attempted({}, 't2'))).toBe('unknown-request');
    expect(await doc()).toMatchObject({ status: 'pending' });
  });
});
