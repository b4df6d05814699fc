import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilePromptLibrary } from '../src/media/prompt-library';
import { alawDecode, alawEncode } from '../src/media/g711';
import { kamailio } from './support/agents';
import { AGENT_PASSWORD, NUMBER, REALM, startHarness, type Harness } from './support/edge-harness';
import { KAMAILIO, root, TRUNK_PHONE_PORT } from './support/media-plane';
import { sipp } from './support/sipp';
import { bestCorrelation, readWav, TestPhone, toneEnergy } from './support/test-phone';

let h: Harness;
const phones: TestPhone[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await Promise.all(phones.map((p) => p.close()));
  await h?.close();
});

async function newCall(): Promise<string> {
  return (
    await h.waitFor(
      'call.offered',
      (d) => !h.events.some((e) => e.type === 'call.ended' && e.data.callId === d.callId),
    )
  ).data.callId;
}

const PROMPT = 'Thank you for calling Hotline.';

describe('audio through the edge (captured RTP)', () => {
  it('delivers the prompt to the caller: the captured audio is the prompt waveform', async () => {
    const caller = await TestPhone.open(TRUNK_PHONE_PORT);
    phones.push(caller);
    const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
    const callId = await newCall();
    const started = Date.now();
    const played = await h.command(callId, {
      action: 'play',
      prompts: [{ kind: 'tts', text: PROMPT }],
      bargeIn: false,
      loop: false,
    });
    await answered;
    expect(played.outcome).toBe('done');

    const reference = readWav(
      await new FilePromptLibrary({ directory: h.promptDir, store: h.store }).speak(PROMPT, 'en-us'),
    );
    // The prompt went out as PCMA: compare against the reference as G.711 would carry it.
    const carried = Int16Array.from(reference, (s) => alawDecode(alawEncode(s)));
    const heard = caller.heard(started);
    expect(heard.length).toBeGreaterThan(reference.length * 0.8);
    const speech = heard.findIndex((s) => Math.abs(s) > 2000);
    expect(speech).toBeGreaterThanOrEqual(0);
    const correlation = bestCorrelation(carried, heard.subarray(speech, speech + 4000));
    expect(correlation).toBeGreaterThan(0.95);

    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);
  });

  it('lets a caller and an agent hear each other once bridged (a tone each way)', async () => {
    await h.provisionAgent('agent-7', 'agent7');
    const register = await sipp({
      scenario: 'agent_register.xml',
      remote: kamailio,
      localPort: 5492,
      mediaPort: 46800,
      service: 'agent7',
      extra: ['-key', 'realm', REALM, '-au', 'agent7', '-ap', AGENT_PASSWORD],
      timeoutMs: 8000,
    }).done;
    expect(register.code, register.stdout.slice(-1000)).toBe(0);
    const agent = await TestPhone.open(5492);
    phones.push(agent);
    const agentAnswered = agent.answerNext(200);

    // The caller of the first test, whose call has ended: a phone places one call at a time.
    const caller = phones[0]!;
    const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
    const callId = await newCall();
    const bridged = await h.command(callId, {
      action: 'bridge',
      target: { type: 'agent', agentId: 'agent-7' },
      ringTimeoutMs: 8000,
    });
    expect(bridged.outcome).toBe('done');
    await answered;
    await agentAnswered;

    const since = Date.now();
    caller.sendTone(440);
    agent.sendTone(1300);
    await new Promise((r) => setTimeout(r, 1500));
    caller.stopTone();
    agent.stopTone();

    const callerHeard = caller.heard(since + 200);
    const agentHeard = agent.heard(since + 200);
    expect(callerHeard.length).toBeGreaterThan(8000 * 0.8);
    expect(agentHeard.length).toBeGreaterThan(8000 * 0.8);
    expect(toneEnergy(callerHeard, 1300)).toBeGreaterThan(50 * toneEnergy(callerHeard, 440));
    expect(toneEnergy(agentHeard, 440)).toBeGreaterThan(50 * toneEnergy(agentHeard, 1300));

    await h.command(callId, { action: 'hangup', cause: 'normal' });
    const ended = await h.waitFor('call.ended', (d) => d.callId === callId);
    expect(ended.data.by).toBe('system');
  });

  it('records a bridged call to a pcap, leaving out what was said while recording was paused', async () => {
    const [caller, agent] = [phones[0]!, phones[1]!];
    const agentAnswered = agent.answerNext(100);
    const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
    const callId = await newCall();
    expect(
      (
        await h.command(callId, {
          action: 'bridge',
          target: { type: 'agent', agentId: 'agent-7' },
          ringTimeoutMs: 8000,
        })
      ).outcome,
    ).toBe('done');
    await Promise.all([answered, agentAnswered]);
    caller.sendTone(440);
    agent.sendTone(1300);
    const record = (op: 'start' | 'stop' | 'pause' | 'resume') =>
      h.command(callId, { action: 'record', op, recordingId: 'rec-1' });
    expect((await record('start')).outcome).toBe('done');
    await new Promise((r) => setTimeout(r, 600));
    expect((await record('pause')).outcome).toBe('done');
    await new Promise((r) => setTimeout(r, 600));
    expect((await record('resume')).outcome).toBe('done');
    await new Promise((r) => setTimeout(r, 600));
    expect((await record('stop')).outcome).toBe('done');
    caller.stopTone();
    agent.stopTone();
    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);

    // rtpengine's pcap method (userspace) writes one file per recorded stretch, named by call id:
    // a pause (stop) and resume (start) gives two, which the recorder joins by their timestamps.
    const dir = `${root}.local/rtpengine/recordings/pcaps`;
    const files = readdirSync(dir).filter((f) => f.startsWith(`${callId}-`));
    expect(files).toHaveLength(2);
    const packets = files.reduce((n, f) => n + pcapRecords(readFileSync(`${dir}/${f}`)), 0);
    // About 1.2 s recorded of 1.8 s, 50 packets/s from each side: well under the unpaused 180.
    expect(packets).toBeGreaterThan(90);
    expect(packets).toBeLessThan(160);
  });

  it('lets a supervisor listen in: one stream carries the caller, the other the agent', async () => {
    const [caller, agent] = [phones[0]!, phones[1]!];
    await h.provisionAgent('sup-7', 'sup7');
    const register = await sipp({
      scenario: 'agent_register.xml',
      remote: kamailio,
      localPort: 5486,
      mediaPort: 46810,
      service: 'sup7',
      extra: ['-key', 'realm', REALM, '-au', 'sup7', '-ap', AGENT_PASSWORD],
      timeoutMs: 8000,
    }).done;
    expect(register.code, register.stdout.slice(-1000)).toBe(0);
    const supervisor = await TestPhone.open(5486, 2);
    phones.push(supervisor);
    const supervisorAnswered = supervisor.answerNext(100);

    const agentAnswered = agent.answerNext(100);
    const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
    const callId = await newCall();
    expect(
      (
        await h.command(callId, {
          action: 'bridge',
          target: { type: 'agent', agentId: 'agent-7' },
          ringTimeoutMs: 8000,
        })
      ).outcome,
    ).toBe('done');
    await Promise.all([answered, agentAnswered]);
    caller.sendTone(440);
    agent.sendTone(1300);
    const listen = await h.command(callId, { action: 'supervise', mode: 'listen', supervisorId: 'sup-7' });
    expect(listen.outcome).toBe('done');
    await supervisorAnswered;
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 1200));
    caller.stopTone();
    agent.stopTone();

    const first = supervisor.heard(since + 200, 0);
    const second = supervisor.heard(since + 200, 1);
    expect(first.length).toBeGreaterThan(4000);
    expect(second.length).toBeGreaterThan(4000);
    expect(toneEnergy(first, 440)).toBeGreaterThan(50 * toneEnergy(first, 1300));
    expect(toneEnergy(second, 1300)).toBeGreaterThan(50 * toneEnergy(second, 440));

    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);
  });
});

/** Number of packet records in a pcap file. */
function pcapRecords(data: Buffer): number {
  let at = 24;
  let n = 0;
  while (at + 16 <= data.length) {
    at += 16 + data.readUInt32LE(at + 8);
    n++;
  }
  return n;
}
