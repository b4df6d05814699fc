import { describe, expect, it } from 'vitest';
import { ContractError, makeEvent, parseEvent, serializeEvent, topicOf } from './events';
import { eventCatalog, eventTypes } from './catalog';
import { Topics, topicKeys } from './topics';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('event contracts', () => {
  it('keys a call event by its call id and round-trips through JSON', () => {
    const event = makeEvent({
      type: 'call.offered',
      tenantId: 'acme',
      source: 'sip-edge',
      traceparent,
      data: {
        callId: 'c-1',
        legId: 'l-1',
        direction: 'inbound',
        ani: '+4930123',
        dnis: '+4930999',
        siteId: 'fra',
      },
    });
    expect(event.key).toBe('c-1');
    expect(topicOf(event.type)).toBe(Topics.calls);
    expect(parseEvent(serializeEvent(event))).toEqual(event);
  });

  it('keys agent events by agent id and config events by tenant', () => {
    const agent = makeEvent({
      type: 'agent.state.changed',
      tenantId: 't1',
      source: 'acd-router',
      data: { agentId: 'a-7', from: 'ready', to: 'reserved' },
    });
    expect(agent.key).toBe('a-7');
    const config = makeEvent({
      type: 'config.changed',
      tenantId: 't1',
      source: 'api',
      data: { resource: 'queue', resourceId: 'q1', action: 'created', revision: 1 },
    });
    expect(config.key).toBe('t1');
  });

  it('every catalogued type lives on a topic keyed by the field it declares', () => {
    for (const type of eventTypes) {
      const spec = eventCatalog[type];
      expect(topicKeys[spec.topic as keyof typeof topicKeys]).toBe(spec.keyField);
    }
  });

  it('rejects data that breaks the schema, naming the field', () => {
    try {
      makeEvent({
        type: 'queue.joined',
        tenantId: 't1',
        source: 'ivr-runner',
        // @ts-expect-error priority must be a number
        data: { callId: 'c1', queueId: 'q1', priority: 'high', skills: [], position: 1 },
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).issues.map((i) => i.path)).toContain('data.priority');
    }
  });

  it.each([
    ['tenantId', { tenantId: 'has space' }],
    ['source', { source: '' }],
    ['traceparent', { traceparent: 'xyz' }],
    ['id', { id: 'not-a-uuid' }],
    ['occurredAt', { occurredAt: new Date(Date.UTC(12_000, 0, 1)) }],
  ])('makeEvent refuses a bad %s handed in by the producer, naming it', (field, bad) => {
    try {
      makeEvent({
        type: 'call.ended',
        tenantId: 't1',
        source: 'sip-edge',
        data: { callId: 'c1', cause: 'normal', by: 'caller', durationMs: 1200 },
        ...bad,
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).issues.map((i) => i.path)).toEqual([field]);
    }
  });

  it.each([
    ['not json', '{oops'],
    ['unknown type', JSON.stringify({ ...base(), type: 'call.teleported' })],
    ['wrong version', JSON.stringify({ ...base(), version: 9 })],
    ['unknown envelope field', JSON.stringify({ ...base(), extra: 1 })],
    ['bad data', JSON.stringify({ ...base(), data: { callId: 'c1' } })],
    ['bad traceparent', JSON.stringify({ ...base(), traceparent: 'xyz' })],
  ])('parseEvent refuses %s', (_name, raw) => {
    expect(() => parseEvent(raw)).toThrow(ContractError);
  });
});

function base() {
  return makeEvent({
    type: 'call.ended',
    tenantId: 't1',
    source: 'sip-edge',
    data: { callId: 'c1', cause: 'normal', by: 'caller', durationMs: 1200 },
  });
}
