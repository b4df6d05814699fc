import type { z } from 'zod';
import { ConfigError, type SettingIssue } from './config-error';

export type Env = Record<string, string | undefined>;

export interface LoadConfigOptions {
  /**
   * Variables with these prefixes belong to us: one that the schema does not know is a typo
   * (HOTLINE_KAFKA_BROKER for HOTLINE_KAFKA_BROKERS) and is reported, not ignored.
   */
  ownedPrefixes?: string[];
}

/**
 * Parses the environment once into a frozen, typed object. Schema keys are the variable names.
 * Every problem — missing, malformed, unknown — is collected and thrown as one ConfigError.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Env,
  options: LoadConfigOptions = {},
): Readonly<z.infer<S>> {
  const prefixes = options.ownedPrefixes ?? ['HOTLINE_'];
  const known = new Set(Object.keys(schema.shape));
  const input: Record<string, string> = {};
  const issues: SettingIssue[] = [];

  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (known.has(key)) {
      // An empty variable means "not set": falls back to the default, or is reported as missing.
      if (value.trim() !== '') input[key] = value.trim();
    } else if (prefixes.some((p) => key.startsWith(p))) {
      issues.push({ key, message: `unknown setting${suggest(key, known)}` });
    }
  }

  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '(config)');
      const message =
        issue.code === 'invalid_type' && input[key] === undefined ? 'required, not set' : issue.message;
      issues.push({ key, message });
    }
  }
  if (issues.length > 0) {
    issues.sort((a, b) => a.key.localeCompare(b.key));
    throw new ConfigError(issues);
  }
  return Object.freeze(parsed.data as z.infer<S>);
}

function suggest(key: string, known: Set<string>): string {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best ? ` (did you mean ${best}?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
