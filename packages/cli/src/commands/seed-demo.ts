import { demoCredentials, demoNumbers, httpTarget, seedDemoTenant } from '@hotline/api';
import { ConfigError, loadConfig, type Env } from '@hotline/platform';
import { z } from 'zod';

const seedSettings = z.object({
  /** The running API (any shape) to provision through. */
  HOTLINE_API_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:8080'),
  /** The platform admin key that API was started with. */
  HOTLINE_API_ADMIN_KEY: z.string().min(32, 'the admin key the API runs with (32+ characters)'),
});

export const seedDemoUsage = `usage: hotline seed-demo

Provisions the demo tenant (one hotline, a published flow, two queues, three agents) through a
running API, as the platform admin. Does nothing if the tenant "demo" already exists.
\`hotline up\` does the same on its first start.

settings: HOTLINE_API_URL (default http://127.0.0.1:8080), HOTLINE_API_ADMIN_KEY (required)
`;

/** `hotline seed-demo`: prints what it made as JSON; exit 0 done or already there, 1 failed, 2 bad settings. */
export async function runSeedDemoCommand(args: string[], env: Env): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(seedDemoUsage);
    return 0;
  }
  let settings: z.infer<typeof seedSettings>;
  try {
    // Other HOTLINE_* variables belong to other commands; only these two are read here.
    settings = loadConfig(seedSettings, env, { ownedPrefixes: [] });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hotline seed-demo: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  try {
    const result = await seedDemoTenant(
      httpTarget(settings.HOTLINE_API_URL, settings.HOTLINE_API_ADMIN_KEY),
      (message, err) => process.stderr.write(`warning: ${message}: ${(err as Error).message}\n`),
    );
    const report = result.created
      ? { ...result, numbers: demoNumbers, adminUser: demoCredentials.adminEmail }
      : { ...result, note: 'the demo tenant already exists; nothing changed' };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`hotline seed-demo: ${(err as Error).message}\n`);
    return 1;
  }
}
