import { z } from 'zod';

// Building blocks for settings read from text. Each says what it expects in its error.

export const port = () => z.coerce.number({ error: 'must be a TCP port number' }).int().min(1).max(65535);

export const positiveInt = () => z.coerce.number({ error: 'must be a whole number' }).int().positive();

export const durationMs = () => z.coerce.number({ error: 'must be a duration in milliseconds' }).int().min(0);

export const bool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .transform((v) => ['true', '1', 'yes'].includes(v));

/** "host:port,host:port" → ["host:port", …], each checked. */
export const hostPortList = () =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, 'each entry must be host:port'))
        .min(1, 'must list at least one host:port'),
    );

export const url = (protocols: string[]) =>
  z
    .url({ error: `must be a URL (${protocols.join(', ')})` })
    .refine(
      (u) => protocols.some((p) => u.startsWith(`${p}://`)),
      `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    );

export const identifier = () =>
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, up to 63');

export const logLevel = () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
