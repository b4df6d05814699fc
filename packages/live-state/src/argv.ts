// How numbers travel to Redis and back. Redis spells infinite scores "+inf"/"-inf" (and replies
// "inf"/"-inf"); JavaScript's String(Infinity) is "Infinity", which not every Redis version parses.
// Both adapters encode arguments with toArgv, so a script's JS twin sees exactly what Lua sees.

import type { ScriptArg } from './live-state';
import { LiveStateError } from './live-state-error';

export function toArgv(arg: ScriptArg): string {
  if (typeof arg === 'string') return arg;
  if (Number.isNaN(arg)) throw new LiveStateError('INVALID_ARGUMENT', 'NaN cannot be sent to Redis');
  if (arg === Infinity) return '+inf';
  if (arg === -Infinity) return '-inf';
  return String(arg);
}

/** Parses a float the way Redis does for scores: "inf", "+inf", "-inf" or a finite decimal. */
export function parseRedisFloat(text: string): number | null {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (text.trim() !== text || text === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Redis integers (string2ll): optional minus, no leading zeros, no spaces, no plus sign. */
export function parseRedisInteger(text: string): number | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
