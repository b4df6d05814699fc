import {
  callTargetSchema,
  makeEvent,
  transferTargetCommandSchema,
  type CallCommand,
} from '@hotline/contracts';
import { publishEvents } from '@hotline/event-bus';
import { HotlineError } from '@hotline/platform';
import { Collections, type Agent, type Flow, type Queue } from '@hotline/provisioning';
import { Router } from 'express';
import { z } from 'zod';
import { newId } from '../domain/ids';
import { parseOr422, validationFailed } from '../domain/field-errors';
import { jsonBody } from '../http/resource-routes';
import { agentOf, deskCaller, requireSupervisor, type DeskCaller } from './desk-caller';
import type { DeskDeps } from './desk-deps';

const EXTENSION = /^\d{2,8}$/;
const NUMBER = /^(\+\d{6,15}|\d{9,15})$/;

const legId = z.string().min(1).max(128).optional();

/**
 * How long the edge rings a party added to a call. Shorter than a queue offer's ring: the agent
 * and the caller wait on the line for it, and no-answer is reported back to try someone else.
 */
export const ADD_PARTY_RING_TIMEOUT_MS = 30_000;

/**
 * What a desk may ask of a call: the call-control commands (contracts/call-commands.ts) an agent
 * or supervisor uses, with what the server knows filled in (legs, the supervisor's phone, a
 * recording id). DTMF is not here: the softphone sends it in its own media (RFC 4733).
 */
export const deskCallCommand = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('hold'), legId }),
  z.strictObject({ action: z.literal('resume'), legId }),
  z.strictObject({ action: z.literal('mute'), legId, muted: z.boolean().default(true) }),
  z.strictObject({
    action: z.literal('transfer'),
    kind: z.enum(['blind', 'consultative']).default('blind'),
    /**
     * A colleague, a number, a queue (blind only: the ACD offers the caller again) or a
     * published IVR flow (blind only: the IVR runner takes the caller back).
     */
    target: transferTargetCommandSchema,
  }),
  /**
   * A three-way call (F-AG-4): the edge's `bridge` while already bridged rings the target into a
   * conference with the caller and the agent; the agent leaving later leaves the others talking.
   */
  z.strictObject({
    action: z.literal('add-party'),
    target: callTargetSchema,
    ringTimeoutMs: z.number().int().min(5_000).max(120_000).default(ADD_PARTY_RING_TIMEOUT_MS),
  }),
  z.strictObject({
    action: z.literal('record'),
    op: z.enum(['start', 'stop', 'pause', 'resume']),
    recordingId: z.string().min(1).max(128).optional(),
  }),
  z.strictObject({
    action: z.literal('supervise'),
    mode: z.enum(['listen', 'whisper', 'barge', 'take-over']),
    /** The phone (agent id) the supervisor listens on; default the supervisor's own. */
    supervisorId: z.string().min(1).max(128).optional(),
    contact: z.string().max(256).optional(),
  }),
  z.strictObject({
    action: z.literal('hangup'),
    cause: z.enum(['normal', 'force-released']).default('normal'),
  }),
]);
export type DeskCallCommand = z.infer<typeof deskCallCommand>;

export const placeCallInput = z.strictObject({
  /** An internal extension (2–8 digits) or an outside number (E.164 or digits). */
  to: z
    .string()
    .regex(
      new RegExp(`${EXTENSION.source}|${NUMBER.source}`),
      'an extension (2–8 digits) or a phone number (+ and 6–15 digits, or 9–15 digits)',
    ),
});

export const placeCallView = z.strictObject({
  direction: z.enum(['internal', 'outbound']),
  to: z.string(),
  /** What the softphone dials (INVITE Request-URI). */
  dialUri: z.string(),
  targetAgentId: z.string().nullable(),
});

/** Commands only a supervisor may give: listening in, recording, cutting a call off. */
function supervisorOnly(command: DeskCallCommand): string | null {
  if (command.action === 'supervise') return 'supervise a call';
  if (command.action === 'record') return 'record a call';
  if (command.action === 'hangup' && command.cause === 'force-released') return 'force-release a call';
  return null;
}

/**
 * POST /v1/calls/:callId/commands (F-AG-3, F-SV-2, F-SV-3) and POST /v1/calls (F-AG-5).
 * An agent may command only a call it is on (ringing or connected, as the bus told this
 * process, or as reporting's realtime view says); a supervisor any call of its tenant. A call
 * of another tenant is 404, as if it did not exist.
 */
export function callCommandRoutes(deps: DeskDeps): Router {
  const router = Router();

  async function checkAccess(caller: DeskCaller, callId: string): Promise<void> {
    const t = caller.tenantId;
    if (deps.tracker.call(t, callId)) {
      if (caller.supervisor || (caller.agentId && deps.tracker.isOnCall(t, caller.agentId, callId))) return;
      throw new HotlineError('forbidden', 'an agent may command only a call it is on');
    }
    // Not seen by this process (it started after the call did): ask reporting.
    const [context, agents] = await Promise.all([
      deps.readModel.callContext(t, callId),
      caller.agentId ? deps.readModel.realtimeAgents(t) : Promise.resolve([]),
    ]);
    const onIt = agents.some((a) => a.agentId === caller.agentId && a.callId === callId);
    if (!context && !onIt) throw new HotlineError('not_found', `no call ${callId}`);
    if (!caller.supervisor && !onIt)
      throw new HotlineError('forbidden', 'an agent may command only a call it is on');
  }

  router.post('/v1/calls/:callId/commands', async (req, res) => {
    const caller = deskCaller(req);
    const input = parseOr422(deskCallCommand, jsonBody(req), 'the call command');
    const callId = req.params.callId;
    const needs = supervisorOnly(input);
    if (needs) requireSupervisor(caller, needs);
    await checkAccess(caller, callId);
    const command = await toCallCommand(deps, caller, callId, input);
    const commandId = newId('cmd');
    await publishEvents(deps.bus, [
      makeEvent({
        type: 'call.command.requested',
        tenantId: caller.tenantId,
        source: 'api',
        data: {
          commandId,
          callId,
          requestedBy: 'api',
          // Back to a queue: the edge announces queue.joined with these once the agent is off the
          // call. The caller joins at the default priority (a flow's enqueue default) with no
          // extra skills: the queue's own targets pick the agents.
          ...(command.action === 'transfer' && command.target.type === 'queue'
            ? { queue: { queueId: command.target.queueId, priority: 0, skills: [] } }
            : {}),
          command,
        },
      }),
    ]);
    res.status(202).json({ commandId });
  });

  router.post('/v1/calls', async (req, res) => {
    const caller = deskCaller(req);
    const input = parseOr422(placeCallInput, jsonBody(req), 'the call');
    if (!caller.agentId) {
      throw new HotlineError('conflict', 'placing a call needs a softphone: this user works as no agent');
    }
    const self = await agentOf(deps.store, caller.tenantId, caller.agentId);
    let internal: Agent | null = null;
    if (EXTENSION.test(input.to)) {
      internal = await deps.store
        .collection<Agent>(Collections.agents)
        .findOne({ tenantId: caller.tenantId, extension: input.to });
      if (!internal) throw new HotlineError('not_found', `no agent has extension ${input.to}`);
    }
    // The edge places what the softphone dials: an extension bridges straight to that agent, a
    // number leaves through the carrier gateway (sip-edge's agent-placed calls). The server has
    // no leg of its own to originate from, so it answers what to dial.
    res.status(200).json({
      direction: internal ? 'internal' : 'outbound',
      to: input.to,
      dialUri: `sip:${input.to}@${self.sip.realm}`,
      targetAgentId: internal?._id ?? null,
    });
  });

  return router;
}

async function toCallCommand(
  deps: DeskDeps,
  caller: DeskCaller,
  callId: string,
  input: DeskCallCommand,
): Promise<CallCommand> {
  const call = deps.tracker.call(caller.tenantId, callId);
  const leg = (given: string | undefined, known: string | undefined, whose: string): string => {
    const id = given ?? known;
    if (!id) {
      throw validationFailed('the call command is invalid', [
        { field: 'legId', message: `required: the ${whose} leg of this call is not known here` },
      ]);
    }
    return id;
  };
  switch (input.action) {
    case 'hold':
    case 'resume':
      return { action: input.action, legId: leg(input.legId, call?.callerLegId, "caller's") };
    case 'mute': {
      const own = caller.agentId ? call?.agentLegs.get(caller.agentId) : undefined;
      return {
        action: 'mute',
        legId: leg(input.legId, own ?? call?.agentLegId, "agent's"),
        muted: input.muted,
      };
    }
    case 'transfer':
      if (input.target.type === 'queue' || input.target.type === 'flow') {
        const what = input.target.type;
        if (input.kind === 'consultative') {
          throw validationFailed('the call command is invalid', [
            { field: 'kind', message: `a transfer to a ${what} is blind: there is nobody to consult` },
          ]);
        }
        if (call && !call.agentLegId) {
          throw new HotlineError('conflict', `call ${callId} is not connected: nobody to transfer it from`);
        }
      }
      if (input.target.type === 'queue') {
        const queue = await deps.store.collection<Queue>(Collections.queues).get(input.target.queueId);
        if (!queue || queue.tenantId !== caller.tenantId)
          throw new HotlineError('not_found', `no queue ${input.target.queueId}`);
      }
      if (input.target.type === 'flow') {
        const flow = await deps.store.collection<Flow>(Collections.flows).get(input.target.flowId);
        if (!flow || flow.tenantId !== caller.tenantId)
          throw new HotlineError('not_found', `no flow ${input.target.flowId}`);
        // The IVR runner runs published versions only; a draft would leave the caller on music.
        if (flow.publishedVersion === null)
          throw new HotlineError('conflict', `flow ${input.target.flowId} has never been published`);
      }
      if (input.target.type === 'agent') await agentOf(deps.store, caller.tenantId, input.target.agentId);
      return { action: 'transfer', kind: input.kind, target: input.target };
    case 'add-party':
      // Bridging a call nobody answered yet would put the caller through to the target instead.
      if (call && !call.agentLegId) {
        throw new HotlineError('conflict', `call ${callId} is not connected: nobody to add a party to`);
      }
      if (input.target.type === 'agent') await agentOf(deps.store, caller.tenantId, input.target.agentId);
      return { action: 'bridge', target: input.target, ringTimeoutMs: input.ringTimeoutMs };
    case 'record':
      return { action: 'record', op: input.op, recordingId: await recordingFor(deps, caller, callId, input) };
    case 'supervise': {
      const supervisorId = input.supervisorId ?? caller.agentId;
      if (!supervisorId) {
        throw validationFailed('the call command is invalid', [
          { field: 'supervisorId', message: 'required: this supervisor has no phone (agent) of its own' },
        ]);
      }
      await agentOf(deps.store, caller.tenantId, supervisorId);
      return {
        action: 'supervise',
        mode: input.mode,
        supervisorId,
        ...(input.contact ? { contact: input.contact } : {}),
      };
    }
    case 'hangup':
      return { action: 'hangup', cause: input.cause };
  }
}

/**
 * A start names a new recording; stop, pause and resume act on the one running (the recorder's
 * library knows it). A recording the policy marks as not pausable (PCI off) refuses a pause,
 * since the edge carries out any pause it is sent.
 */
async function recordingFor(
  deps: DeskDeps,
  caller: DeskCaller,
  callId: string,
  input: Extract<DeskCallCommand, { action: 'record' }>,
): Promise<string> {
  if (input.op === 'start') return input.recordingId ?? newId('rec');
  const running = deps.recordings ? await deps.recordings.active(caller.tenantId, callId) : null;
  if (input.op === 'pause' && running && !running.allowPause)
    throw new HotlineError('conflict', 'this recording may not be paused (the recording policy forbids it)');
  const id = input.recordingId ?? running?.id;
  if (!id) throw new HotlineError('conflict', `no recording is running on call ${callId}`);
  return id;
}
