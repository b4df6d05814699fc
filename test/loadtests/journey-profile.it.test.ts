// Journey profiles are checked before anything starts: every problem named with its path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listProfiles, loadProfile, parseProfile, ProfileError } from '../../loadtests/journey/profile';
import { callerScenario } from '../../loadtests/journey/caller-scenario';
import { journeyFlow } from '../../loadtests/journey/provision';
import { lineChart, percentile } from '../../loadtests/journey/svg-chart';

const dir = mkdtempSync(join(tmpdir(), 'journey-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const valid = {
  name: 'tiny',
  callers: { rate: 2, calls: 5 },
  agents: { count: 6 },
};

describe('journey profiles', () => {
  it('fills defaults for what a profile leaves out', () => {
    const p = parseProfile(valid);
    expect(p.ivr.digits).toBe('1');
    expect(p.callers.maxHoldSeconds).toBe(60);
    expect(p.agents.talkTimeMs).toBe(2000);
    expect(p.baseline).toBe(true);
    expect(p.warmup).toEqual({ calls: 60, rate: 10 });
  });

  it('reports every bad field at once, by path', () => {
    const bad = () =>
      parseProfile(
        { name: 'Bad Name', callers: { rate: -1, calls: 0 }, agents: { count: 1 }, ivr: { digits: 'x' } },
        'bad.json',
      );
    expect(bad).toThrow(ProfileError);
    try {
      bad();
    } catch (err) {
      const problems = (err as ProfileError).problems.join('\n');
      expect(problems).toContain('name:');
      expect(problems).toContain('callers.rate:');
      expect(problems).toContain('callers.calls:');
      expect(problems).toContain('ivr.digits:');
    }
  });

  it('refuses too few agents for the offered load', () => {
    expect(() =>
      parseProfile({
        name: 'starved',
        callers: { rate: 100, calls: 10 },
        agents: { count: 10, talkTimeMs: 2000 },
      }),
    ).toThrow(/agents\.count: 10 agents cannot keep up with 100 calls\/s/);
  });

  it('loads the shipped profiles by name and files by path, and names the choices for an unknown one', async () => {
    expect(listProfiles()).toEqual(expect.arrayContaining(['smoke', '100cps', 'ceiling']));
    expect((await loadProfile('100cps')).callers.rate).toBe(100);
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify(valid));
    expect((await loadProfile(file)).name).toBe('tiny');
    await expect(loadProfile('no-such-profile')).rejects.toThrow(/no such profile: .*smoke/);
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    await expect(loadProfile(join(dir, 'broken.json'))).rejects.toThrow(/not JSON/);
  });

  it('writes one menu per key and a caller scenario that presses those keys', () => {
    const p = parseProfile({ ...valid, ivr: { digits: '2#' } });
    const flow = journeyFlow(p.ivr.digits, 'q1') as {
      nodes: { id: string; options?: Record<string, string> }[];
    };
    expect(flow.nodes.find((n) => n.id === 'menu-1')?.options).toEqual({ '2': 'menu-2' });
    expect(flow.nodes.find((n) => n.id === 'menu-2')?.options).toEqual({ '#': 'queue' });
    const xml = callerScenario(p);
    expect(xml).toContain('dtmf_2833_2.pcap');
    expect(xml).toContain('dtmf_2833_pound.pcap');
  });
});

describe('report helpers', () => {
  it('draws a line chart as SVG with its series named', () => {
    const svg = lineChart({
      title: 'Calls',
      xLabel: 's',
      yLabel: 'calls/s',
      series: [
        {
          name: 'offered <all>',
          points: [
            [0, 1],
            [1, 3],
            [2, 2],
          ],
        },
      ],
    });
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('offered &lt;all&gt;');
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ L/);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 100], 99)).toBe(100);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });
});
