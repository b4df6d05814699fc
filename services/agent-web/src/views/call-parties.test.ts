import { describe, expect, it } from 'vitest';
import { conferenceMembers, targetOf } from './call-parties';

describe('call parties', () => {
  it('reads a colleague or queue id, or a number from the form, and refuses anything else', () => {
    expect(targetOf('agent', ' agt-7 ')).toEqual({ type: 'agent', agentId: 'agt-7' });
    expect(targetOf('queue', 'q-billing')).toEqual({ type: 'queue', queueId: 'q-billing' });
    expect(targetOf('flow', 'flow-survey')).toEqual({ type: 'flow', flowId: 'flow-survey' });
    expect(targetOf('external', '+33 (1) 23-45-67-89')).toEqual({ type: 'external', number: '+33123456789' });
    expect(targetOf('external', 'call mom')).toBeNull();
    expect(targetOf('agent', '   ')).toBeNull();
  });

  it('shows an added party ringing until the edge reports the bridge, then joined or not reached', () => {
    const added = [
      { commandId: 'cmd-1', label: 'Ana (201)' },
      { commandId: 'cmd-2', label: '+15557654321' },
      { commandId: 'cmd-3', label: 'Bo (202)' },
    ];
    const events = [
      { type: 'call.command.completed', callId: 'c1', commandId: 'cmd-1', action: 'bridge', outcome: 'done' },
      {
        type: 'call.command.completed',
        callId: 'c1',
        commandId: 'cmd-2',
        action: 'bridge',
        outcome: 'no-answer',
      },
      { type: 'call.bridged', callId: 'c1', commandId: 'cmd-3' },
    ];
    expect(conferenceMembers(added, events).map((m) => m.status)).toEqual([
      'joined',
      'not reached',
      'ringing',
    ]);
  });
});
