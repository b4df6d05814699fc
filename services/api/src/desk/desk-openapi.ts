import {
  problem,
  ref,
  schemaOf,
  tenantHeader,
  errors,
  json,
  writeErrors,
  type Json,
} from '../http/openapi-parts';
import { agentStateInput, commandAccepted } from './agent-state-routes';
import { deskCallCommand, placeCallInput, placeCallView } from './call-command-routes';
import { meView } from './me-routes';
import { wrapUpAccepted, wrapUpInput } from './wrap-up-routes';

// The desk's part of the OpenAPI document. Realtime views come from reporting: their schemas
// name the fields the desk relies on and allow more, so reporting can add figures freely.

const idPattern = '^[A-Za-z0-9][A-Za-z0-9._:-]*$';
const pathId = (name: string, what: string) => ({
  name,
  in: 'path',
  required: true,
  description: `the ${what}'s id`,
  schema: { type: 'string', minLength: 1, maxLength: 128, pattern: idPattern },
});

const counts = { type: 'object', additionalProperties: { type: 'number' } };
const iso = { type: 'string' };

const agentToday = {
  type: 'object',
  required: ['calls', 'talkMs', 'holdMs', 'wrapMs', 'stateMs'],
  properties: {
    calls: { type: 'integer', minimum: 0 },
    talkMs: { type: 'number', minimum: 0 },
    holdMs: { type: 'number', minimum: 0 },
    wrapMs: { type: 'number', minimum: 0 },
    stateMs: counts,
  },
};

export function deskSchemas(): Json {
  return {
    Me: schemaOf(meView, 'output'),
    AgentStateChange: schemaOf(agentStateInput, 'input'),
    CommandAccepted: schemaOf(commandAccepted, 'output'),
    WrapUp: schemaOf(wrapUpInput, 'input'),
    WrapUpAccepted: schemaOf(wrapUpAccepted, 'output'),
    CallCommand: schemaOf(deskCallCommand, 'input'),
    PlaceCall: schemaOf(placeCallInput, 'input'),
    PlacedCall: schemaOf(placeCallView, 'output'),
    AgentToday: agentToday,
    AgentRealtime: {
      type: 'object',
      required: ['agentId', 'state', 'since', 'today'],
      properties: {
        agentId: { type: 'string' },
        state: { type: 'string' },
        reason: { type: 'string' },
        since: iso,
        callId: { type: 'string' },
        queueId: { type: 'string' },
        today: ref('AgentToday'),
      },
    },
    QueueRealtime: {
      type: 'object',
      required: [
        'queueId',
        'waiting',
        'longestWaitMs',
        'oldestJoinedAt',
        'answered',
        'abandoned',
        'offered',
        'serviceLevelPct',
        'slThresholdSec',
        'agentsByState',
        'updatedAt',
      ],
      properties: {
        queueId: { type: 'string' },
        waiting: { type: 'integer', minimum: 0 },
        longestWaitMs: { type: 'number', minimum: 0 },
        oldestJoinedAt: { type: ['string', 'null'] },
        answered: { type: 'integer', minimum: 0 },
        abandoned: { type: 'integer', minimum: 0 },
        offered: { type: 'integer', minimum: 0 },
        serviceLevelPct: { type: ['number', 'null'] },
        slThresholdSec: { type: 'number' },
        agentsByState: counts,
        updatedAt: iso,
      },
    },
    WaitingCall: {
      type: 'object',
      required: ['callId', 'queueId', 'joinedAt', 'ani', 'position'],
      properties: {
        callId: { type: 'string' },
        queueId: { type: 'string' },
        joinedAt: iso,
        ani: { type: ['string', 'null'] },
        position: { type: 'integer', minimum: 1 },
      },
    },
    Wallboard: {
      type: 'object',
      required: ['agents', 'queues', 'waiting'],
      additionalProperties: false,
      properties: {
        agents: { type: 'array', items: ref('AgentRealtime') },
        queues: { type: 'array', items: ref('QueueRealtime') },
        waiting: { type: 'array', items: ref('WaitingCall') },
      },
    },
    CallContext: {
      type: 'object',
      required: ['callId', 'ani', 'dnis', 'attached', 'history'],
      properties: {
        callId: { type: 'string' },
        ani: { type: ['string', 'null'] },
        dnis: { type: ['string', 'null'] },
        hotlineId: { type: 'string' },
        queueId: { type: 'string' },
        joinedAt: iso,
        waitMs: { type: 'number' },
        attached: { type: 'object' },
        history: { type: 'array', items: { type: 'object' } },
      },
    },
    RoutingDecisionList: {
      type: 'object',
      required: ['items'],
      additionalProperties: false,
      properties: {
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['decisionId', 'callId', 'queueId', 'at', 'trigger', 'outcome', 'candidates'],
            properties: {
              decisionId: { type: 'string' },
              callId: { type: 'string' },
              queueId: { type: 'string' },
              at: { type: 'number' },
              trigger: { type: 'string' },
              outcome: { type: 'string' },
              agentId: { type: 'string' },
              candidates: { type: 'array', items: { type: 'object' } },
            },
          },
        },
      },
    },
  };
}

const body = (name: string) => ({
  required: true,
  content: { 'application/json': { schema: ref(name) } },
});

export function deskPaths(): Json {
  const tenant = [tenantHeader];
  const tags = ['desk'];
  const accepted = (description: string) => json(ref('CommandAccepted'), description);
  return {
    '/v1/me': {
      get: {
        operationId: 'getMe',
        tags,
        summary: 'Who is signed in, the agent they work as, and its softphone account',
        parameters: tenant,
        responses: { 200: json(ref('Me'), 'the caller'), ...errors },
      },
    },
    '/v1/agents/{agentId}/state': {
      post: {
        operationId: 'requestAgentState',
        tags,
        summary: 'Ask the ACD for a state change (an agent for itself, a supervisor for anyone)',
        description:
          'Accepted, not applied: the outcome arrives on /v1/live as agent-state or agent-command-rejected.',
        parameters: [...tenant, pathId('agentId', 'agent')],
        requestBody: body('AgentStateChange'),
        responses: { 202: accepted('requested'), ...writeErrors },
      },
    },
    '/v1/agents/{agentId}/wrap-up': {
      post: {
        operationId: 'wrapUp',
        tags,
        summary: "Record the disposition of the agent's call, optionally extending wrap-up",
        parameters: [...tenant, pathId('agentId', 'agent')],
        requestBody: body('WrapUp'),
        responses: {
          202: json(ref('WrapUpAccepted'), 'stored; an extension was requested'),
          ...writeErrors,
          409: problem('the agent has no call to wrap up'),
        },
      },
    },
    '/v1/agents/{agentId}/stats': {
      get: {
        operationId: 'getAgentStats',
        tags,
        summary: "The agent's figures today (itself, or any agent for a supervisor)",
        parameters: [...tenant, pathId('agentId', 'agent')],
        responses: { 200: json(ref('AgentToday'), 'today so far'), ...errors },
      },
    },
    '/v1/calls': {
      post: {
        operationId: 'placeCall',
        tags,
        summary: 'Resolve a number or extension to what the softphone dials',
        description:
          'The softphone places the call (the SIP edge handles agent-placed calls: an extension ' +
          'bridges to that agent, a number leaves through the carrier gateway).',
        parameters: tenant,
        requestBody: body('PlaceCall'),
        responses: {
          200: json(ref('PlacedCall'), 'what to dial'),
          ...writeErrors,
          409: problem('the caller has no softphone (works as no agent)'),
        },
      },
    },
    '/v1/calls/{callId}/commands': {
      post: {
        operationId: 'commandCall',
        tags,
        summary: 'Hold, resume, mute, transfer, add a party (three-way), record, supervise or hang up a call',
        description:
          'An agent only on a call it is on; supervise, record and force-release need a supervisor. ' +
          'The outcome arrives on /v1/live as a call event (call.command.completed and the call’s events).',
        parameters: [...tenant, pathId('callId', 'call')],
        requestBody: body('CallCommand'),
        responses: { 202: accepted('requested'), ...writeErrors },
      },
    },
    '/v1/calls/{callId}/context': {
      get: {
        operationId: 'getCallContext',
        tags,
        summary: 'The screen pop: caller, IVR data and recent history',
        parameters: [...tenant, pathId('callId', 'call')],
        responses: { 200: json(ref('CallContext'), 'the context'), ...errors },
      },
    },
    '/v1/calls/{callId}/routing-decisions': {
      get: {
        operationId: 'listRoutingDecisions',
        tags,
        summary: 'Every routing decision about the call, explained (supervisors)',
        parameters: [...tenant, pathId('callId', 'call')],
        responses: { 200: json(ref('RoutingDecisionList'), 'oldest first'), ...errors },
      },
    },
    '/v1/wallboard': {
      get: {
        operationId: 'getWallboard',
        tags,
        summary: "The tenant's agents, queues and waiting calls now (supervisors)",
        parameters: tenant,
        responses: { 200: json(ref('Wallboard'), 'now'), ...errors },
      },
    },
    '/v1/live': {
      get: {
        operationId: 'liveEvents',
        tags,
        summary: 'The desk’s Server-Sent Events stream',
        description:
          'Events: snapshot (the wallboard; an agent sees itself and its queues), agent, queue, ' +
          'agent-state, offer (to the reserved agent only), offer-ended, agent-command-rejected, ' +
          'call (call events, and queue.joined/left/abandoned), and a final error (slow_consumer, token_expired, shutting_down). `: ping` ' +
          'comments keep it open. A reconnect gets a fresh snapshot.',
        parameters: [
          ...tenant,
          {
            name: 'access_token',
            in: 'query',
            required: false,
            description: 'the bearer token (EventSource cannot send an Authorization header)',
            schema: { type: 'string', minLength: 1, maxLength: 2048 },
          },
        ],
        responses: {
          200: {
            description: 'the event stream',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          429: problem('the tenant has as many live connections as allowed'),
          ...errors,
        },
      },
    },
  };
}
