import type { DocumentStore } from '@hotline/document-store';
import type { EventBus } from '@hotline/event-bus';
import type { LiveState } from '@hotline/live-state';
import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
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
}

/** A running service is a lifecycle component: it drains, reports its live work, and stops. */
export type RunningService = Component;

/** Every service exports one of these; `hotline serve` and `hotline up` both call `start`. */
export interface ServiceModule {
  name: ServiceName;
  start(deps: ServiceDeps): Promise<RunningService>;
}
