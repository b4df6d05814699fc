import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode } from './g711';
import { FRAME_SAMPLES, hearingFor, Mixer } from './mixer';

const constant = (value: number) => Buffer.alloc(FRAME_SAMPLES, alawEncode(value));
const level = (payload: Buffer | undefined) => (payload ? alawDecode(payload[0]!) : undefined);

function conference(...ids: string[]): Mixer {
  const mixer = new Mixer();
  for (const id of ids) mixer.add(id, 'PCMA');
  return mixer;
}

describe('Mixer', () => {
  it('gives every member the sum of the others in a conference, never its own voice', () => {
    const mixer = conference('caller', 'agent', 'third');
    mixer.setHearing(hearingFor.all(['caller', 'agent', 'third']));
    mixer.input('caller', constant(1000));
    mixer.input('agent', constant(2000));
    mixer.input('third', constant(4000));
    const out = mixer.tick();
    // A-law steps at these levels are 64-128: compare with what the codec can carry.
    expect(level(out.get('caller'))).toBe(
      alawDecode(alawEncode(alawDecode(alawEncode(2000)) + alawDecode(alawEncode(4000)))),
    );
    expect(level(out.get('agent'))).toBe(
      alawDecode(alawEncode(alawDecode(alawEncode(1000)) + alawDecode(alawEncode(4000)))),
    );
    expect(level(out.get('third'))).toBe(
      alawDecode(alawEncode(alawDecode(alawEncode(1000)) + alawDecode(alawEncode(2000)))),
    );
  });

  it('keeps a whispering supervisor out of what the caller hears', () => {
    const mixer = conference('caller', 'agent', 'sup');
    mixer.setHearing(hearingFor.whisper('caller', 'agent', 'sup'));
    mixer.input('agent', constant(2000));
    mixer.input('sup', constant(8000));
    const out = mixer.tick();
    expect(level(out.get('caller'))).toBe(alawDecode(alawEncode(2000)));
    expect(level(out.get('agent'))).toBe(alawDecode(alawEncode(8000)));
    expect(mixer.hears('caller')).toEqual(['agent']);
  });

  it('drops a muted member from everyone else', () => {
    const matrix = hearingFor.muted(hearingFor.all(['a', 'b', 'c']), new Set(['c']));
    expect(matrix).toEqual({ a: ['b'], b: ['a'], c: ['a', 'b'] });
  });

  it('clips sums instead of wrapping around', () => {
    const mixer = conference('a', 'b', 'c');
    mixer.setHearing(hearingFor.all(['a', 'b', 'c']));
    mixer.input('b', constant(30000));
    mixer.input('c', constant(30000));
    expect(level(mixer.tick().get('a'))).toBeGreaterThan(30000);
  });

  it('mixes a feed (music on hold) into one member only, looping', () => {
    const mixer = conference('caller', 'agent');
    mixer.setHearing({ caller: [], agent: [] });
    const tone = [new Int16Array(FRAME_SAMPLES).fill(500), new Int16Array(FRAME_SAMPLES).fill(-500)];
    mixer.feed('caller', tone, true);
    const levels = [1, 2, 3].map(() => level(mixer.tick().get('caller')));
    expect(levels).toEqual([
      alawDecode(alawEncode(500)),
      alawDecode(alawEncode(-500)),
      alawDecode(alawEncode(500)),
    ]);
    expect(mixer.tick().has('agent')).toBe(false);
  });

  it('takes one queued frame per tick and keeps only the newest few', () => {
    const mixer = conference('a', 'b');
    mixer.setHearing(hearingFor.all(['a', 'b']));
    for (const v of [100, 200, 300, 400, 500, 600]) mixer.input('b', constant(v));
    const heard = [1, 2, 3, 4, 5].map(() => level(mixer.tick().get('a')));
    expect(heard).toEqual([300, 400, 500, 600, 0].map((v) => alawDecode(alawEncode(v))));
  });

  it('forgets a member that leaves, in every matrix', () => {
    const mixer = conference('a', 'b', 'c');
    mixer.setHearing(hearingFor.all(['a', 'b', 'c']));
    mixer.remove('c');
    expect(mixer.hears('a')).toEqual(['b']);
    expect(mixer.size).toBe(2);
  });
});
