import { eventTypes, makeEvent, type HotlineEvent } from '@hotline/contracts';
import { demoMenuFlow, flowDocumentSchema, type CallFlowState } from '@hotline/flows';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { createLogger } from '@hotline/platform';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLiveCallStates } from '../adapters/live-call-states';
import { CallRunner, CallStateConflictError, ivrEventTypes } from './call-runner';
import type { CallStates } from './ports';
import {
  CollectingOutcomes,
  CollectingSink,
  FakeCatalog,
  completed,
  noTenantConfig,
  offered,
  tenantId,
} from './test-edge';

const demo = flowDocumentSchema.parse(demoMenuFlow);
// A Monday at 10:00 in Berlin: the demo hotline is open.
const clock = () => new Date('2026-03-02T09:00:00Z');
const log = createLogger({ service: 'ivr-test', level: 'silent' });

let live: LiveState;
let sink: CollectingSink;
let outcomes: CollectingOutcomes;
let catalog: FakeCatalog;

beforeEach(() => {
  live = createMemoryLiveState();
  sink = new CollectingSink();
  outcomes = new CollectingOutcomes();
  catalog = new FakeCatalog(new Map([['demo-menu', demo]]));
});
afterEach(() => live.close());

/** A fresh ivr-runner instance: nothing shared with others but live state and the bus. */
function instance(states: CallStates = createLiveCallStates(live)) {
  return new CallRunner({
    states,
    flows: catalog,
    tenants: noTenantConfig,
    outcomes,
    sink,
    http: async () => ({ ok: false, reason: 'no CRM in this test' }),
    clock,
    log,
  });
}

/** The SIP edge's side: completes the command the IVR asked for last. */
function completeLast(outcome: 'done' | 'timeout' = 'done', digits?: string) {
  return completed(sink.lastCommand()!, outcome, digits);
}

describe('ivr-runner call runner', () => {
  it('answers an offered call and keeps the position in live state', async () => {
    expect(await instance().handle(offered('call-1'))).toBe('stepped');
    expect(sink.lastCommand()).toMatchObject({
      callId: 'call-1',
      requestedBy: 'ivr-runner',
      command: { action: 'answer' },
    });
    const saved = JSON.parse((await live.get('ivr:call:call-1'))!) as CallFlowState;
    expect(saved).toMatchObject({ flowId: 'demo-menu', flowVersion: 1, status: 'running', nodeId: '' });
  });

  it('drives the demo menu to the sales queue through call-control commands only', async () => {
    const ivr = instance();
    await ivr.handle(offered('call-2'));
    await ivr.handle(completeLast()); // answered → welcome prompt
    await ivr.handle(completeLast()); // welcome played → business hours → menu
    expect(sink.lastCommand()?.command.action).toBe('collect');
    await ivr.handle(completeLast('done', '1'));
    const joined = sink.of('queue.joined');
    expect(joined.map((e) => e.data)).toEqual([
      expect.objectContaining({
        callId: 'call-2',
        queueId: 'sales',
        priority: 10,
        skills: [{ skill: 'sales', minLevel: 1 }],
      }),
    ]);
    expect(sink.lastCommand()).toMatchObject({
      command: { action: 'music-on-hold', on: true },
      queue: { queueId: 'sales' },
    });
    expect(sink.of('ivr.node.entered').map((e) => e.data.nodeId)).toEqual([
      'welcome',
      'hours',
      'main-menu',
      'sales-queue',
    ]);
  });

  it('resumes a call on a fresh instance after the first one is dropped mid-flow', async () => {
    let first: CallRunner | undefined = instance();
    await first.handle(offered('call-3'));
    await first.handle(completeLast());
    await first.handle(completeLast());
    await first.handle(completeLast('done', '7')); // invalid: the menu asks again
    first = undefined; // the instance dies; only live state remains

    const second = instance();
    expect(await second.handle(completeLast('done', '2'))).toBe('stepped');
    expect(
      sink.of('ivr.input.collected').map((e) => [e.data.digits, e.data.outcome, e.data.attempt]),
    ).toEqual([
      ['7', 'no-match', 1],
      ['2', 'match', 2],
    ]);
    expect(sink.of('queue.joined').map((e) => e.data.queueId)).toEqual(['support']);
    const saved = JSON.parse((await live.get('ivr:call:call-3'))!) as CallFlowState;
    expect(saved.path).toEqual(['welcome', 'hours', 'main-menu', 'support-lookup', 'support-queue']);
    expect(saved.status).toBe('queued');
  });

  it('ignores the same completion delivered twice', async () => {
    const ivr = instance();
    await ivr.handle(offered('call-4'));
    const answer = completeLast();
    await ivr.handle(answer);
    const before = sink.published.length;
    expect(await ivr.handle(answer)).toBe('ignored');
    expect(sink.published.length).toBe(before);
  });

  it('publishes the same ids when a step is replayed after a crash before its save', async () => {
    const states = createLiveCallStates(live);
    let crash = true;
    const crashing: CallStates = {
      load: (id) => states.load(id),
      save: async (state, version) => {
        if (crash) {
          crash = false;
          throw new Error('instance died before saving');
        }
        return states.save(state, version);
      },
    };
    const ivr = instance();
    await ivr.handle(offered('call-5'));
    const answer = completeLast();
    await expect(instance(crashing).handle(answer)).rejects.toThrow('instance died');
    const firstTry = sink.published.slice(-2).map((e) => e.id);
    await instance().handle(answer); // redelivered to another instance
    const replay = sink.published.slice(-2).map((e) => e.id);
    expect(replay).toEqual(firstTry);
  });

  it('refuses to save over a step another instance saved in between', async () => {
    const ivr = instance();
    await ivr.handle(offered('call-6'));
    const states = createLiveCallStates(live);
    const stale = (await states.load('call-6'))!;
    const answer = completeLast();
    await ivr.handle(answer);
    // A second instance read the state before the first saved, and steps the same completion.
    const racing: CallStates = { load: async () => stale, save: (s, v) => states.save(s, v) };
    await expect(instance(racing).handle(answer)).rejects.toBeInstanceOf(CallStateConflictError);
  });

  it('rejects a call whose mapped flow was never published', async () => {
    catalog = new FakeCatalog(new Map(), () => 'draft-only');
    expect(await instance().handle(offered('call-7'))).toBe('no-flow');
    expect(sink.lastCommand()?.command).toEqual({ action: 'hangup', cause: 'rejected' });
  });

  it('leaves calls to numbers no hotline takes alone', async () => {
    catalog = new FakeCatalog(new Map(), () => null);
    expect(await instance().handle(offered('call-8'))).toBe('not-ours');
    expect(sink.published).toEqual([]);
  });

  it('stops driving a call when the caller hangs up', async () => {
    const ivr = instance();
    await ivr.handle(offered('call-9'));
    const pending = completeLast();
    await ivr.handle(
      makeEvent({
        type: 'call.ended',
        tenantId,
        source: 'sip-edge',
        data: { callId: 'call-9', cause: 'caller-hangup', by: 'caller', durationMs: 900 },
      }),
    );
    expect(await ivr.handle(pending)).toBe('ignored');
    const saved = JSON.parse((await live.get('ivr:call:call-9'))!) as CallFlowState;
    expect(saved.status).toBe('ended');
  });

  it('takes a caller an agent sends back into IVR, with what the IVR collected before', async () => {
    const survey = flowDocumentSchema.parse({
      id: 'after-call',
      name: 'survey',
      start: 'thanks',
      nodes: [
        {
          id: 'thanks',
          type: 'play',
          prompts: [{ kind: 'tts', text: 'Thanks for choosing option {{ menu_choice }}.' }],
          next: 'end',
        },
        { id: 'end', type: 'hangup' },
      ],
    });
    catalog.flows.set('after-call', survey);
    const ivr = instance();
    await ivr.handle(offered('call-10'));
    await ivr.handle(completeLast());
    await ivr.handle(completeLast());
    await ivr.handle(completeLast('done', '1'));
    await ivr.handle(
      makeEvent({
        type: 'call.transferred',
        tenantId,
        source: 'acd-router',
        data: { callId: 'call-10', kind: 'blind', target: { type: 'flow', flowId: 'after-call' } },
      }),
    );
    expect(sink.lastCommand()?.command).toMatchObject({
      action: 'play',
      prompts: [{ kind: 'tts', text: 'Thanks for choosing option 1.' }],
    });
  });
});

// The IVR's group is handed only ivrEventTypes (the bus commits the others unread): every other
// type of the catalog must be one the runner leaves alone, or the filter would lose work.
describe('the event types the IVR subscribes to', () => {
  const passedOver = eventTypes.filter((t) => !(ivrEventTypes as readonly string[]).includes(t));
  // Any use of a dependency fails the test.
  const untouchable = new Proxy({} as never, {
    get: (_target, name) => {
      throw new Error(`the runner used ${String(name)}`);
    },
  });

  it('leaves out the call events it has nothing to do with', () => {
    expect(passedOver).toEqual(expect.arrayContaining(['call.answered', 'call.bridged']));
  });

  it.each(passedOver)('%s is not ours', async (type) => {
    const runner = new CallRunner({
      states: untouchable,
      flows: untouchable,
      tenants: untouchable,
      outcomes: untouchable,
      sink: untouchable,
      http: untouchable,
      clock,
      log,
    });
    const event = { type, tenantId: 't1', source: 'test', data: {} } as unknown as HotlineEvent;
    await expect(runner.handle(event)).resolves.toBe('not-ours');
  });
});
