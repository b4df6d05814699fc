// Reading KEYS and ARGV inside a script's JavaScript twin, with the errors Redis would raise.

import { parseRedisFloat } from '../argv';
import { LiveStateError, RedisMessages, redisStyleError } from '../live-state-error';

export function keyAt(script: string, keys: string[], index: number): string {
  const key = keys[index];
  if (key === undefined)
    throw new LiveStateError('SCRIPT_FAILED', `script ${script} needs KEYS[${index + 1}]`);
  return key;
}

export function argAt(script: string, args: string[], index: number): string {
  const arg = args[index];
  if (arg === undefined)
    throw new LiveStateError('SCRIPT_FAILED', `script ${script} needs ARGV[${index + 1}]`);
  return arg;
}

/** A TTL argument as the twin passes it on; LocalDb rejects what Redis would reject. */
export function msArg(script: string, args: string[], index: number): number {
  const text = argAt(script, args, index);
  return /^-?[0-9]+$/.test(text) ? Number(text) : NaN;
}

export function scoreArg(script: string, args: string[], index: number): number {
  const score = parseRedisFloat(argAt(script, args, index));
  if (score === null) throw redisStyleError(RedisMessages.notFloat);
  return score;
}

/** Lua `return 1` / `return 0` arrive as integers. */
export function decodeFlag(reply: unknown): boolean {
  return reply === 1;
}
