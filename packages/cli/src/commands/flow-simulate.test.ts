import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFlowCommand } from './flow-simulate';

const demo = fileURLToPath(new URL('../../../../docs/examples/flows/demo-menu.json', import.meta.url));
// A Monday, 10:00 in Berlin: the demo hotline is open.
const open = '2026-03-02T09:00:00Z';

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runFlowCommand(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

describe('hotline flow simulate', () => {
  it('prints the path, the prompts and the variables of a scripted call', async () => {
    const { code, out } = await run(
      'simulate',
      demo,
      '--dnis',
      '+4930999000',
      '--ani',
      '+4930111222',
      '--digits',
      '1',
      '--at',
      open,
    );
    expect(code).toBe(0);
    expect(out).toContain('path: welcome → hours → main-menu → sales-queue');
    expect(out).toContain('"For sales, press 1. For support, press 2. To leave a message, press 9."');
    expect(out).toContain('menu_choice = "1"');
    expect(out).toContain('result: queued in sales (priority 10)');
  });

  it('plays out retries on invalid input and silence, ending at the operator queue', async () => {
    const { out } = await run('simulate', demo, '--digits', '5,,4#', '--at', open);
    expect(out).toContain('path: welcome → hours → main-menu → operator-queue');
    expect(out.match(/Sorry, that is not a valid choice/g)).toHaveLength(1);
    expect(out.match(/Sorry, we did not hear your choice/g)).toHaveLength(1);
    expect(out).toContain('no valid input after 3 tries');
  });

  it('follows the closed branch outside business hours into voicemail', async () => {
    const { out } = await run('simulate', demo, '--digits', '#', '--at', '2026-03-07T12:00:00Z', '--json');
    const result = JSON.parse(out) as { path: string[]; events: { type: string }[] };
    expect(result.path).toEqual(['welcome', 'hours', 'closed', 'voicemail', 'goodbye', 'hang-up']);
    expect(result.events.map((e) => e.type)).toContain('voicemail.recorded');
  });

  it('maps a canned CRM answer into variables', async () => {
    const { out } = await run(
      'simulate',
      demo,
      '--digits',
      '2',
      '--at',
      open,
      '--lookup-answer',
      '{"name":"Ada","tier":"gold"}',
    );
    expect(out).toContain('customer_name = "Ada"');
    expect(out).toContain('result: queued in support (priority 50)');
  });

  it('refuses an invalid flow, listing each problem with its node id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flow-sim-'));
    const file = join(dir, 'broken.json');
    await writeFile(
      file,
      JSON.stringify({
        id: 'broken',
        start: 'a',
        nodes: [{ id: 'a', type: 'play', prompts: [], next: 'gone' }],
      }),
    );
    const { code, err } = await run('simulate', file);
    expect(code).toBe(1);
    expect(err).toContain('node a: nodes.0.next: leads to node "gone", which does not exist');
    expect(err).toContain('node a: nodes.0.prompts: missing prompts');
  });

  it('explains its usage on bad arguments', async () => {
    expect((await run('simulate')).code).toBe(2);
    expect((await run('simulate', demo, '--at', 'yesterday')).err).toContain(
      '--at "yesterday" is not an ISO 8601 time',
    );
    expect((await run('frobnicate')).err).toContain('unknown subcommand "frobnicate"');
  });
});
