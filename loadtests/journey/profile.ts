// A journey profile: who calls, how fast, what they press, and how the agents behave. JSON (or a
// TS module exporting `profile`), checked here with every problem reported at once.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';

const ms = (max: number) => z.number().int().min(0).max(max);

export const profileSchema = z
  .strictObject({
    /** Names the report: docs/benchmarks/journey-<name>.md. */
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lowercase letters, digits and dashes'),
    description: z.string().max(400).default(''),
    callers: z.strictObject({
      /** New calls per second once ramped up. */
      rate: z.number().positive().max(1000),
      /** Seconds to climb from rate/rampSeconds to rate (0: start at full rate). */
      rampSeconds: z.number().int().min(0).max(300).default(0),
      /** Calls placed in all (SIPp -m). */
      calls: z.number().int().min(1).max(100_000),
      /** Hard bound on the whole calling phase, seconds (calls still up then count as failed). */
      maxSeconds: z.number().int().min(5).max(1800).default(300),
      /** How long a caller holds in the queue for an agent before giving up (a failed call). */
      maxHoldSeconds: z.number().int().min(1).max(600).default(60),
    }),
    ivr: z
      .strictObject({
        /** Keys pressed, one menu each (RFC 4733 events): "1" is one menu, "12" two. */
        digits: z.string().regex(/^[0-9*#]{1,8}$/, '1 to 8 of 0-9 * #'),
        /** After the IVR answers, when the first key goes. */
        firstDigitAfterMs: ms(30_000).default(1500),
        /** Between keys (each menu plays its prompt first). */
        betweenDigitsMs: ms(30_000).default(1200),
      })
      .default({ digits: '1', firstDigitAfterMs: 1500, betweenDigitsMs: 1200 }),
    agents: z.strictObject({
      count: z.number().int().min(1).max(2000),
      /** Ringing before the agent's phone answers. */
      answerDelayMs: ms(60_000).default(300),
      /** Agent and caller talking; then the agent hangs up. */
      talkTimeMs: ms(600_000).default(2000),
      /** After-call work before the agent says "done" (disposition + ready). */
      wrapUpMs: ms(600_000).default(500),
    }),
    queue: z
      .strictObject({
        serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
        ringTimeoutSeconds: z.number().int().min(5).max(120).default(15),
      })
      .default({ serviceLevelSeconds: 20, ringTimeoutSeconds: 15 }),
    /**
     * Calls before the measured step, not counted: they render the IVR's prompts, fill Kamailio's
     * and the services' caches and warm the JIT, as in a system that has been up for a while.
     */
    warmup: z
      .strictObject({
        calls: z.number().int().min(0).max(5000),
        rate: z.number().positive().max(1000),
      })
      .default({ calls: 60, rate: 10 }),
    /** Bare Kamailio + rtpengine at the same offered load in the same run. */
    baseline: z.boolean().default(true),
    /** Find-the-ceiling mode: these rates in turn, each for `secondsPerStep`, until one fails. */
    ceiling: z
      .strictObject({
        rates: z.array(z.number().positive().max(1000)).min(1).max(20),
        secondsPerStep: z.number().int().min(3).max(120).default(10),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    const needed =
      p.callers.rate * ((p.agents.answerDelayMs + p.agents.talkTimeMs + p.agents.wrapUpMs) / 1000);
    if (p.agents.count < Math.ceil(needed * 0.5)) {
      ctx.addIssue({
        code: 'custom',
        path: ['agents', 'count'],
        message: `${p.agents.count} agents cannot keep up with ${p.callers.rate} calls/s of ${(needed / p.callers.rate).toFixed(1)} s agent time each (about ${Math.ceil(needed)} busy at once): callers would only pile up`,
      });
    }
  });

export type Profile = z.infer<typeof profileSchema>;
export type ProfileInput = z.input<typeof profileSchema>;

export class ProfileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`profile ${source} is not valid:\n  ${problems.join('\n  ')}`);
    this.name = 'ProfileError';
  }
}

/** Checks a profile object; every problem is named with its path. */
export function parseProfile(input: unknown, source = '(inline)'): Profile {
  const result = profileSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ProfileError(
    source,
    result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`),
  );
}

const profilesDir = resolve(new URL('.', import.meta.url).pathname, 'profiles');

/** A name from loadtests/journey/profiles/ (without extension) or a path to a .json/.ts file. */
export async function loadProfile(nameOrFile: string): Promise<Profile> {
  const candidates = [
    resolve(nameOrFile),
    resolve(profilesDir, `${nameOrFile}.json`),
    resolve(profilesDir, `${nameOrFile}.ts`),
  ];
  const file = candidates.find((f) => existsSync(f) && ['.json', '.ts'].includes(extname(f)));
  if (!file) {
    throw new ProfileError(nameOrFile, [
      `no such profile: give a file (.json or .ts) or one of ${listProfiles().join(', ')}`,
    ]);
  }
  let raw: unknown;
  if (extname(file) === '.json') {
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ProfileError(basename(file), [`not JSON: ${(err as Error).message}`]);
    }
  } else {
    const mod = (await import(pathToFileURL(file).href)) as { profile?: unknown; default?: unknown };
    raw = mod.profile ?? mod.default;
    if (raw === undefined) throw new ProfileError(basename(file), ['exports no `profile`']);
  }
  return parseProfile(raw, basename(file));
}

export function listProfiles(): string[] {
  if (!existsSync(profilesDir)) return [];
  return readdirSync(profilesDir)
    .filter((f) => f.endsWith('.json') || f.endsWith('.ts'))
    .map((f) => f.replace(/\.(json|ts)$/, ''))
    .sort();
}
