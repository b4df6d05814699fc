import { calendarStatus } from '../../calendar';
import { toText, truthy, type Value } from '../../expression';
import type { NodeOf } from '../../flow-schema';
import { FlowRuntimeError } from '../run';
import type { NodeHandler } from './handler';

export const setNode: NodeHandler<NodeOf<'set'>> = {
  enter(run, node) {
    node.assign.forEach((a, i) => {
      const value = run.evaluate(a.value, `assign.${i}.value`);
      run.setVar(a.variable, value);
      run.note(`${a.variable} = ${JSON.stringify(value)}`);
    });
    return { goto: node.next };
  },
};

export const conditionNode: NodeHandler<NodeOf<'condition'>> = {
  enter(run, node) {
    for (const [i, branch] of node.branches.entries()) {
      if (truthy(run.evaluate(branch.when, `branches.${i}.when`))) {
        run.note(`"${branch.when}" is true`);
        return { goto: branch.next };
      }
    }
    run.note('no branch is true: otherwise');
    return { goto: node.otherwise };
  },
};

export const businessHoursNode: NodeHandler<NodeOf<'business-hours'>> = {
  enter(run, node) {
    const calendar =
      'calendarId' in node.calendar ? run.env.calendar(node.calendar.calendarId) : node.calendar;
    if (!calendar) {
      throw new FlowRuntimeError(
        node.id,
        `calendar "${(node.calendar as { calendarId: string }).calendarId}" not found`,
      );
    }
    const status = calendarStatus(calendar, run.now);
    run.note(`${status} at ${run.now.toISOString()} (${calendar.timeZone})`);
    if (status === 'open') return { goto: node.open };
    return { goto: status === 'holiday' ? (node.holiday ?? node.closed) : node.closed };
  },
};

/** Numbers compare without the spaces, dashes and brackets people write them with. */
export function normalizeNumber(number: string): string {
  return number.replace(/[\s\-().]/g, '');
}

export const callerListNode: NodeHandler<NodeOf<'caller-list'>> = {
  enter(run, node) {
    const number = normalizeNumber(toText(run.evaluate(node.number, 'number')));
    for (const branch of node.branches) {
      const configured = run.env.listContains(branch.list, number);
      const inList =
        configured ?? run.flow.lists[branch.list]?.some((n) => normalizeNumber(n) === number) ?? false;
      if (inList) {
        run.note(`caller is on list ${branch.list}`);
        return { goto: branch.next };
      }
    }
    run.note('caller is on none of the lists');
    return { goto: node.otherwise };
  },
};

/** JSON string escaping for holes in a POST body template. */
const jsonEscape = (text: string) => JSON.stringify(text).slice(1, -1);

export const httpLookupNode: NodeHandler<NodeOf<'http-lookup'>> = {
  enter(run, node) {
    const url = run.render(node.url, 'url', encodeURIComponent);
    const headers = Object.fromEntries(
      Object.entries(node.headers).map(([name, value]) => [name, run.render(value, `headers.${name}`)]),
    );
    const body = node.body === undefined ? undefined : run.render(node.body, 'body', jsonEscape);
    const requestId = run.nextId('http');
    run.effects.push({
      kind: 'http',
      requestId,
      request: {
        method: node.method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs: node.timeoutMs,
      },
    });
    run.state.waiting = { kind: 'http', requestId };
    run.note(`${node.method} ${url}`);
    return { wait: true };
  },
  resume(run, node, input) {
    if (input.type !== 'http-completed') return { goto: node.onError };
    const { result } = input;
    if (!result.ok) {
      run.note(`lookup failed: ${result.reason}`);
      return { goto: node.onError };
    }
    for (const { variable, path } of node.map) run.setVar(variable, pick(result.body, path));
    run.note(
      `lookup answered ${result.status}: ${node.map.map((m) => `${m.variable}=${JSON.stringify(run.state.vars[m.variable])}`).join(', ')}`,
    );
    return { goto: node.next };
  },
};

/** A value at a dotted path in a JSON answer; objects and lists are kept as JSON text. */
export function pick(body: unknown, path: string): Value {
  let at: unknown = body;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object') return null;
    at = Array.isArray(at) ? at[Number(part)] : (at as Record<string, unknown>)[part];
  }
  if (at === undefined || at === null) return null;
  if (typeof at === 'string' || typeof at === 'number' || typeof at === 'boolean') return at;
  return JSON.stringify(at).slice(0, 4000);
}
