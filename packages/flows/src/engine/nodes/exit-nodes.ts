import { callerIdSchema } from '@hotline/contracts';
import { toText } from '../../expression';
import type { NodeOf } from '../../flow-schema';
import { FlowRuntimeError } from '../run';
import type { NodeHandler } from './handler';

export const enqueueNode: NodeHandler<NodeOf<'enqueue'>> = {
  enter(run, node) {
    const raw =
      typeof node.priority === 'number' ? node.priority : Number(run.evaluate(node.priority, 'priority'));
    if (!Number.isFinite(raw)) throw new FlowRuntimeError(node.id, `priority is not a number`);
    const priority = Math.min(100, Math.max(0, Math.round(raw)));
    const attached = Object.fromEntries(
      Object.entries(node.attach).map(([name, source]) => [
        name,
        toText(run.evaluate(source, `attach.${name}`)).slice(0, 1000),
      ]),
    );
    const skills = node.skills.map((s) => ({ skill: s.skill, minLevel: s.minLevel }));
    run.emit('queue.joined', {
      callId: run.state.call.callId,
      queueId: node.queueId,
      priority,
      skills,
      // The ACD router owns queue positions; the IVR announces a new arrival.
      position: 1,
      attached,
    });
    run.commandAndForget(
      { action: 'music-on-hold', on: true, ...(node.holdPromptId ? { promptId: node.holdPromptId } : {}) },
      { queueId: node.queueId, priority, skills },
    );
    run.note(`queued in ${node.queueId} at priority ${priority}`);
    return { done: 'queued' };
  },
};

export const transferFlowNode: NodeHandler<NodeOf<'transfer-flow'>> = {
  enter(run, node) {
    const requestId = run.nextId('flow');
    run.effects.push({ kind: 'load-flow', requestId, flowId: node.flowId });
    run.state.waiting = { kind: 'flow', requestId, flowId: node.flowId };
    return { wait: true };
  },
  resume(run, node, input) {
    if (input.type !== 'flow-loaded' || input.flow === null) {
      throw new FlowRuntimeError(node.id, `flow "${node.flowId}" has no published version`);
    }
    const flow = input.flow;
    run.flow = flow;
    run.state.flowId = flow.id;
    run.state.flowVersion = flow.version;
    // Variables the caller gave so far travel with them; the new flow's defaults fill the gaps.
    run.state.vars = { ...flow.variables, ...run.state.vars };
    run.note(`continues in flow ${flow.id} v${flow.version}`);
    return { goto: flow.start };
  },
};

export const transferExternalNode: NodeHandler<NodeOf<'transfer-external'>> = {
  enter(run, node) {
    const number = run.render(node.number, 'number').trim();
    if (!/^\+?[0-9*#]{1,32}$/.test(number)) {
      run.note(`not a number to dial: ${JSON.stringify(number)}`);
      return { goto: node.onFailure };
    }
    run.note(`dialling ${number}`);
    return run.command({
      action: 'bridge',
      target: { type: 'external', number },
      ringTimeoutMs: node.ringTimeoutMs,
    });
  },
  resume(run, node, input) {
    if (input.type === 'command-completed' && input.outcome === 'done') return { done: 'transferred' };
    run.note(`transfer failed: ${input.type === 'command-completed' ? input.outcome : input.type}`);
    return { goto: node.onFailure };
  },
};

export const callbackNode: NodeHandler<NodeOf<'callback'>> = {
  enter(run, node) {
    const number = toText(run.evaluate(node.number, 'number')).trim();
    if (number === '') throw new FlowRuntimeError(node.id, 'no number to call back');
    const callbackId = run.nextId('cb');
    const request = {
      callId: run.state.call.callId,
      callbackId,
      queueId: node.queueId,
      number: number.slice(0, 64),
      priority: node.priority,
      skills: node.skills.map((s) => ({ skill: s.skill, minLevel: s.minLevel })),
      // The caller's place is when they called, not when the callback is made.
      placeSince: run.state.startedAt,
      // Called back from the number they dialled, so they know who is calling.
      ...(callerIdSchema.safeParse(run.state.call.dnis).success ? { callerId: run.state.call.dnis } : {}),
    };
    run.emit('callback.requested', request);
    run.effects.push({
      kind: 'store',
      collection: 'ivr-callbacks',
      id: callbackId,
      document: {
        ...request,
        tenantId: run.state.call.tenantId,
        status: 'pending',
        requestedAt: run.now.toISOString(),
      },
    });
    run.setVar('callback_id', callbackId);
    run.note(`callback ${callbackId} requested in ${node.queueId}`);
    return { goto: node.next };
  },
};

export const hangupNode: NodeHandler<NodeOf<'hangup'>> = {
  enter(run) {
    run.commandAndForget({ action: 'hangup', cause: 'normal' });
    return { done: 'ended' };
  },
};
