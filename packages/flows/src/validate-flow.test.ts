import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoMenuFlow, demoMenuFlowNeeds } from './examples/demo-menu-flow';
import type { FlowDocumentInput } from './flow-schema';
import { validateFlow } from './validate-flow';

const tts = (text: string) => ({ kind: 'tts' as const, text });

function flow(nodes: unknown[], start = 'a'): FlowDocumentInput {
  return { id: 'f1', name: 'test', start, nodes } as FlowDocumentInput;
}

describe('validateFlow', () => {
  it('accepts the demo flow, which matches its JSON copy under docs/examples', () => {
    const result = validateFlow(demoMenuFlow, {
      allowedHosts: demoMenuFlowNeeds.allowedHosts,
      known: { queues: demoMenuFlowNeeds.queues },
    });
    expect(result.errors).toEqual([]);
    const file = new URL('../../../docs/examples/flows/demo-menu.json', import.meta.url);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(demoMenuFlow);
  });

  it('names the node of a dangling edge and a missing start', () => {
    const result = validateFlow(
      flow([{ id: 'a', type: 'play', prompts: [tts('hi')], next: 'nowhere' }], 'begin'),
    );
    expect(result.errors).toEqual([
      { path: 'start', message: 'start node "begin" does not exist' },
      { nodeId: 'a', path: 'nodes.0.next', message: 'leads to node "nowhere", which does not exist' },
    ]);
  });

  it('reports unreachable nodes', () => {
    const result = validateFlow(
      flow([
        { id: 'a', type: 'hangup' },
        { id: 'island', type: 'hangup' },
      ]),
    );
    expect(result.errors).toEqual([
      { nodeId: 'island', path: 'nodes.1', message: 'unreachable from the start node' },
    ]);
  });

  it('reports a loop that never waits for the caller, but accepts one through a menu', () => {
    const spinning = validateFlow(
      flow([
        { id: 'a', type: 'set', assign: [{ variable: 'n', value: 'n + 1' }], next: 'b' },
        { id: 'b', type: 'condition', branches: [{ when: 'n < 3', next: 'a' }], otherwise: 'c' },
        { id: 'c', type: 'hangup' },
      ]),
    );
    expect(spinning.errors).toEqual([
      { nodeId: 'a', path: 'nodes.0', message: 'loop without an input or wait: a → b → a' },
    ]);
    const retrying = validateFlow(
      flow([
        { id: 'a', type: 'menu', prompts: [tts('press 1')], options: { '1': 'b' }, onFailure: 'c' },
        { id: 'b', type: 'set', assign: [{ variable: 'n', value: '1' }], next: 'a' },
        { id: 'c', type: 'hangup' },
      ]),
    );
    expect(retrying.errors).toEqual([]);
  });

  it('reports missing prompts and an expression error with its node and position', () => {
    const result = validateFlow(
      flow([
        { id: 'a', type: 'play', prompts: [], next: 'b' },
        { id: 'b', type: 'condition', branches: [{ when: "tier == 'gold", next: 'c' }], otherwise: 'c' },
        { id: 'c', type: 'hangup' },
      ]),
    );
    expect(result.errors).toEqual([
      { nodeId: 'a', path: 'nodes.0.prompts', message: 'missing prompts: the caller would hear nothing' },
      {
        nodeId: 'b',
        path: 'nodes.1.branches.0.when',
        message: 'expression: unterminated string at position 8',
      },
    ]);
  });

  it('reports schema problems per node, an unknown node type included', () => {
    const result = validateFlow(
      flow([
        { id: 'a', type: 'teleport', next: 'b' },
        { id: 'b', type: 'collect', prompts: [tts('pin')], variable: '9lives', next: 'a', onInvalid: 'a' },
      ]),
    );
    expect(result.ok).toBe(false);
    expect(result.errors).toContainEqual(
      expect.objectContaining({
        nodeId: 'a',
        path: 'nodes.0.type',
        message: expect.stringContaining('teleport'),
      }),
    );
    expect(result.errors).toContainEqual(expect.objectContaining({ nodeId: 'b', path: 'nodes.1.variable' }));
    expect(result.errors).toContainEqual(expect.objectContaining({ nodeId: 'b', path: 'nodes.1.maxDigits' }));
  });

  it('refuses CRM hosts off the allowed list and hosts taken from variables', () => {
    const lookup = (url: string) =>
      flow([
        { id: 'a', type: 'http-lookup', url, next: 'b', onError: 'b' },
        { id: 'b', type: 'hangup' },
      ]);
    expect(
      validateFlow(lookup('https://crm.acme.test/x?n={{call.ani}}'), { allowedHosts: ['crm.acme.test'] }).ok,
    ).toBe(true);
    expect(validateFlow(lookup('https://evil.test/x'), { allowedHosts: ['crm.acme.test'] }).errors).toEqual([
      { nodeId: 'a', path: 'nodes.0.url', message: 'host "evil.test" is not in the tenant\'s allowed hosts' },
    ]);
    expect(validateFlow(lookup('https://{{ host }}/x')).errors[0]?.message).toMatch(/literal host/);
  });

  it('checks references against the tenant configuration when it is given', () => {
    const result = validateFlow(
      flow([
        { id: 'a', type: 'business-hours', calendar: { calendarId: 'office' }, open: 'b', closed: 'c' },
        { id: 'b', type: 'enqueue', queueId: 'sales' },
        { id: 'c', type: 'transfer-flow', flowId: 'after-hours' },
      ]),
      { known: { queues: ['support'], calendars: ['office'], flows: [] } },
    );
    expect(result.errors).toEqual([
      { nodeId: 'b', path: 'nodes.1.queueId', message: 'unknown queue "sales"' },
      { nodeId: 'c', path: 'nodes.2.flowId', message: 'unknown flow "after-hours"' },
    ]);
  });

  it('reports a bad time zone and inverted opening hours', () => {
    const result = validateFlow(
      flow([
        {
          id: 'a',
          type: 'business-hours',
          calendar: { timeZone: 'Mars/Olympus', weekly: [{ day: 'mon', open: '18:00', close: '08:00' }] },
          open: 'b',
          closed: 'b',
        },
        { id: 'b', type: 'hangup' },
      ]),
    );
    expect(result.errors.map((e) => e.path)).toEqual([
      'nodes.0.calendar.timeZone',
      'nodes.0.calendar.weekly.0',
    ]);
  });
});
