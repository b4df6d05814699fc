import type { NodeOf } from '../../flow-schema';
import type { Run } from '../run';
import type { NodeHandler } from './handler';

export const playNode: NodeHandler<NodeOf<'play'>> = {
  enter: (run, node) =>
    run.command({ action: 'play', prompts: run.prompts(node.prompts), bargeIn: node.bargeIn, loop: false }),
  resume(run, node, input) {
    // A prompt that failed to play is not worth losing the caller over: the flow goes on.
    if (input.type === 'command-completed' && input.outcome === 'failed') {
      run.note(`prompt failed: ${input.error ?? 'no reason given'}`);
    }
    return { goto: node.next };
  },
};

// Voicemail is four commands in a row: greeting and beep, start recording, wait for "#" or the
// length limit (a one-key collect with the limit as its timeout), stop recording. The caller may
// hang up at any point after the beep, which is the usual way a voicemail ends.
type VoicemailPhase = 'greeting' | 'record-start' | 'recording' | 'record-stop';

export const voicemailNode: NodeHandler<NodeOf<'voicemail'>> = {
  enter(run, node) {
    run.state.phase = 'greeting' satisfies VoicemailPhase;
    return run.command({
      action: 'play',
      prompts: [...run.prompts(node.prompts), { kind: 'prompt', promptId: node.beepPromptId }],
      bargeIn: false,
      loop: false,
    });
  },
  resume(run, node, input) {
    if (input.type !== 'command-completed') return { goto: node.next };
    const phase = run.state.phase as VoicemailPhase;
    switch (phase) {
      case 'greeting': {
        const recordingId = run.nextId('vm');
        run.state.scratch.recordingId = recordingId;
        run.state.phase = 'record-start';
        return run.command({ action: 'record', op: 'start', recordingId });
      }
      case 'record-start':
        if (input.outcome !== 'done') {
          run.note(`recording did not start: ${input.outcome}`);
          return { goto: node.next };
        }
        run.state.phase = 'recording';
        run.state.scratch.recordStartedAt = run.now.toISOString();
        run.note(`recording ${String(run.state.scratch.recordingId)} after the beep`);
        return run.command({
          action: 'collect',
          prompts: [],
          bargeIn: false,
          // Any key (usually "#") ends the message: as a digit, not a terminator, so the edge
          // reports it as done rather than as too little input.
          digits: {
            minDigits: 1,
            maxDigits: 1,
            terminators: '',
            firstDigitTimeoutMs: node.maxSeconds * 1000,
            interDigitTimeoutMs: 1000,
          },
        });
      case 'recording':
        run.state.scratch.endedBy = input.outcome === 'timeout' ? 'max-length' : 'key';
        run.state.scratch.durationMs = elapsedMs(run);
        run.state.phase = 'record-stop';
        return run.command({
          action: 'record',
          op: 'stop',
          recordingId: String(run.state.scratch.recordingId),
        });
      case 'record-stop':
        keepVoicemail(run, node);
        return { goto: node.next };
    }
  },
  callEnded(run, node) {
    if (run.state.phase === 'recording') {
      run.state.scratch.endedBy = 'hangup';
      run.state.scratch.durationMs = elapsedMs(run);
    }
    if (run.state.phase === 'recording' || run.state.phase === 'record-stop') keepVoicemail(run, node);
  },
};

function elapsedMs(run: Run): number {
  const started = Date.parse(String(run.state.scratch.recordStartedAt));
  return Math.max(0, run.now.getTime() - started);
}

function keepVoicemail(run: Run, node: NodeOf<'voicemail'>): void {
  const { scratch, call } = run.state;
  const recorded = {
    callId: call.callId,
    recordingId: String(scratch.recordingId),
    mailbox: node.mailbox,
    flowId: run.state.flowId,
    durationMs: Number(scratch.durationMs ?? 0),
    endedBy: scratch.endedBy as 'key' | 'max-length' | 'hangup',
  };
  run.emit('voicemail.recorded', recorded);
  run.effects.push({
    kind: 'store',
    collection: 'ivr-voicemails',
    id: recorded.recordingId,
    document: {
      ...recorded,
      tenantId: call.tenantId,
      ani: call.ani,
      dnis: call.dnis,
      recordedAt: String(scratch.recordStartedAt),
      status: 'new',
    },
  });
  run.note(
    `voicemail ${recorded.recordingId} kept (${recorded.durationMs} ms, ended by ${recorded.endedBy})`,
  );
}
