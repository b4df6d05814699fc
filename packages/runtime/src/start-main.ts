import { ConfigError } from '@hotline/platform';

/**
 * Runs a process entry point: a bad setting prints every bad key and exits 2 (a usage error,
 * not a crash); any other start-up failure prints its cause and exits 1.
 */
export async function startMain(start: () => Promise<unknown>): Promise<void> {
  try {
    await start();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`hotline: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `hotline: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  }
}
