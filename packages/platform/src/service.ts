import type { DocumentStore } from '@hotline/document-store';
import type { EventBus } from '@hotline/event-bus';
import type { LiveState } from '@hotline/live-state';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Env } from './config';
import type { ReadinessCheck } from './http/ops-server';
import type { Component } from './lifecycle';

export const serviceNames = ['sip-edge', 'ivr-runner', 'acd-router', 'recorder', 'reporting', 'api'] as const;
export type ServiceName = (typeof serviceNames)[number];

/** What the composition root hands a service: ports, never concrete clients. */
export interface ServiceDeps {
  siteId: string;
  log: Logger;
  metrics: Registry;
  bus: EventBus;
  store: DocumentStore;
  live: LiveState;
  /** The process's HTTP app, for services that serve routes (the API). */
  http: Express;
  /** Which shape runs it; services behave the same, this is for logs and /healthz only. */
  shape: 'serve' | 'up';
  /** The environment the process started with, for a service that parses its own `settings`. */
  env?: Env;
}

/**
 * A running service is a lifecycle component: it drains, reports its live work, and stops. It may
 * add readiness checks of its own dependencies to /readyz.
 */
export type RunningService = Component & { checks?: ReadinessCheck[] };

/** Every service exports one of these; `hotline serve` and `hotline up` both call `start`. */
export interface ServiceModule {
  name: ServiceName;
  /**
   * The service's own settings (HOTLINE_<SERVICE>_*), if any. Both shapes check them together
   * with the process settings at start, so every bad key is still reported in one message.
   */
  settings?: z.ZodObject;
  start(deps: ServiceDeps): Promise<RunningService>;
}
