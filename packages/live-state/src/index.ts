export type { AtomicScript, LiveState, LocalDb, ScriptArg, SetOptions, Unsubscribe } from './live-state';
export { LiveStateError, type LiveStateErrorCode } from './live-state-error';
export type { HandlerErrorReporter } from './handler-error';
export { MemoryDb } from './memory-db';
export { createMemoryLiveState, type MemoryLiveStateOptions } from './memory-live-state';
export { createRedisLiveState, type RedisLiveStateOptions } from './redis-live-state';
export {
  createIdempotencyGuard,
  type IdempotencyGuard,
  type IdempotencyGuardOptions,
} from './idempotency-guard';
export * from './scripts/index';
/** Helpers for writing further scripts' JavaScript twins. */
export { argAt, decodeFlag, keyAt, msArg, scoreArg } from './scripts/script-args';
export { parseRedisFloat, toArgv } from './argv';
