import type { z } from 'zod';
import { ExpressionError, parseExpression, parseTemplate } from './expression';
import {
  edgesOf,
  flowDocumentSchema,
  flowNodeTypes,
  waitsForCaller,
  type FlowDocument,
  type FlowNode,
  type FlowPrompt,
} from './flow-schema';
import { isValidTimeZone, minutesOf } from './calendar';
import { allowedHostOf } from './allowed-hosts';

export interface FlowIssue {
  /** The node the problem is in, when it is in one. */
  nodeId?: string;
  /** Dotted path into the document, e.g. `nodes.3.options.1`. */
  path: string;
  message: string;
}

export type FlowValidation =
  { ok: true; errors: []; flow: FlowDocument } | { ok: false; errors: FlowIssue[]; flow?: undefined };

/** What the tenant's configuration holds; given, references to anything else are errors. */
export interface ValidateFlowOptions {
  known?: {
    prompts?: Iterable<string>;
    queues?: Iterable<string>;
    calendars?: Iterable<string>;
    lists?: Iterable<string>;
    flows?: Iterable<string>;
  };
  /** Hosts the tenant allows CRM lookups to reach; given, other hosts in URLs are errors. */
  allowedHosts?: readonly string[];
}

/**
 * Checks a flow before it is published: the schema, then the graph (a start that exists, no
 * dangling edges, no unreachable nodes, no loop that never waits for the caller), prompts where
 * the caller must hear something, expressions that parse, and references that resolve. Every
 * problem is reported, each with its node id where it has one.
 */
export function validateFlow(doc: unknown, options: ValidateFlowOptions = {}): FlowValidation {
  const parsed = flowDocumentSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, errors: schemaIssues(doc, parsed.error) };
  const flow = parsed.data;
  const errors = [...graphIssues(flow), ...nodeIssues(flow, options)];
  return errors.length === 0 ? { ok: true, errors: [], flow } : { ok: false, errors };
}

function schemaIssues(doc: unknown, error: z.ZodError): FlowIssue[] {
  const rawNodes = (doc as { nodes?: unknown } | null)?.nodes;
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(document)';
    const result: FlowIssue = { path, message: issue.message };
    if (issue.path[0] === 'nodes' && typeof issue.path[1] === 'number' && Array.isArray(rawNodes)) {
      const raw = rawNodes[issue.path[1]] as { id?: unknown; type?: unknown } | undefined;
      if (typeof raw?.id === 'string') result.nodeId = raw.id;
      const atType = issue.path.length === 2 || (issue.path.length === 3 && issue.path[2] === 'type');
      if (issue.code === 'invalid_union' && atType) {
        result.path = `nodes.${issue.path[1]}.type`;
        result.message = `unknown node type ${JSON.stringify(raw?.type)}; one of ${flowNodeTypes.join(', ')}`;
      }
    }
    if (/received undefined$/.test(issue.message)) result.message = 'required';
    return result;
  });
}

function graphIssues(flow: FlowDocument): FlowIssue[] {
  const errors: FlowIssue[] = [];
  const byId = new Map<string, FlowNode>();
  flow.nodes.forEach((node, index) => {
    if (byId.has(node.id)) {
      errors.push({ nodeId: node.id, path: `nodes.${index}.id`, message: `duplicate node id "${node.id}"` });
    } else byId.set(node.id, node);
  });
  if (!byId.has(flow.start)) {
    errors.push({ path: 'start', message: `start node "${flow.start}" does not exist` });
  }
  flow.nodes.forEach((node, index) => {
    for (const edge of edgesOf(node)) {
      if (!byId.has(edge.target)) {
        errors.push({
          nodeId: node.id,
          path: `nodes.${index}.${edge.field}`,
          message: `leads to node "${edge.target}", which does not exist`,
        });
      }
    }
  });

  const reachable = new Set<string>();
  const stack = byId.has(flow.start) ? [flow.start] : [];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    for (const edge of edgesOf(byId.get(id)!)) if (byId.has(edge.target)) stack.push(edge.target);
  }
  if (byId.has(flow.start)) {
    flow.nodes.forEach((node, index) => {
      if (!reachable.has(node.id)) {
        errors.push({ nodeId: node.id, path: `nodes.${index}`, message: 'unreachable from the start node' });
      }
    });
  }

  for (const cycle of loopsWithoutWait(flow.nodes, byId)) {
    const first = cycle[0]!;
    errors.push({
      nodeId: first,
      path: `nodes.${flow.nodes.findIndex((n) => n.id === first)}`,
      message: `loop without an input or wait: ${[...cycle, first].join(' → ')}`,
    });
  }
  return errors;
}

// A loop made only of nodes that decide instantly (set, condition, lookups, …) would spin
// forever inside one step. Strongly connected components of the graph restricted to those nodes
// (Tarjan) are exactly such loops.
function loopsWithoutWait(nodes: FlowNode[], byId: Map<string, FlowNode>): string[][] {
  const instant = nodes.filter((n) => !waitsForCaller(n) && byId.get(n.id) === n);
  const successors = (id: string) =>
    edgesOf(byId.get(id)!)
      .map((e) => e.target)
      .filter((t) => byId.has(t) && !waitsForCaller(byId.get(t)!));
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const loops: string[][] = [];
  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    for (const next of successors(id)) {
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(id, Math.min(low.get(id)!, index.get(next)!));
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== id);
      if (component.length > 1 || successors(id).includes(id)) loops.push(component.reverse());
    }
  };
  for (const node of instant) if (!index.has(node.id)) visit(node.id);
  return loops;
}

function nodeIssues(flow: FlowDocument, options: ValidateFlowOptions): FlowIssue[] {
  const errors: FlowIssue[] = [];
  const known = {
    prompts: setOf(options.known?.prompts),
    queues: setOf(options.known?.queues),
    calendars: setOf(options.known?.calendars),
    lists: setOf(options.known?.lists, Object.keys(flow.lists)),
    flows: setOf(options.known?.flows, [flow.id]),
  };

  flow.nodes.forEach((node, index) => {
    const at = (field: string, message: string) =>
      errors.push({ nodeId: node.id, path: `nodes.${index}${field ? `.${field}` : ''}`, message });
    const expression = (field: string, source: string) => {
      try {
        parseExpression(source);
      } catch (err) {
        if (err instanceof ExpressionError) at(field, `expression: ${err.message}`);
        else throw err;
      }
    };
    const template = (field: string, source: string) => {
      try {
        parseTemplate(source);
      } catch (err) {
        if (err instanceof ExpressionError) at(field, `template: ${err.message}`);
        else throw err;
      }
    };
    const promptList = (field: string, list: FlowPrompt[], required: boolean) => {
      if (required && list.length === 0) at(field, 'missing prompts: the caller would hear nothing');
      list.forEach((prompt, i) => {
        if (prompt.kind === 'tts') template(`${field}.${i}.text`, prompt.text);
        if (prompt.kind === 'prompt' && known.prompts && !known.prompts.has(prompt.promptId)) {
          at(`${field}.${i}.promptId`, `unknown prompt "${prompt.promptId}"`);
        }
      });
    };
    const ref = (field: string, kind: keyof typeof known, id: string) => {
      const set = known[kind];
      if (set && !set.has(id)) at(field, `unknown ${kind.replace(/s$/, '')} "${id}"`);
    };

    if ('prompts' in node) {
      const required = node.type !== 'voicemail';
      promptList('prompts', node.prompts, required);
    }
    if ('invalidPrompts' in node) {
      promptList('invalidPrompts', node.invalidPrompts, false);
      promptList('timeoutPrompts', node.timeoutPrompts, false);
    }

    switch (node.type) {
      case 'menu':
        if (Object.keys(node.options).length === 0) at('options', 'a menu needs at least one option');
        break;
      case 'collect':
        if (node.minDigits > node.maxDigits) at('minDigits', 'minDigits is more than maxDigits');
        if (node.valid !== undefined) expression('valid', node.valid);
        break;
      case 'set':
        node.assign.forEach((a, i) => expression(`assign.${i}.value`, a.value));
        break;
      case 'condition':
        node.branches.forEach((b, i) => expression(`branches.${i}.when`, b.when));
        break;
      case 'business-hours':
        if ('calendarId' in node.calendar) ref('calendar.calendarId', 'calendars', node.calendar.calendarId);
        else {
          if (!isValidTimeZone(node.calendar.timeZone)) {
            at('calendar.timeZone', `unknown time zone "${node.calendar.timeZone}"`);
          }
          const inverted = (h: { open: string; close: string }) => minutesOf(h.open) >= minutesOf(h.close);
          node.calendar.weekly.forEach((w, i) => {
            if (inverted(w))
              at(`calendar.weekly.${i}`, `opens (${w.open}) at or after it closes (${w.close})`);
          });
          node.calendar.holidays.forEach((d, i) =>
            d.hours.forEach((h, j) => {
              if (inverted(h)) {
                at(
                  `calendar.holidays.${i}.hours.${j}`,
                  `opens (${h.open}) at or after it closes (${h.close})`,
                );
              }
            }),
          );
        }
        break;
      case 'caller-list':
        expression('number', node.number);
        node.branches.forEach((b, i) => ref(`branches.${i}.list`, 'lists', b.list));
        break;
      case 'http-lookup': {
        template('url', node.url);
        if (node.body !== undefined) template('body', node.body);
        if (node.body !== undefined && node.method === 'GET') at('body', 'a GET lookup cannot have a body');
        Object.entries(node.headers).forEach(([name, value]) => template(`headers.${name}`, value));
        const host = allowedHostOf(node.url);
        if (!host.ok) at('url', host.message);
        else if (options.allowedHosts && !options.allowedHosts.includes(host.host)) {
          at('url', `host "${host.host}" is not in the tenant's allowed hosts`);
        }
        break;
      }
      case 'enqueue':
        ref('queueId', 'queues', node.queueId);
        if (typeof node.priority === 'string') expression('priority', node.priority);
        Object.entries(node.attach).forEach(([name, value]) => expression(`attach.${name}`, value));
        break;
      case 'transfer-flow':
        ref('flowId', 'flows', node.flowId);
        break;
      case 'transfer-external':
        template('number', node.number);
        break;
      case 'callback':
        ref('queueId', 'queues', node.queueId);
        expression('number', node.number);
        break;
      case 'play':
      case 'voicemail':
      case 'survey':
      case 'hangup':
        break;
    }
  });
  return errors;
}

function setOf(values: Iterable<string> | undefined, extra: string[] = []): Set<string> | undefined {
  return values === undefined ? undefined : new Set([...values, ...extra]);
}
